import Foundation
import MNLLanguage

/// The `mnl repl` entry point. A plain line loop over standard input: lines accumulate until
/// the input is complete, then run as one cell; values of expressions are shown.
func startREPL() {
  let interpreter = Interpreter()
  let interactive = isatty(0) != 0
  var pending = ""
  var cell = 0
  while true {
    if interactive {
      interpreter.output.write(pending.isEmpty ? "mnl> " : "...  ")
      interpreter.output.flush()
    }
    guard let line = readLine() else { break }
    pending += pending.isEmpty ? line : "\n" + line
    guard isInputComplete(pending) else { continue }
    let source = pending
    pending = ""
    if source.allSatisfy(\.isWhitespace) { continue }
    cell += 1
    let status = ScriptRunner.report {
      if let value = try interpreter.evaluateCell(source: source, name: "<cell \(cell)>") {
        interpreter.output.write(value.display() + "\n")
      }
    }
    if status != 0 { interpreter.output.flush() }
  }
}
