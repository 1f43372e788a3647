import ArgumentParser
import Foundation

/// `mnl-bench dp`: scripts/train_dp.mnl under `mpirun -np N` for each N, reported as steps/s
/// and the share of rank 0's time spent in allreduce (the script measures both). Validation
/// runs only at the end, so the figures are of training steps.
struct DataParallelBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dp", abstract: "Data-parallel training over MPI: steps/s and allreduce share for 1, 2, … ranks.")

  @Option(help: "Training steps per run.") var steps = 1000
  @Option(help: "Global batch size (split across the ranks).") var batch = 100
  @Option(help: "Rank counts to measure, comma-separated.") var ranks = "1,2"
  @Option(help: "Directory with the MNIST files.") var data = "data/mnist"

  func run() throws {
    try BenchSetup.start()
    let root = repositoryRoot()
    let mnl = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("mnl").path
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-bench-dp-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: output) }
    for text in ranks.split(separator: ",") {
      guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 else {
        throw ValidationError("--ranks takes positive counts, e.g. 1,2,4")
      }
      // --oversubscribe: more ranks than cores is allowed (measuring, not production);
      // --allow-run-as-root: CI machines run as root.
      var arguments = ["mpirun", "--oversubscribe", "-np", String(n)]
      if getuid() == 0 { arguments.append("--allow-run-as-root") }
      arguments += [
        mnl, root + "/scripts/train_dp.mnl", "steps=\(steps)", "every=\(steps)", "check_every=\(steps)",
        "batch=\(batch)", "data=\(data)", "out=\(output)/dp.safetensors",
      ]
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = arguments
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = FileHandle.standardError
      do { try process.run() } catch {
        print("dp: cannot start mpirun (\(error.localizedDescription)); install openmpi-bin")
        throw ExitCode(1)
      }
      let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      guard process.terminationStatus == 0,
        let line = text.split(separator: "\n").first(where: { $0.contains("steps/s, allreduce") })
      else {
        print("dp: \(n) rank(s) failed (exit status \(process.terminationStatus))")
        throw ExitCode(1)
      }
      print("dp: " + line.trimmingCharacters(in: .whitespaces) + ", global batch \(batch)")
    }
  }
}
