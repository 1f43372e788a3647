import Foundation
import MNLTensor
import XCTest

@testable import MNLData

final class MNISTDataSetTests: XCTestCase {
  /// Writes a tiny MNIST-shaped data set: image i is filled with byte i, label i % 10.
  func writeTinyDataSet(train: Int, test: Int, compressed: Bool, dottedNames: Bool = false) throws -> String {
    let dir = try TestSupport.temporaryDirectory(self)
    func write(_ stem: String, _ bytes: [UInt8]) throws {
      var name = dottedNames ? stem.replacingOccurrences(of: "-idx", with: ".idx") : stem
      var data = bytes
      if compressed {
        name += ".gz"
        data = try Gzip.compress(bytes)
      }
      try TestSupport.write(data, to: dir + "/" + name)
    }
    for (prefix, n) in [("train", train), ("t10k", test)] {
      let images = (0..<n).flatMap { [UInt8](repeating: UInt8($0), count: 4 * 3) }
      try write("\(prefix)-images-idx3-ubyte", IDXTests.idx(type: 8, shape: [UInt32(n), 4, 3], payload: images))
      try write("\(prefix)-labels-idx1-ubyte", IDXTests.idx(type: 8, shape: [UInt32(n)], payload: (0..<n).map { UInt8($0 % 10) }))
    }
    return dir
  }

  func testSplitsLikeTensorFlow() throws {
    for (compressed, dotted) in [(true, false), (false, false), (false, true)] {
      let dir = try writeTinyDataSet(train: 12, test: 5, compressed: compressed, dottedNames: dotted)
      let data = try MNISTDataSet.load(directory: dir, validation: 4)
      XCTAssertEqual([data.train.count, data.validation.count, data.test.count], [8, 4, 5])
      XCTAssertEqual(data.validation.labelBytes, [0, 1, 2, 3])
      XCTAssertEqual(data.train.labelBytes, [4, 5, 6, 7, 8, 9, 0, 1])
      XCTAssertEqual([data.train.rows, data.train.columns], [4, 3])
      let (images, labels) = try data.train.batch(indices: [0, 7])
      XCTAssertEqual(images.shape, [2, 12])
      XCTAssertEqual(images.dtype, .float32)
      XCTAssertEqual(images.values[0], Float(4) / 255, accuracy: 1e-7)
      XCTAssertEqual(images.values[12], Float(11) / 255, accuracy: 1e-7)
      XCTAssertEqual(labels.dtype, .int64)
      XCTAssertEqual(labels.values, [4, 1])
      XCTAssertEqual(try data.test.image(2).shape, [4, 3])
      XCTAssertEqual(data.test.all().images.shape, [5, 12])
    }
  }

  func testNextBatchWalksAShuffledOrderAndReshufflesEachEpoch() throws {
    let dir = try writeTinyDataSet(train: 10, test: 1, compressed: false)
    let split = try MNISTDataSet.load(directory: dir, validation: 0).train
    var rng = SplitMix64(seed: 42)
    var seen: [Float] = []
    for _ in 0..<3 { seen += try split.nextBatch(3, using: &rng).labels.values }
    // 9 distinct examples from the first epoch.
    XCTAssertEqual(Set(seen).count, 9)
    XCTAssertEqual(split.epochsCompleted, 0)
    // The 4th batch takes the one remaining example, then starts the new epoch.
    let fourth = try split.nextBatch(3, using: &rng).labels.values
    XCTAssertEqual(split.epochsCompleted, 1)
    XCTAssertEqual(split.indexInEpoch, 2)
    let missing = Set((0..<10).map(Float.init)).subtracting(seen)
    XCTAssertEqual(fourth[0], missing.first)
    XCTAssertEqual(Set(split.order).count, 10)
    XCTAssertEqual(Array(split.order.prefix(2)).map(Float.init), Array(fourth[1...]))

    // Same seed, same batches.
    let again = try MNISTDataSet.load(directory: dir, validation: 0).train
    var rng2 = SplitMix64(seed: 42)
    var seen2: [Float] = []
    for _ in 0..<3 { seen2 += try again.nextBatch(3, using: &rng2).labels.values }
    XCTAssertEqual(seen, seen2)
    // Images and labels stay paired through the shuffle (image i is filled with byte i).
    let (images, labels) = try again.nextBatch(2, using: &rng2)
    XCTAssertEqual(images.values[0] * 255, labels.values[0], accuracy: 1e-4)
    XCTAssertEqual(images.values[12] * 255, labels.values[1], accuracy: 1e-4)
  }

