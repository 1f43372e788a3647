import ArgumentParser
import Foundation
import MNLJupyter

/// `mnl kernel -f CONNECTION_FILE` (started by Jupyter) and `mnl kernel install`.
struct KernelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernel",
    abstract: "Run the Jupyter kernel (Jupyter starts it with -f CONNECTION_FILE), or install its kernelspec.",
    discussion: "After `mnl kernel install --user`, JupyterLab, Jupyter Notebook and VS Code list a kernel named \"mnl\".",
    subcommands: [KernelRunCommand.self, KernelInstallCommand.self],
    defaultSubcommand: KernelRunCommand.self)
}

/// `mnl kernel [run] -f CONNECTION_FILE`: serve Jupyter until it asks the kernel to shut down.
struct KernelRunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Serve a Jupyter front end (the default: `mnl kernel -f FILE`); Jupyter starts this from kernel.json.")

  @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote (ports and signing key).", valueName: "connection-file"))
  var connectionFile: String

  mutating func run() throws {
    try Startup.prepare()
    let info = try ConnectionInfo.read(connectionFile)
    let kernel = try JupyterKernel(connection: info)
    kernel.run()
  }
}

/// `mnl kernel install [--user | --prefix DIR]`.
struct KernelInstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install",
    abstract: "Write the mnl kernelspec (kernel.json and logos) where Jupyter looks for kernels.",
    discussion: "Without --user or --prefix it goes to /usr/local/share/jupyter/kernels/mnl (for every user).")

  @Flag(help: "Install for the current user (~/.local/share/jupyter/kernels/mnl).")
  var user = false

  @Option(help: ArgumentHelp("Install under DIR/share/jupyter/kernels/mnl (a virtual environment's prefix, say).", valueName: "DIR"))
  var prefix: String?

  func validate() throws {
    if user && prefix != nil { throw ValidationError("give --user or --prefix, not both") }
    if let prefix, prefix.isEmpty { throw ValidationError("--prefix needs a directory") }
  }

  mutating func run() throws {
    let location: KernelSpec.Location = user ? .user : prefix.map { .prefix(absolute($0)) } ?? .system
    let directory = try KernelSpec.install(
      at: location, executable: Self.executablePath(), environment: ProcessInfo.processInfo.environment)
    print("installed the mnl kernelspec in \(directory)")
  }

  func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }

  /// This binary's absolute path, so kernel.json works whatever PATH Jupyter has.
  static func executablePath() -> String {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    if let path = Bundle.main.executablePath { return path }
    return CommandLine.arguments[0]
  }
}
