/// A script's cells: a line starting with `#%%` (optionally `#%% title`) begins a cell, as in
/// VS Code and Jupytext. Running the whole file ignores the markers; cells let a notebook, the
/// kernel and `mnl FILE --cell N` run one part of it at a time.
public struct ScriptCell: Sendable, Equatable {
  /// 1-based, in file order.
  public let number: Int
  /// The text after `#%%`, trimmed; empty when the marker has none.
  public let title: String
  /// The cell's code (the marker line excluded), with its trailing blank lines removed.
  public let source: String
  /// The file line of the cell's first code line (1-based), so diagnostics point into the file.
  public let firstLine: Int

  public init(number: Int, title: String, source: String, firstLine: Int) {
    self.number = number
    self.title = title
    self.source = source
    self.firstLine = firstLine
  }

  /// The source padded with blank lines so that line numbers match the file's.
  public var sourceAtFileLines: String {
    String(repeating: "\n", count: max(firstLine - 1, 0)) + source
  }
}

public enum ScriptCells {
  /// Whether a line is a cell marker (`#%%` at the start of the line, leading spaces allowed).
  public static func isMarker(_ line: Substring) -> Bool {
    line.drop { $0 == " " || $0 == "\t" }.hasPrefix("#%%")
  }

  /// Splits a script into cells. Text before the first marker is a cell only when it holds code
  /// (a header of comments is not one); a file without markers is one cell.
  public static func split(_ source: String) -> [ScriptCell] {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    var cells: [ScriptCell] = []
    var title = ""
    var start = 0  // index of the cell's first code line
    var isPreamble = true

    func close(upTo end: Int) {
      var body = Array(lines[start..<end])
      while let last = body.last, last.allSatisfy(\.isWhitespace) { body.removeLast() }
      let hasCode = body.contains { line in
        let t = line.drop { $0 == " " || $0 == "\t" }
        return !t.isEmpty && !t.hasPrefix("#")
      }
      if isPreamble && !hasCode { return }
      cells.append(
        ScriptCell(
          number: cells.count + 1, title: title, source: body.joined(separator: "\n"), firstLine: start + 1))
    }

    for (i, line) in lines.enumerated() where isMarker(line) {
      close(upTo: i)
      let afterMarker = line.drop { $0 == " " || $0 == "\t" }.dropFirst(3)
      title = String(afterMarker.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
      start = i + 1
      isPreamble = false
    }
    close(upTo: lines.count)
    return cells
  }

  /// The comment lines at the top of a script (before any code or marker), without their `#`:
  /// a notebook shows them as its introduction.
  public static func headerComment(_ source: String) -> String {
    var text: [String] = []
    for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
      if isMarker(line) { break }
      let t = line.drop { $0 == " " || $0 == "\t" }
      if t.isEmpty { if !text.isEmpty { text.append("") }; continue }
      guard t.hasPrefix("#") else { break }
      var body = t.dropFirst()
      if body.first == " " { body = body.dropFirst() }
      text.append(String(body))
    }
    while text.last == "" { text.removeLast() }
    return text.joined(separator: "\n")
  }
}

extension Interpreter {
  /// Runs one cell of a script against this interpreter's current state (names are resolved
  /// at run time, as in a REPL cell); returns its last expression's value. Diagnostics point at
  /// the cell's lines in `path`.
  public func runCell(_ cell: ScriptCell, path: String) throws -> Value? {
    try evaluateCell(source: cell.sourceAtFileLines, name: path)
  }
}
