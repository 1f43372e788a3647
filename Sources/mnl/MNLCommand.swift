import ArgumentParser
import CSupport
import Foundation
import MNLKernels
import MNLInterrupt
import MNLLanguage
import MNLRepl

/// `mnl`: runs scripts (the default subcommand), starts the REPL, exports notebooks and runs
/// the Jupyter kernel. Each subcommand has its own `--help`.
@main
struct MNLCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mnl",
    abstract: "A notebook-style scripting language for machine learning.",
    usage: """
      mnl FILE.mnl [ARGS...]            run a script; ARGS become the list `args`
      mnl FILE.mnl --cell N [ARGS...]   run cell N of a script (cells start at `#%%` lines)
      mnl -e EXPRESSION                 evaluate and print the value
      mnl - [ARGS...]                   run a script read from standard input
      mnl repl                          start the interactive loop
      mnl notebook FILE.mnl             run the cells and write FILE.ipynb
      mnl kernel install --user         make the Jupyter kernel "mnl" known to JupyterLab/VS Code
      mnl <subcommand> --help           help for one subcommand
      """,
    discussion: """
      The REPL shows the value of each expression; scripts print only what they print.
      Shell completion: mnl --generate-completion-script bash|zsh|fish (see docs/notebooks.md).
      """,
    version: "mnl 0.1.0 (\(KernelDispatch.summary))",
    subcommands: MNLSubcommands.all,
    defaultSubcommand: RunCommand.self)
}

/// Checks shared by every subcommand that runs code.
enum Startup {
  static func prepare() throws {
    // Freed activation and gradient buffers stay in the heap for the next training step
    // instead of coming back as fresh page-faulting mmaps.
    mnl_keep_large_blocks(64 << 20, 128 << 20)
    // A write past the file-size limit (`ulimit -f`, quotas) would kill the process with
    // SIGXFSZ mid-save; ignored, write() fails with EFBIG and the save reports "File too large"
    // (the previous file stays intact, the temporary file is removed).
    signal(SIGXFSZ, SIG_IGN)
    // A write past the file-size limit (`ulimit -f`, quotas) would kill the process with
    // SIGXFSZ mid-save; ignored, write() fails with EFBIG and the save reports "File too large"
    // (the previous file stays intact, the temporary file is removed).
    signal(SIGXFSZ, SIG_IGN)
    if let error = KernelDispatch.configurationError {
      FileHandle.standardError.write(Data("mnl: \(error)\n".utf8))
      throw ExitCode(2)
    }
  }
}

/// `mnl repl`: the interactive loop.
struct ReplCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl",
    abstract: "Start the interactive loop (readline, history, completion, :help).",
    discussion: "With standard input from a file or pipe, runs it as a scripted session: outputs only, status 1 if a cell failed.")

  mutating func run() throws {
    try Startup.prepare()
    let status = runREPL(interpreter: Interpreter())
    if status != 0 { throw ExitCode(status) }
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
