import ArgumentParser
import CSupport
import Foundation
import MNLDistributed
import MNLKernels
import MNLInterrupt
import MNLLanguage
import MNLRepl

/// `mnl`: runs scripts, evaluates expressions, starts the REPL.
@main
struct MNLCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mnl",
    abstract: "A notebook-style scripting language for machine learning.",
    usage: """
      mnl FILE.mnl [ARGS...]   run a script; ARGS become the list `args`
      mnl -e EXPRESSION        evaluate and print the value
      mnl - [ARGS...]          run a script read from standard input
      mnl repl                 start the interactive loop
      """,
    discussion: "The REPL shows the value of each expression; scripts print only what they print.",
    version: "mnl 0.1.0 (\(KernelDispatch.summary))")

  // `.unconditional`: code starting with a minus (`-e "-1 + 2"`) is still the value of -e.
  @Option(name: .customShort("e"), parsing: .unconditional, help: "Evaluate code and print the value of its last expression.")
  var expression: String?

  @Argument(help: "The script to run ('-' reads it from standard input; 'repl' starts the REPL).")
  var script: String?

  @Argument(parsing: .captureForPassthrough, help: "Arguments for the script (the list `args`).")
  var scriptArguments: [String] = []

  mutating func run() throws {
    // Freed activation and gradient buffers stay in the heap for the next training step
    // instead of coming back as fresh page-faulting mmaps.
    mnl_keep_large_blocks(64 << 20, 128 << 20)
    // A write past the file-size limit (`ulimit -f`, quotas) would kill the process with
    // SIGXFSZ mid-save; ignored, write() fails with EFBIG and the save reports "File too large"
    // (the previous file stays intact, the temporary file is removed).
    signal(SIGXFSZ, SIG_IGN)
    if let error = KernelDispatch.configurationError {
      FileHandle.standardError.write(Data("mnl: \(error)\n".utf8))
      throw ExitCode(2)
    }
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
    guard let script else {
      throw ValidationError("give a script to run, -e EXPRESSION, or 'repl' (see mnl --help)")
    }
    // `repl` is a word, not a subcommand: a root command with its own positional arguments
    // never dispatches to subcommands in swift-argument-parser.
    if script == "repl" && !FileManager.default.fileExists(atPath: script) {
      let status = runREPL(interpreter: Interpreter())
      if status != 0 { throw ExitCode(status) }
      return
    }
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
    let status = ScriptRunner.report { try interpreter.runScript(source: source, path: name) }
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

/// Why a script path cannot be read, in the system's words where it has them.
func unreadableReason(_ path: String) -> String {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
  if isDirectory.boolValue { return "it is a directory, not a script" }
  let fd = open(path, O_RDONLY)
  if fd < 0 { return String(cString: strerror(errno)) }
  close(fd)
  return "not readable"
}
