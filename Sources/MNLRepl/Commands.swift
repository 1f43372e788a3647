import MNLDisplay
import MNLInterrupt
import MNLLanguage

/// A `:command` of the REPL.
struct Command {
  let name: String
  let argument: String
  let help: String

  static let all: [Command] = [
    Command(name: ":help", argument: "[name]", help: "list commands and built-ins, or show one's signature and doc"),
    Command(name: ":vars", argument: "", help: "list variables with their types and shapes"),
    Command(name: ":load", argument: "FILE [--cell N]", help: "run a .mnl script (or its cell N) into this session"),
    Command(name: ":time", argument: "EXPR", help: "evaluate EXPR and print how long it took"),
    Command(
      name: ":predict", argument: "FILE",
      help: "classify a digit image (PGM/PNG) with predict(image) or the checkpoint"),
    Command(name: ":reset", argument: "", help: "forget every variable (built-ins stay)"),
    Command(name: ":quit", argument: "", help: "leave the REPL (Ctrl-D works too); history is saved"),
  ]
}

extension REPL {
  /// Runs `:name argument`; returns an exit status for :quit.
  func runCommand(_ line: String) -> Int32? {
    let name = String(line.prefix { !$0.isWhitespace })
    let argument = String(line.dropFirst(name.count)).trimmingWhitespace()
    switch name {
    case ":help": help(argument)
    case ":vars": listVariables()
    case ":load": load(argument)
    case ":time": return time(argument)
    case ":predict": predict(argument)
    case ":reset": reset()
    case ":quit", ":q", ":exit": return 0
    default:
      let close = Command.all.map(\.name).filter { $0.hasPrefix(String(name.prefix(2))) }
      let hint = close.isEmpty ? "" : "; did you mean \(close.joined(separator: " or "))?"
      report(CommandError("unknown command '\(name)'\(hint) (:help lists them)"))
    }
    return nil
  }

  private func help(_ name: String) {
    if name.isEmpty {
      var out = "Commands:\n"
      let width = Command.all.map { $0.name.count + 1 + $0.argument.count }.max() ?? 0
      for c in Command.all {
        let head = c.argument.isEmpty ? c.name : c.name + " " + c.argument
        out += "  " + head + String(repeating: " ", count: width - head.count + 2) + c.help + "\n"
      }
      out += "Values: every expression's value is shown as [n]: value; _ is the last one.\n"
      out += "Built-ins (:help name for one):\n"
      out += columns(InterpreterCompletionSource(session: { self.interpreter }).builtinNames)
      write(out)
      return
    }
    // `:help load` prefers a built-in named load; `:help :load` always means the command.
    let command = Command.all.first { $0.name == (name.hasPrefix(":") ? name : ":" + name) }
    if !name.hasPrefix(":"), let doc = interpreter.builtinDoc(name) {
      write(doc.signature + "\n  " + doc.doc + "\n")
    } else if !name.hasPrefix(":"), let doc = interpreter.functionDoc(name) {
      write(doc.helpText)
    } else if let command {
      write("\(command.name) \(command.argument)".trimmingWhitespace() + "\n  \(command.help)\n")
    } else {
      report(CommandError("no built-in, command or function named '\(name)'"))
    }
  }

  /// Names in columns that fit the terminal.
  private func columns(_ names: [String]) -> String {
    guard let longest = names.map(\.count).max() else { return "" }
    let cell = longest + 2
    let perLine = max((capabilities.width - 2) / cell, 1)
    var out = ""
    for (i, name) in names.enumerated() {
      let atEnd = i % perLine == perLine - 1 || i == names.count - 1
      out += (i % perLine == 0 ? "  " : "") + name
      out += atEnd ? "\n" : String(repeating: " ", count: cell - name.count)
    }
    return out
  }

  private func listVariables() {
    var rows: [(String, String, String)] = []
    for name in interpreter.globalNames {
      guard let value = interpreter.global(name) else { continue }
      if case .builtin = value { continue }
      if name == "_" { continue }
      if name == "args", case .list(let l) = value, l.items.isEmpty { continue }
      rows.append((name, value.typeName, ValueDisplay.summary(value)))
    }
    guard !rows.isEmpty else {
      write("no variables\n")
      return
    }
    let nameWidth = max(rows.map(\.0.count).max() ?? 0, 4)
    let typeWidth = max(rows.map(\.1.count).max() ?? 0, 4)
    var out = ""
    for (name, type, summary) in rows {
      out += name + String(repeating: " ", count: nameWidth - name.count + 2)
      out += type + String(repeating: " ", count: typeWidth - type.count + 2) + summary + "\n"
    }
    write(out)
  }

  private func load(_ argument: String) {
    guard !argument.isEmpty else {
      report(CommandError(":load needs a file name, e.g. :load scripts/train.mnl"))
      return
    }
    do {
      let (path, cellNumber) = try LoadArgument.parse(argument)
      let file = try commandPath(path)
      let source = try readTextFile(file)
      if let cellNumber {
        let cells = ScriptCells.split(source)
        guard cellNumber <= cells.count else {
          throw CommandError("\(path) has \(cells.count) cell\(cells.count == 1 ? "" : "s"), no cell \(cellNumber)")
        }
        // One cell runs like a typed cell: against this session's state, its value shown.
        if let value = try interpreter.runCell(cells[cellNumber - 1], path: file) { show(value) }
      } else {
        try interpreter.runScript(source: source, path: file)
      }
    } catch let exit as ExitRequest {
      // exit() in a loaded script ends that script, not the session.
      if exit.status != 0 { report(CommandError("\(argument) exited with status \(exit.status)")) }
    } catch {
      report(error)
    }
    Interrupt.clear()
  }

  private func time(_ source: String) -> Int32? {
    guard !source.isEmpty else {
      report(CommandError(":time needs an expression, e.g. :time x @ w"))
      return nil
    }
    let clock = ContinuousClock()
    let start = clock.now
    let result = evaluate(source)
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    write("time: " + formatElapsed(seconds) + "\n")
    return result
  }

  private func reset() {
    let old = interpreter
    let fresh = Interpreter(arguments: old.arguments, scriptPath: old.scriptPath, output: old.output)
    // Built-ins the CLI or the kernel added (or replaced, like the kernel's input) carry over.
    for name in old.globalNames {
      guard case .builtin(let b)? = old.global(name) else { continue }
      if case .builtin(let standard)? = fresh.global(name), standard === b { continue }
      fresh.register(b)
    }
    fresh.richDisplay = old.richDisplay
    interpreter = fresh
    predictorCache = nil
    write("all variables cleared\n")
  }
}

/// `850 µs`, `12.3 ms`, `2.41 s`.
func formatElapsed(_ seconds: Double) -> String {
  if seconds < 1e-3 { return formatFixed(seconds * 1e6, decimals: 0) + " µs" }
  if seconds < 1 { return formatFixed(seconds * 1e3, decimals: 1) + " ms" }
  return formatFixed(seconds, decimals: 2) + " s"
}

/// A REPL-level error (bad command usage); printed like a diagnostic without a location.
struct CommandError: Error, CustomStringConvertible {
  let message: String
  init(_ message: String) { self.message = message }
  var description: String { message }
}