  func testBadRequestsAndMissingFiles() throws {
    let dir = try writeTinyDataSet(train: 6, test: 2, compressed: true)
    TestSupport.assertDataError(["validation size 7", "6 training images"]) {
      _ = try MNISTDataSet.load(directory: dir, validation: 7)
    }
    let split = try MNISTDataSet.load(directory: dir, validation: 1).train
    var rng = SplitMix64(seed: 1)
    TestSupport.assertDataError(["batch size 6"]) { _ = try split.nextBatch(6, using: &rng) }
    TestSupport.assertDataError(["index 5 is out of range"]) { _ = try split.batch(indices: [0, 5]) }
    let empty = try TestSupport.temporaryDirectory(self)
    TestSupport.assertDataError([empty, "no train-images-idx3-ubyte file", "get-data"]) {
      _ = try MNISTDataSet.load(directory: empty)
    }
  }

  func testMismatchedImageAndLabelCounts() throws {
    let dir = try writeTinyDataSet(train: 6, test: 2, compressed: false)
    try TestSupport.write(IDXTests.idx(type: 8, shape: [5], payload: [1, 2, 3, 4, 5]), to: dir + "/train-labels-idx1-ubyte")
    TestSupport.assertDataError(["train-images-idx3-ubyte", "6 images", "5 labels"]) {
      _ = try MNISTDataSet.load(directory: dir, validation: 1)
    }
  }

  func testRealMNIST() throws {
    let dir = TestSupport.mnistDirectory
    guard FileManager.default.fileExists(atPath: dir + "/train-images-idx3-ubyte.gz") else {
      throw TestSupport.missingPrerequisite("MNIST is not at \(dir)")
    }
    let rssBefore = residentMegabytes()
    let start = Date()
    let data = try MNISTDataSet.load(directory: dir, validation: 5000)
    let seconds = Date().timeIntervalSince(start)
    let rssAfter = residentMegabytes()
    XCTAssertEqual([data.train.count, data.validation.count, data.test.count], [55000, 5000, 10000])
    XCTAssertEqual(Array(data.validation.labelBytes.prefix(10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    XCTAssertEqual(try data.test.label(54), 6)
    XCTAssertEqual(Array(data.test.labelBytes.dropFirst(53).prefix(3)), [5, 6, 0])
    XCTAssertEqual(try data.train.label(0), Int(data.train.labelBytes.first ?? 99))
    let allTrain = data.validation.imageBytes + data.train.imageBytes
    let mean = Double(allTrain.reduce(0) { $0 + Int($1) }) / Double(allTrain.count) / 255
    XCTAssertEqual(mean, 0.1307, accuracy: 0.0001)
    let bytes = [data.train, data.validation, data.test].reduce(0) { $0 + $1.imageBytes.count + $1.labelBytes.count }
    print(
      String(
        format: "MNIST load: %.3f s, %.1f MB of images and labels in memory; resident memory grew by %.0f MB",
        seconds, Double(bytes) / 1e6, rssAfter - rssBefore))
    let (images, labels) = data.validation.all()
    XCTAssertEqual(images.shape, [5000, 784])
    XCTAssertEqual(labels.values.prefix(3), [5, 0, 4])
    let pixelMean = images.values.reduce(0, +) / Float(images.count)
    XCTAssertEqual(pixelMean, 0.13, accuracy: 0.01)
  }

  /// Current resident set size from /proc (0 where there is none).
  func residentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
      let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kilobytes / 1024
  }

  func testFashionMNIST() throws {
    let dir = TestSupport.fashionDirectory
    guard FileManager.default.fileExists(atPath: dir) else {
      throw TestSupport.missingPrerequisite("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
    }
    let data = try MNISTDataSet.load(directory: dir, validation: 5000)
    XCTAssertEqual([data.train.count, data.validation.count, data.test.count], [55000, 5000, 10000])
    XCTAssertEqual(Set(data.test.labelBytes), Set(0...9))
    // Fashion-MNIST's first training label is 9 (ankle boot).
    XCTAssertEqual(data.validation.labelBytes.first, 9)
  }
}
