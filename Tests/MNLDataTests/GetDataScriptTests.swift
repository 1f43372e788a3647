import Foundation
import XCTest

@testable import MNLData

/// scripts/get-data against the local MNIST mirror (../shared/data/mnist), as CI uses it.
final class GetDataScriptTests: XCTestCase {
  let script = TestSupport.repoRoot + "/scripts/get-data"

  func testCopiesFromTheMirrorVerifiesAndSkipsGoodFiles() throws {
    let mirror = TestSupport.mnistDirectory
    guard FileManager.default.fileExists(atPath: mirror + "/train-labels-idx1-ubyte.gz") else {
      throw TestSupport.missingPrerequisite("MNIST is not at \(mirror)")
    }
    let dest = try TestSupport.temporaryDirectory(self) + "/mnist"
    let first = try TestSupport.run(script, [dest], environment: ["MNIST_MIRROR": mirror])
    XCTAssertEqual(first.status, 0, first.output)
    XCTAssertEqual(first.output.components(separatedBy: "MD5 ok").count - 1, 4, first.output)
    for stem in MNISTDataSet.fileStems {
      XCTAssertEqual(try FileIO.readAll(dest + "/" + stem + ".gz"), try FileIO.readAll(mirror + "/" + stem + ".gz"))
    }
    let data = try MNISTDataSet.load(directory: dest)
    XCTAssertEqual(data.train.count, 55000)

    let second = try TestSupport.run(script, ["--dest", dest], environment: ["MNIST_MIRROR": mirror])
    XCTAssertEqual(second.status, 0, second.output)
    XCTAssertEqual(second.output.components(separatedBy: "already present").count - 1, 4, second.output)
  }

  func testFailuresNameTheFileAndExitNonZero() throws {
    let mirror = TestSupport.mnistDirectory
    guard FileManager.default.fileExists(atPath: mirror + "/train-labels-idx1-ubyte.gz") else {
      throw TestSupport.missingPrerequisite("MNIST is not at \(mirror)")
    }
    let root = try TestSupport.temporaryDirectory(self)
    let badMirror = root + "/mirror"
    try FileManager.default.createDirectory(atPath: badMirror, withIntermediateDirectories: true)
    // Labels only (small), one of them corrupted; the image files are missing.
    var labels = try FileIO.readAll(mirror + "/t10k-labels-idx1-ubyte.gz")
    labels[100] ^= 1
    try TestSupport.write(labels, to: badMirror + "/t10k-labels-idx1-ubyte.gz")
    try TestSupport.write(try FileIO.readAll(mirror + "/train-labels-idx1-ubyte.gz"), to: badMirror + "/train-labels-idx1-ubyte.gz")
    let result = try TestSupport.run(script, [root + "/out"], environment: ["MNIST_MIRROR": badMirror])
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(result.output.contains("FAILED t10k-labels-idx1-ubyte.gz"), result.output)
    XCTAssertTrue(result.output.contains("expected ec29112dd5afa0611ce80d1b7f02629c"), result.output)
    XCTAssertTrue(result.output.contains("FAILED train-images-idx3-ubyte.gz: not found in MNIST_MIRROR"), result.output)
    XCTAssertTrue(result.output.contains("train-labels-idx1-ubyte.gz: from"), result.output)
    // Nothing broken is left behind: only the verified file.
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/out"), ["train-labels-idx1-ubyte.gz"])
  }
}
