import ArgumentParser
import Foundation
import MNLData
import MNLRepl

/// `mnl notebook FILE.mnl -o FILE.ipynb`: export a script's cells as a Jupyter notebook.
struct NotebookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "notebook",
    abstract: "Run a script cell by cell and write it as a Jupyter notebook (.ipynb, nbformat 4.5).",
    discussion: """
      Cells start at `#%%` lines (`#%% title` adds a markdown heading); the script's header comment \
      becomes the first markdown cell. Each code cell keeps its outputs: printed text, values, \
      plots as SVG, images as PNG, tables as HTML, errors with their diagnostic. The first failing \
      cell stops the run (later cells are written without outputs) and the exit status is 1.
      """)

  @Argument(help: "The script (.mnl) to export.")
  var script: String

  @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the notebook (default: the script's name with .ipynb).", valueName: "FILE"))
  var output: String?

  @Flag(help: "Write the cells without running them (no outputs).")
  var noExecute = false

  @Argument(help: "Arguments for the script (the list `args`); put `--` before any that start with '-'.")
  var scriptArguments: [String] = []

  func validate() throws {
    guard script.hasSuffix(".mnl") || FileManager.default.fileExists(atPath: script) else {
      throw ValidationError("no script '\(script)'")
    }
    if let output, !output.hasSuffix(".ipynb") {
      throw ValidationError("the notebook's name must end in .ipynb, got '\(output)'")
    }
    if outputPath == script { throw ValidationError("the notebook would overwrite the script") }
  }

  var outputPath: String {
    if let output { return output }
    let base = script.hasSuffix(".mnl") ? String(script.dropLast(4)) : script
    return base + ".ipynb"
  }

  mutating func run() throws {
    try Startup.prepare()
    guard let data = FileManager.default.contents(atPath: script) else {
      FileHandle.standardError.write(Data("mnl: cannot read '\(script)': \(unreadableReason(script))\n".utf8))
      throw ExitCode(1)
    }
    let source = String(decoding: data, as: UTF8.self)
    ScriptInterrupts.install()
    let clock = ContinuousClock()
    let start = clock.now
    let result = NotebookExport.run(source: source, path: script, arguments: scriptArguments, execute: !noExecute)
    try AtomicFile.write(try result.document.json(), to: outputPath)
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let ran = noExecute ? "not run" : String(format: "run in %.1f s", seconds)
    print("wrote \(outputPath): \(result.codeCells) code cell\(result.codeCells == 1 ? "" : "s"), \(ran)")
    if let failure = result.failure {
      if case .error(_, _, let traceback) = failure.output {
        FileHandle.standardError.write(Data((traceback.joined(separator: "\n") + "\n").utf8))
      }
      FileHandle.standardError.write(Data("mnl: cell \(failure.cell) failed; later cells were not run\n".utf8))
      throw ExitCode(1)
    }
  }
}
