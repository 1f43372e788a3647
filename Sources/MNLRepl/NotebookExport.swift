import MNLLanguage

/// `mnl notebook`: a script's `#%%` cells as a notebook — the header comment and each cell's
/// title as markdown, each cell's code as a code cell — run one after another in one session
/// so every code cell keeps its outputs.
public enum NotebookExport {
  public struct Result {
    public var document: NotebookDocument
    /// The first failed cell's number and error output (later cells are not run, as
    /// `jupyter nbconvert --execute` stops at an error).
    public var failure: (cell: Int, output: NotebookOutput)?
    public var codeCells: Int
  }

  public static func run(source: String, path: String, arguments: [String], execute: Bool) -> Result {
    var document = NotebookDocument()
    let header = markdown(ScriptCells.headerComment(source))
    if !header.isEmpty { document.cells.append(.init(kind: .markdown, source: header)) }

    var outputs: [NotebookOutput] = []
    let session = execute ? NotebookSession(arguments: arguments, scriptPath: path) { outputs.append($0) } : nil
    var failure: (cell: Int, output: NotebookOutput)?
    let cells = ScriptCells.split(source)
    for cell in cells {
      if !cell.title.isEmpty { document.cells.append(.init(kind: .markdown, source: "## " + cell.title)) }
      var code = NotebookDocument.Cell(kind: .code, source: cell.source)
      if let session, failure == nil {
        outputs = []
        let succeeded = session.executeScriptCell(cell, path: path, count: cell.number)
        code.executionCount = cell.number
        code.outputs = outputs
        if !succeeded, let error = outputs.last(where: { if case .error = $0 { return true } else { return false } }) {
          failure = (cell.number, error)
        }
      }
      document.cells.append(code)
    }
    return Result(document: document, failure: failure, codeCells: cells.count)
  }

  /// A header comment as markdown: indented lines (usage examples) become a code block.
  static func markdown(_ comment: String) -> String {
    comment.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.hasPrefix("  ") && !line.hasPrefix("    ") ? "  " + line : String(line)
    }.joined(separator: "\n")
  }
}
