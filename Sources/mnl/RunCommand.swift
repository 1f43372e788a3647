import ArgumentParser
import Foundation
import MNLDistributed
import MNLInterrupt
import MNLLanguage

/// `mnl [run] FILE.mnl [ARGS...]`, `mnl -e CODE`, `mnl - [ARGS...]`: the default subcommand.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a script, one cell of it, or an expression (the default: `mnl FILE.mnl` is `mnl run FILE.mnl`).",
    discussion: """
      Everything after the script's name goes to the script as the list `args`, except a leading \
      `--cell N` (write `mnl FILE -- --cell N` to pass that to the script instead).
      """)

  // `.unconditional`: code starting with a minus (`-e "-1 + 2"`) is still the value of -e.
  @Option(
    name: .customShort("e"), parsing: .unconditional,
    help: ArgumentHelp("Evaluate code and print the value of its last expression.", valueName: "code"))
  var expression: String?

  @Option(help: ArgumentHelp("Run only cell N of the script (1-based; cells start at `#%%` lines) and print its value.", valueName: "N"))
  var cell: Int?

  @Argument(help: "The script to run ('-' reads it from standard input).")
  var script: String?

  @Argument(parsing: .captureForPassthrough, help: "Arguments for the script (the list `args`).")
  var scriptArguments: [String] = []

  mutating func validate() throws {
    // The script's arguments are captured verbatim: take a leading `--cell N` out of them.
    if let first = scriptArguments.first {
      if first == "--cell", scriptArguments.count >= 2 {
        guard cell == nil else { throw ValidationError("--cell is given twice") }
        guard let n = Int(scriptArguments[1]) else {
          throw ValidationError("--cell needs a cell number, found '\(scriptArguments[1])'")
        }
        cell = n
        scriptArguments.removeFirst(2)
      } else if first.hasPrefix("--cell=") {
        guard cell == nil else { throw ValidationError("--cell is given twice") }
        guard let n = Int(first.dropFirst("--cell=".count)) else {
          throw ValidationError("--cell needs a cell number, found '\(first.dropFirst("--cell=".count))'")
        }
        cell = n
        scriptArguments.removeFirst()
      } else if first == "--cell" {
        throw ValidationError("--cell needs a cell number")
      } else if first == "--" {
        scriptArguments.removeFirst()
      }
    }
    if expression != nil {
      if cell != nil { throw ValidationError("--cell runs a cell of a script; it cannot go with -e") }
      if let script {
        // `mnl -e CODE a b`: the positional words are the code's `args`.
        scriptArguments.insert(script, at: 0)
        self.script = nil
      }
      return
    }
    guard script != nil else {
      throw ValidationError("give a script to run, -e EXPRESSION, or a subcommand such as 'repl' (see mnl --help)")
    }
    if let cell, cell < 1 { throw ValidationError("--cell counts from 1, found \(cell)") }
    if cell != nil && script == "-" { throw ValidationError("--cell needs a script file, not standard input") }
  }

  mutating func run() throws {
    try Startup.prepare()
    if let expression {
      ScriptInterrupts.install()
      let interpreter = Interpreter(arguments: scriptArguments)
      let status = ScriptRunner.report {
        if let value = try interpreter.evaluateCell(source: expression, name: "-e") {
          interpreter.output.write(value.display() + "\n")
        }
      }
      interpreter.output.flush()
      Communicator.finish(status: status)
      if status != 0 { throw ExitCode(status) }
      return
    }
    guard let script else { throw ExitCode(2) }  // validate() made sure there is one
    let source: String
    let name: String
    if script == "-" {
      var data = Data()
      while let line = readLine(strippingNewline: false) { data.append(contentsOf: Array(line.utf8)) }
      source = String(decoding: data, as: UTF8.self)
      name = "<stdin>"
    } else {
      guard let data = FileManager.default.contents(atPath: script) else {
        FileHandle.standardError.write(Data("mnl: cannot read '\(script)': \(unreadableReason(script))\n".utf8))
        throw ExitCode(1)
      }
      source = String(decoding: data, as: UTF8.self)
      name = script
    }
    let interpreter = Interpreter(arguments: scriptArguments, scriptPath: script == "-" ? nil : script)
    ScriptInterrupts.install()
    let status: Int32
    if let cell {
      let cells = ScriptCells.split(source)
      guard cell <= cells.count else {
        FileHandle.standardError.write(
          Data("mnl: \(script) has \(cells.count) cell\(cells.count == 1 ? "" : "s"), no cell \(cell)\n".utf8))
        throw ExitCode(1)
      }
      status = ScriptRunner.report {
        if let value = try interpreter.runCell(cells[cell - 1], path: name) {
          interpreter.output.write(value.display() + "\n")
        }
      }
    } else {
      status = ScriptRunner.report { try interpreter.runScript(source: source, path: name) }
    }
    interpreter.output.flush()
    // MPI_Finalize after success; MPI_Abort after an error, so mpirun ends the other ranks.
    Communicator.finish(status: status)
    if status != 0 { throw ExitCode(status) }
  }
}

/// Runs interpreter work and turns its errors into diagnostics on stderr and an exit status.
enum ScriptRunner {
  static func report(_ body: () throws -> Void) -> Int32 {
    do {
      try body()
      return 0
    } catch let request as ExitRequest {
      OutputSink.standardOutput.flush()
      return request.status
    } catch let d as Diagnostic {
      OutputSink.standardOutput.flush()
      FileHandle.standardError.write(Data((d.rendered + "\n").utf8))
      // Stopped by Ctrl-C: the status a shell expects from a process ended by SIGINT.
      return Interrupt.isRequested && d.message == "interrupted" ? ScriptInterrupts.exitStatus : 1
    } catch {
      OutputSink.standardOutput.flush()
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      return 1
    }
  }
}
