import ArgumentParser
import Foundation
import MNLLanguage

/// `mnl-bench train`: a shortened run of scripts/train.mnl in this process, reported as
/// ms/step and peak RSS, next to the same algorithm in NumPy (scripts/bench/train_numpy.py)
/// measured in the same run when python3 has NumPy.
struct TrainBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train", abstract: "Shortened training run (ms/step, peak RSS) vs NumPy.")

  @Option(help: "Training steps of the measured run.") var steps = 2000
  @Option(help: "Directory with the MNIST files.") var data = "data/mnist"
  @Option(help: "Validation pass every this many steps.") var every = 200
  @Flag(help: "Skip the NumPy comparison.") var noNumpy = false
  @Option(help: "Matrix-product precision of the mnl run: highest (fp32) or bf16.") var precision = "highest"

  func run() throws {
    try BenchSetup.start()
    let root = repositoryRoot()
    let script = root + "/scripts/train.mnl"
    let source = try String(contentsOfFile: script, encoding: .utf8)
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-bench-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: output) }

    // Two runs: their difference cancels start-up, data loading and the final test pass.
    let short = max(steps / 10, every)
    func timedRun(_ n: Int) throws -> Double {
      let interpreter = Interpreter(
        arguments: [
          "steps=\(n)", "data=\(data)", "every=\(every)", "out=\(output)/bench.safetensors",
          "precision=\(precision)",
        ],
        scriptPath: script, output: OutputSink(write: { _ in }))
      let start = Date()
      try interpreter.runScript(source: source, path: script)
      return Date().timeIntervalSince(start)
    }
    let shortTime = try timedRun(short)
    let longTime = try timedRun(steps)
    let msPerStep = (longTime - shortTime) / Double(steps - short) * 1000
    print("mnl: scripts/train.mnl, \(steps) steps (validation every \(every), precision \(precision)): \(String(format: "%.2f", longTime)) s in all")
    print(String(format: "mnl:   %.3f ms/step (from runs of %d and %d steps) → %.0f s for 30,000 steps", msPerStep, short, steps, msPerStep * 30))
    print("mnl:   peak RSS \(peakResidentMegabytes()) MB")

    guard !noNumpy else { return }
    let numpy = runNumPy(root: root)
    guard let numpyMs = numpy else { return }
    print(String(format: "numpy: %.3f ms/step (same algorithm, same shapes)", numpyMs))
    print(String(format: "ratio: mnl is %.2f× NumPy's speed", numpyMs / msPerStep))
  }

  private func runNumPy(root: String) -> Double? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", root + "/scripts/bench/train_numpy.py", data, String(steps), String(every)]
    var env = ProcessInfo.processInfo.environment
    // These slow a current OpenBLAS down; the NumPy comparison should see its best.
    env["OPENBLAS_CORETYPE"] = nil
    env["OPENBLAS_L2_SIZE"] = nil
    process.environment = env
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = Pipe()
    do { try process.run() } catch {
      print("numpy: python3 not available (\(error.localizedDescription))")
      return nil
    }
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let fields = text.split(separator: " ")
    guard process.terminationStatus == 0, fields.count >= 2, let ms = Double(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) else {
      print("numpy: comparison unavailable (python3 with numpy failed)")
      return nil
    }
    return ms
  }
}

/// The repository this benchmark was built from (Sources/mnl-bench/ → root).
func repositoryRoot(file: String = #filePath) -> String {
  URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

/// Peak resident set size of this process so far, in MB.
func peakResidentMegabytes() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss / 1024  // Linux reports kilobytes
}
