import Glibc
import MNLDisplay
import MNLInterrupt
import MNLLanguage

/// Runs the interactive session on standard input until Ctrl-D, `:quit` or `exit(n)`;
/// returns the process exit status.
///
/// On a terminal: GNU readline with history, completion and `[n]: ` prompts. Otherwise
/// (`mnl repl < session.txt`): no prompts, no echo and no escape codes, only the outputs, and
/// the status is 1 if any cell failed, so scripted sessions can be checked.
public func runREPL(interpreter: Interpreter) -> Int32 {
  REPL(interpreter: interpreter).run()
}

final class REPL {
  var interpreter: Interpreter
  let interactive: Bool
  let capabilities: TerminalCapabilities
  var cellNumber = 1
  var failedCells = 0
  var predictorCache: NetworkPredictor?
  /// A notebook's ways to show a cell's value and an error (NotebookSession); nil on a terminal.
  var presentValue: ((Value) -> Void)?
  var presentError: ((any Error) -> Void)?
  private let history: History

  /// - Parameters:
  ///   - interactive: nil means "standard input is a terminal".
  ///   - capabilities: of the output; nil detects standard output's (plain when not interactive).
  init(interpreter: Interpreter, interactive: Bool? = nil, capabilities: TerminalCapabilities? = nil) {
    self.interpreter = interpreter
    let isInteractive = interactive ?? (isatty(STDIN_FILENO) == 1)
    self.interactive = isInteractive
    var output = capabilities ?? Terminal.capabilities(fileDescriptor: STDOUT_FILENO)
    // A scripted session's output must be plain text even when it lands on a terminal.
    if !isInteractive {
      output.colorMode = .none
      output.isTerminal = false
    }
    self.capabilities = output
    history = History(environment: REPL.environment(["MNL_HISTORY", "HOME"]))
  }

  func run() -> Int32 {
    // Built-ins such as show(x) and progress bars ask Terminal too: keep them plain as well.
    if !interactive { Terminal.forcePlainOutput() }
    Interrupts.install()
    defer { Interrupts.uninstall() }
    let reader: CellReader
    if interactive {
      history.load()
      reader = ReadlineCellReader(
        isComplete: isInputComplete, history: history,
        completion: InterpreterCompletionSource(session: { [unowned self] in self.interpreter }),
        commands: Command.all.map(\.name), colour: capabilities.allowsEscapes)
      write("mnl \u{2014} :help for commands and built-ins, Ctrl-D or :quit to leave\n")
    } else {
      reader = PipeCellReader(isComplete: isInputComplete)
    }

    var status: Int32 = 0
    while let cell = reader.readCell(number: cellNumber) {
      Interrupt.clear()
      if let exit = handle(cell) {
        status = exit
        break
      }
    }
    if interactive, let problem = history.save() { writeError(problem) }
    interpreter.output.flush()
    if status == 0 && !interactive && failedCells > 0 { status = 1 }
    return status
  }

  /// Runs one cell (code or a :command). Returns an exit status when the session should end.
  func handle(_ cell: String) -> Int32? {
    let trimmed = cell.trimmingWhitespace()
    // Blank and comment-only cells (common in scripted sessions) do not use up a number.
    guard !isBlankOrComment(trimmed) else { return nil }
    defer { cellNumber += 1 }
    if trimmed.hasPrefix(":") {
      return runCommand(trimmed)
    }
    return evaluate(cell)
  }

  /// Evaluates code and shows its value as `[n]: value`; `_` becomes the value.
  func evaluate(_ source: String, name: String? = nil) -> Int32? {
    do {
      if let value = try interpreter.evaluateCell(source: source, name: name ?? "<cell \(cellNumber)>") {
        show(value)
      }
    } catch let exit as ExitRequest {
      return exit.status
    } catch {
      report(error)
    }
    // A Ctrl-C that arrived after the computation finished must not hit the next one.
    Interrupt.clear()
    return nil
  }

  func show(_ value: Value) {
    interpreter.setGlobal("_", value)
    if let presentValue {
      interpreter.output.flush()
      presentValue(value)
      return
    }
    let label = "[\(cellNumber)]: "
    let coloured = capabilities.allowsEscapes ? "\u{1B}[31m[\(cellNumber)]\u{1B}[0m: " : label
    write(coloured + ValueDisplay.render(value) + "\n")
  }

  func report(_ error: any Error) {
    failedCells += 1
    if let presentError {
      interpreter.output.flush()
      presentError(error)
      return
    }
    // Diagnostics carry their own "file:line:col: error:" header; other errors get "error: ".
    let text = (error as? Diagnostic)?.rendered ?? "error: " + String(describing: error)
    writeError(text)
  }

  func isBlankOrComment(_ text: String) -> Bool {
    text.split(separator: "\n").allSatisfy { line in
      let t = String(line).trimmingWhitespace()
      return t.isEmpty || t.hasPrefix("#")
    }
  }

  /// Output goes through the interpreter's sink so it stays in order with `print`.
  func write(_ text: String) {
    interpreter.output.write(text)
    interpreter.output.flush()
  }

  func writeError(_ text: String) {
    interpreter.output.flush()
    let line = text.hasSuffix("\n") ? text : text + "\n"
    var bytes = Array(line.utf8)
    bytes.withUnsafeMutableBytes { buffer in
      var offset = 0
      while offset < buffer.count, let base = buffer.baseAddress {
        let n = Glibc.write(STDERR_FILENO, base + offset, buffer.count - offset)
        if n <= 0 { break }
        offset += n
      }
    }
  }

  static func environment(_ keys: [String]) -> [String: String] {
    var env: [String: String] = [:]
    for key in keys {
      if let value = getenv(key) { env[key] = String(cString: value) }
    }
    return env
  }
}
