import MNLDisplay
import MNLInterrupt
import MNLLanguage

/// What a notebook cell produces, in the order it happened (Jupyter's output kinds).
public enum NotebookOutput: Equatable {
  /// Printed text ("stdout"; "stderr" for warnings).
  case stream(name: String, text: String)
  /// A picture or table (`show`, plots, `:predict`); `id` when it will be updated in place.
  case display(MimeBundle, id: String?)
  /// Replaces the display output shown under `id` (a progress bar's redraw).
  case update(MimeBundle, id: String)
  /// The value of the cell's last expression.
  case result(MimeBundle)
  /// A failed cell: the error's kind, message and the located diagnostic's lines.
  case error(name: String, value: String, traceback: [String])
}

/// Runs notebook cells — mnl code or REPL `:commands` (`:time`, `:vars`, `:help`, `:predict`,
/// `:load FILE --cell N`) — on one interpreter whose state they share, and reports their
/// outputs as `NotebookOutput`s. The kernel and `mnl notebook` both use it, so a cell shows the
/// same things in JupyterLab as in an exported .ipynb.
public final class NotebookSession {
  private let repl: REPL
  private let emit: (NotebookOutput) -> Void
  private let display: Display

  /// - Parameters:
  ///   - arguments: the list `args`; scriptPath: the script the cells come from (for `use`).
  ///   - emit: receives each output as it happens (called on the thread that runs the cell).
  public init(arguments: [String] = [], scriptPath: String? = nil, emit: @escaping (NotebookOutput) -> Void) {
    self.emit = emit
    let sink = OutputSink(write: { text in emit(.stream(name: "stdout", text: text)) })
    let interpreter = Interpreter(arguments: arguments, scriptPath: scriptPath, output: sink)
    display = Display(emit: emit)
    interpreter.richDisplay = display
    repl = REPL(interpreter: interpreter, interactive: false, capabilities: .plain)
    repl.presentValue = { value in emit(.result(ValueDisplay.bundle(value))) }
    repl.presentError = { error in emit(NotebookSession.errorOutput(error)) }
  }

  public var interpreter: Interpreter { repl.interpreter }

  /// Runs one cell as execution number `count`. Returns false when it failed (an error output
  /// was emitted); `exitStatus` is set when the code called exit(n).
  @discardableResult
  public func execute(_ code: String, count: Int) -> Bool {
    let failuresBefore = repl.failedCells
    repl.cellNumber = count
    Interrupt.clear()
    if let status = repl.handle(code) {
      // exit(n) in a notebook cell: the session stays, as IPython's does after SystemExit.
      emit(.error(name: "exit", value: "exit(\(status))", traceback: ["exit(\(status)) called: the session continues"]))
      repl.interpreter.output.flush()
      return false
    }
    repl.interpreter.output.flush()
    Interrupt.clear()
    return repl.failedCells == failuresBefore
  }

  /// Runs a cell of the script at `path` as execution number `count`; diagnostics point at
  /// the script's lines. Returns false when it failed.
  @discardableResult
  public func executeScriptCell(_ cell: ScriptCell, path: String, count: Int) -> Bool {
    let failuresBefore = repl.failedCells
    repl.cellNumber = count
    Interrupt.clear()
    if let status = repl.evaluate(cell.sourceAtFileLines, name: path) {
      emit(.error(name: "exit", value: "exit(\(status))", traceback: ["exit(\(status)) called"]))
      return false
    }
    repl.interpreter.output.flush()
    return repl.failedCells == failuresBefore
  }

