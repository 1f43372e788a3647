import ArgumentParser
import Foundation
import MNLKernels
import MNLLanguage

/// `mnl-bench cnn`: the training step of TensorFlow's "Deep MNIST for Experts" network —
/// scripts/train_cnn.mnl run in this process (ms/step from the difference of two runs, which
/// cancels start-up, data loading, the validation and test passes and the checkpoint) against
/// the same network in TensorFlow (scripts/bench/train_cnn_tf.py) measured in the same run when
/// the tensorflow-cpu wheel is installed. Rounds alternate mnl and TensorFlow, so both see
/// the same share of a busy machine.
struct CNNBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cnn", abstract: "Training step of the MNIST convolutional network (ms/step) vs TensorFlow.")

  @Option(help: "Training steps of the longer mnl run (the shorter runs a sixth of it); TensorFlow times the difference.")
  var steps = 300
  @Option(help: "Directory with the MNIST files.") var data = "data/mnist"
  @Option(help: "Rounds of (mnl, TensorFlow), alternating; the best of each is compared.") var rounds = 1
  @Flag(help: "Skip the TensorFlow comparison.") var noTensorflow = false

  func run() throws {
    try BenchSetup.start()
    guard steps >= 12, rounds >= 1 else { throw ValidationError("--steps must be at least 12 and --rounds at least 1") }
    let root = repositoryRoot()
    let script = root + "/scripts/train_cnn.mnl"
    let source = try String(contentsOfFile: script, encoding: .utf8)
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-bench-cnn-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: output) }
    let short = steps / 6

    // `every` equal to the run's steps: each run validates once, at its end, so the difference
    // holds training steps only.
    func timedRun(_ n: Int) throws -> Double {
      let interpreter = Interpreter(
        arguments: ["steps=\(n)", "data=\(data)", "every=\(n)", "out=\(output)/bench.safetensors"],
        scriptPath: script, output: OutputSink(write: { _ in }))
      let start = Date()
      try interpreter.runScript(source: source, path: script)
      return Date().timeIntervalSince(start)
    }

    print("network: conv 5x5x32, pool, conv 5x5x64, pool, fc 1024, dropout 0.5, fc 10; Adam, batch 50; \(Parallelism.threads) threads")
    var mnlBest = Double.infinity
    var tfBest = Double.infinity
    var tfNote: String?
    for round in 1...rounds {
      let loadBefore = loadAverage()
      let shortTime = try timedRun(short)
      let longTime = try timedRun(steps)
      let ms = (longTime - shortTime) / Double(steps - short) * 1000
      mnlBest = min(mnlBest, ms)
      print(String(format: "round %d mnl: %.2f ms/step (runs of %d and %d steps); ", round, ms, short, steps) + "load \(loadBefore)")
      guard !noTensorflow, tfNote == nil else { continue }
      let tfLoad = loadAverage()
      switch tensorflowMilliseconds(root: root, steps: steps - short) {
      case .success(let tf):
        tfBest = min(tfBest, tf)
        print(String(format: "round %d TF:  %.2f ms/step (%d timed steps after 50 warm-up); ", round, tf, steps - short) + "load \(tfLoad)")
      case .failure(let note):
        tfNote = note.message
      }
    }
    print(String(format: "mnl: %.2f ms/step (best of %d) → %.0f s for 4,000 steps; peak RSS %d MB", mnlBest, rounds, mnlBest * 4, peakResidentMegabytes()))
    if noTensorflow {
      print("TensorFlow: skipped")
    } else if let tfNote {
      print(tfNote)
    } else {
      print(String(format: "TF:  %.2f ms/step (best of %d; TensorFlow %d intra-op threads, tf.function)", tfBest, rounds, Parallelism.threads))
      print(String(format: "ratio: mnl step = %.2f× TensorFlow's time (target ≤ 0.5)", mnlBest / tfBest))
    }
  }

  struct Unavailable: Error { var message: String }

  private func tensorflowMilliseconds(root: String, steps: Int) -> Result<Double, Unavailable> {
    guard let child = PythonChild.run([root + "/scripts/bench/train_cnn_tf.py", data, String(steps), String(Parallelism.threads)]) else {
      return .failure(Unavailable(message: "TensorFlow: python3 not available"))
    }
    if child.status == PythonChild.notInstalled {
      return .failure(Unavailable(message: "TensorFlow: not installed (pip install tensorflow-cpu to compare)"))
    }
    let fields = child.lastLine.split(separator: " ")
    guard child.status == 0, fields.count >= 2, fields[0] == "ms_per_step", let ms = Double(fields[1]) else {
      return .failure(Unavailable(message: "TensorFlow: comparison failed (exit status \(child.status))"))
    }
    return .success(ms)
  }
}
