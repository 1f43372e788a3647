import Foundation
import XCTest

/// End to end: `mnl scripts/train.mnl` on a real data set (Fashion-MNIST from Debian's
/// dataset-fashion-mnist), a few hundred steps. Run against a release build: `scripts/test`.
final class TrainScriptTests: XCTestCase {
  static let fashionDirectory = "/usr/share/datasets/fashion-mnist"

  func testTrainingOnFashionMNISTLearnsAndSavesItsResults() throws {
    guard FileManager.default.fileExists(atPath: Self.fashionDirectory + "/train-images-idx3-ubyte.gz") else {
      let reason = "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist; scripts/setup does it)"
      // Skipped on a developer's machine; in CI, scripts/setup must have installed it.
      if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(reason); return }
      throw XCTSkip(reason)
    }
    let mnl = try XCTUnwrap(GoldenTests.findExecutable(), "mnl executable not built")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-train-\(getpid())")
    defer { try? FileManager.default.removeItem(at: dir) }
    let checkpoint = dir.appendingPathComponent("fashion.safetensors").path

    let run = try runProcess(
      mnl, [
        "scripts/train.mnl", "steps=800", "every=100", "seed=2", "lr=0.1", "data=\(Self.fashionDirectory)",
        "out=\(checkpoint)",
      ])
    XCTAssertEqual(run.status, 0, run.stderr)

    // Plain log lines (stdout is a pipe): "train step 100/600 … loss 0.6 val_acc 0.78 …".
    let logLines = run.stdout.split(separator: "\n").filter { $0.hasPrefix("train step") && $0.contains("val_acc") }
    XCTAssertEqual(logLines.count, 8, run.stdout)
    let losses = logLines.compactMap { number(after: "loss", in: String($0)) }
    let accuracies = logLines.compactMap { number(after: "val_acc", in: String($0)) }
    XCTAssertEqual(losses.count, 8)
    // Single-batch losses are noisy: compare means of the first two and the last three log points.
    if losses.count == 8 {
      let early = losses.prefix(2).reduce(0, +) / 2
      let late = losses.suffix(3).reduce(0, +) / 3
      XCTAssertLessThan(late, early * 0.9, "loss did not fall: \(losses)")
    }
    XCTAssertGreaterThan(accuracies.last ?? 0, 0.80, "validation accuracy too low: \(accuracies)")
    XCTAssertGreaterThan(accuracies.last ?? 0, accuracies.first ?? 1, "validation accuracy did not rise: \(accuracies)")

    let testLine = try XCTUnwrap(run.stdout.split(separator: "\n").first { $0.contains("test accuracy using average model") })
    let testAccuracy = try XCTUnwrap(Double(testLine.split(separator: " ").last ?? ""))
    XCTAssertGreaterThan(testAccuracy, 0.80, String(testLine))
    XCTAssertLessThanOrEqual(testAccuracy, 1.0)

    XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint))
    let svg = try String(contentsOfFile: dir.appendingPathComponent("fashion-curves.svg").path, encoding: .utf8)
    XCTAssertTrue(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"), String(svg.prefix(80)))

    // The checkpoint rebuilds the same network: evaluating it in a fresh process gives the same accuracy.
    let check = """
      use "nn"
      ckpt = load("\(checkpoint)")
      meta = load_metadata("\(checkpoint)")
      data = load_mnist("\(Self.fashionDirectory)")
      print(meta.layer_dimension, meta.step)
      print(format("{:.4f}", evaluate(ckpt.average, data.test)))
      """
    let script = dir.appendingPathComponent("check.mnl").path
    try check.write(toFile: script, atomically: true, encoding: .utf8)
    let reload = try runProcess(mnl, [script])
    XCTAssertEqual(reload.status, 0, reload.stderr)
    let lines = reload.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "[784, 500, 10] 800")
    XCTAssertEqual(lines.last.flatMap(Double.init), testAccuracy, reload.stdout)
  }

  /// The same short run with bf16 matrix products (precision=bf16: matmul_precision("bf16")
  /// for every forward and backward product) reaches the same accuracy floor.
  func testTrainingWithBF16MatrixProductsReachesTheSameFloor() throws {
    guard FileManager.default.fileExists(atPath: Self.fashionDirectory + "/train-images-idx3-ubyte.gz") else {
      let reason = "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist; scripts/setup does it)"
      if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(reason); return }
      throw XCTSkip(reason)
    }
    let mnl = try XCTUnwrap(GoldenTests.findExecutable(), "mnl executable not built")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-train-bf16-\(getpid())")
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try runProcess(
      mnl, [
        "scripts/train.mnl", "steps=800", "every=400", "seed=2", "lr=0.1", "precision=bf16",
        "data=\(Self.fashionDirectory)", "out=\(dir.appendingPathComponent("bf16.safetensors").path)",
      ])
    XCTAssertEqual(run.status, 0, run.stderr)
    let testLine = try XCTUnwrap(run.stdout.split(separator: "\n").first { $0.contains("test accuracy using average model") })
    let testAccuracy = try XCTUnwrap(Double(testLine.split(separator: " ").last ?? ""))
    XCTAssertGreaterThan(testAccuracy, 0.80, String(testLine))
    XCTAssertLessThanOrEqual(testAccuracy, 1.0)
  }

  /// A short run of scripts/train_cnn.mnl (the full run is far too long for CI): the loss
  /// falls, the checkpoint names its network and rebuilds the same accuracy in a new process.
  func testConvolutionalNetworkTrainsAndItsCheckpointRebuildsIt() throws {
    guard FileManager.default.fileExists(atPath: Self.fashionDirectory + "/train-images-idx3-ubyte.gz") else {
      let reason = "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist; scripts/setup does it)"
      if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(reason); return }
      throw XCTSkip(reason)
    }
    let mnl = try XCTUnwrap(GoldenTests.findExecutable(), "mnl executable not built")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-train-cnn-\(getpid())")
    defer { try? FileManager.default.removeItem(at: dir) }
    let checkpoint = dir.appendingPathComponent("cnn.safetensors").path
    let run = try runProcess(
      mnl, ["scripts/train_cnn.mnl", "steps=60", "every=60", "seed=1", "data=\(Self.fashionDirectory)", "out=\(checkpoint)"])
    XCTAssertEqual(run.status, 0, run.stderr)
    let logLines = run.stdout.split(separator: "\n").filter { $0.hasPrefix("train step") && $0.contains("val_acc") }
    let accuracies = logLines.compactMap { number(after: "val_acc", in: String($0)) }
    XCTAssertEqual(accuracies.count, 1, run.stdout)
    XCTAssertGreaterThan(accuracies.last ?? 0, 0.5, "validation accuracy too low after 60 steps: \(accuracies)")
    let testLine = try XCTUnwrap(run.stdout.split(separator: "\n").first { $0.contains("test accuracy is") })
    let testAccuracy = try XCTUnwrap(Double(testLine.split(separator: " ").last ?? ""))

    let check = """
      use "nn"
      ckpt = load("\(checkpoint)")
      meta = load_metadata("\(checkpoint)")
      print(meta.network, meta.step, int(ckpt.optimizer.step), shape(ckpt.conv_weight_2))
      print(format("{:.4f}", evaluate(checkpoint_params(ckpt), load_mnist("\(Self.fashionDirectory)").test)))
      """
    let script = dir.appendingPathComponent("check.mnl").path
    try check.write(toFile: script, atomically: true, encoding: .utf8)
    let reload = try runProcess(mnl, [script])
    XCTAssertEqual(reload.status, 0, reload.stderr)
    let lines = reload.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "cnn 60 60 [5, 5, 32, 64]")
    XCTAssertEqual(lines.last.flatMap(Double.init), testAccuracy, reload.stdout)
  }

  private func number(after key: String, in line: String) -> Double? {
    let words = line.split(separator: " ")
    guard let i = words.firstIndex(where: { $0 == key }), i + 1 < words.count else { return nil }
    return Double(words[i + 1])
  }

  private func runProcess(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = GoldenTests.repoRoot
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
  }
}