  /// Completion candidates for the word before `cursor` (an offset in Unicode scalars, as
  /// Jupyter counts): the REPL's completion of names, fields, `:commands` and file names.
  public func complete(_ code: String, cursor: Int) -> (matches: [String], start: Int, end: Int) {
    let scalars = Array(code.unicodeScalars)
    let end = max(0, min(cursor, scalars.count))
    var start = end
    let breaks = Set(Completer.wordBreakCharacters.unicodeScalars)
    // Only the current line takes part, as in the REPL.
    var lineStart = end
    while lineStart > 0, scalars[lineStart - 1] != "\n" { lineStart -= 1 }
    while start > lineStart, !breaks.contains(scalars[start - 1]) { start -= 1 }
    var before = String.UnicodeScalarView()
    before.append(contentsOf: scalars[lineStart..<end])
    var head = String.UnicodeScalarView()
    head.append(contentsOf: scalars[lineStart..<start])
    let line = String(before)
    let source = InterpreterCompletionSource(session: { [unowned self] in self.repl.interpreter })
    if Completer.isInFileName(String(head)) {
      // File names end only at whitespace and quotes.
      let pathBreaks = Set(Completer.pathWordBreakCharacters.unicodeScalars)
      start = end
      while start > lineStart, !pathBreaks.contains(scalars[start - 1]) { start -= 1 }
      var word = String.UnicodeScalarView()
      word.append(contentsOf: scalars[start..<end])
      return (FileNameCompletion.matches(String(word)), start, end)
    }
    switch Completer.complete(
      line: line, wordStart: String(head).utf8.count, source: source, commands: Command.all.map(\.name))
    {
    case .candidates(let matches, _): return (matches, start, end)
    case .fileNames: return ([], start, end)
    }
  }

  /// `:help name` for the name at `cursor`; nil when nothing is known about it.
  public func inspect(_ code: String, cursor: Int) -> String? {
    let characters = Array(code)
    var start = max(0, min(cursor, characters.count))
    var end = start
    while start > 0, Self.isWordCharacter(characters[start - 1]) { start -= 1 }
    while end < characters.count, Self.isWordCharacter(characters[end]) { end += 1 }
    var name = String(characters[start..<end])
    if let dot = name.lastIndex(of: ".") { name = String(name[name.index(after: dot)...]) }
    guard !name.isEmpty else { return nil }
    if let doc = interpreter.builtinDoc(name) { return doc.signature + "\n  " + doc.doc }
    if let doc = interpreter.functionDoc(name) { return String(doc.helpText.dropLast()) }
    if let value = interpreter.global(name) {
      return "\(name): \(value.typeName) = " + ValueDisplay.render(value)
    }
    if let command = Command.all.first(where: { $0.name == (name.hasPrefix(":") ? name : ":" + name) }) {
      return "\(command.name) \(command.argument)\n  \(command.help)"
    }
    return nil
  }

  /// Jupyter's is_complete: "complete", "incomplete" (an open bracket or block; `indent` is
  /// what the next line should start with) or "invalid".
  public func isComplete(_ code: String) -> (status: String, indent: String) {
    let trimmed = code.trimmingWhitespace()
    if trimmed.isEmpty || trimmed.hasPrefix(":") { return ("complete", "") }
    let status = InputStatus(code)
    return (status.rawValue, status == .incomplete ? "  " : "")
  }

  static func isWordCharacter(_ c: Character) -> Bool {
    c.isLetter || c.isNumber || c == "_" || c == "." || c == ":"
  }

  /// An error as Jupyter shows it: a diagnostic's lines ("file:line:col: error: …", the source
  /// line, the caret, notes, call sites) as the traceback.
  static func errorOutput(_ error: any Error) -> NotebookOutput {
    if let d = error as? Diagnostic {
      let interrupted = d.message == "interrupted"
      return .error(
        name: interrupted ? "KeyboardInterrupt" : "Error", value: d.message,
        traceback: d.rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }
    let text = String(describing: error)
    return .error(name: "Error", value: text, traceback: ["error: " + text])
  }

  /// Forwards the interpreter's pictures to `emit`.
  final class Display: RichDisplay {
    let emit: (NotebookOutput) -> Void
    init(emit: @escaping (NotebookOutput) -> Void) { self.emit = emit }
    func display(_ bundle: MimeBundle, id: String?) { emit(.display(bundle, id: id)) }
    func update(_ bundle: MimeBundle, id: String) { emit(.update(bundle, id: id)) }
  }
}
