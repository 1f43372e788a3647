import Foundation
import MNLTensor
import XCTest

@testable import MNLData

final class DigitPreprocessingTests: XCTestCase {
  struct Stats {
    var centreY: Float, centreX: Float, boxHeight: Int, boxWidth: Int
  }

  func stats(_ image: Tensor, threshold: Float = 0.01) -> Stats {
    let (h, w) = (image.shape[0], image.shape[1])
    let v = image.values
    var mass: Float = 0, sy: Float = 0, sx: Float = 0
    var top = h, bottom = -1, left = w, right = -1
    for y in 0..<h {
      for x in 0..<w {
        let p = v[y * w + x]
        mass += p
        sy += p * Float(y)
        sx += p * Float(x)
        if p > threshold {
          top = min(top, y)
          bottom = max(bottom, y)
          left = min(left, x)
          right = max(right, x)
        }
      }
    }
    return Stats(centreY: sy / mass, centreX: sx / mass, boxHeight: bottom - top + 1, boxWidth: right - left + 1)
  }

  func cosine(_ a: Tensor, _ b: Tensor) -> Float {
    let dot = zip(a.values, b.values).reduce(0) { $0 + $1.0 * $1.1 }
    let na = a.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let nb = b.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return dot / (na * nb)
  }

  func testMNISTDigitsStayMNISTLike() throws {
    let dir = TestSupport.mnistDirectory
    guard FileManager.default.fileExists(atPath: dir + "/t10k-images-idx3-ubyte.gz") else {
      throw TestSupport.missingPrerequisite("MNIST is not at \(dir)")
    }
    let test = try MNISTDataSet.load(directory: dir, validation: 0).test
    var similarities: [Float] = []
    for index in 0..<200 {
      let original = try test.image(index)
      let prepared = try prepareDigit(original)
      XCTAssertEqual(prepared.shape, [28, 28])
      XCTAssertTrue(prepared.values.allSatisfy { $0 >= 0 && $0 <= 1 })
      let s = stats(prepared)
      XCTAssertEqual(s.centreY, 14, accuracy: 0.5, "image \(index)")
      XCTAssertEqual(s.centreX, 14, accuracy: 0.5, "image \(index)")
      XCTAssertLessThanOrEqual(max(s.boxHeight, s.boxWidth), 20, "image \(index)")
      XCTAssertGreaterThanOrEqual(max(s.boxHeight, s.boxWidth), 19, "image \(index) fills the 20-pixel box")
      similarities.append(cosine(prepared, original))
    }
    similarities.sort()
    let median = similarities[similarities.count / 2]
    print("prepareDigit on 200 MNIST test images: cosine similarity to the original, median \(median), min \(similarities[0])")
    XCTAssertGreaterThan(median, 0.98, "MNIST images are already prepared: they should barely change")
    XCTAssertGreaterThan(similarities[0], 0.65)
    // Test image 54 (a 6) as a 28×28 PGM and back, as :predict would see it.
    let tmp = try TestSupport.temporaryDirectory(self)
    try PGM.write(tmp + "/test54.pgm", image: try test.image(54))
    let fromFile = try prepareDigit(try ImageFile.readGrey(tmp + "/test54.pgm"))
    XCTAssertGreaterThan(cosine(fromFile, try test.image(54)), 0.95)
  }

  /// MNIST's own digits are clean: the impulse filter and the page finder leave them alone
  /// (a median filter would erase thin strokes; a page crop would cut the digit).
  func testMNISTDigitsAreNeitherFilteredNorTakenForPages() throws {
    let dir = TestSupport.mnistDirectory
    guard FileManager.default.fileExists(atPath: dir + "/t10k-images-idx3-ubyte.gz") else {
      throw TestSupport.missingPrerequisite("MNIST is not at \(dir)")
    }
    let test = try MNISTDataSet.load(directory: dir, validation: 0).test
    for index in 0..<test.count {
      let pixels = try test.image(index).values
      var filtered = pixels
      DigitPreprocessing.removeImpulseNoise(&filtered, height: 28, width: 28)
      XCTAssertEqual(filtered, pixels, "image \(index) was median-filtered")
      XCTAssertNil(DigitPreprocessing.pageRegion(pixels, height: 28, width: 28), "image \(index) taken for a page")
    }
  }

  func testCommittedTest54Fixtures() throws {
    let binary = try PGM.read(TestSupport.fixtures + "/mnist-test54.pgm")
    let plain = try PGM.read(TestSupport.fixtures + "/mnist-test54-plain.pgm")
    XCTAssertEqual(binary.shape, [28, 28])
    XCTAssertEqual(binary.values, plain.values)
    let prepared = try prepareDigit(binary)
    XCTAssertGreaterThan(cosine(prepared, binary), 0.95)
    let dir = TestSupport.mnistDirectory
    if FileManager.default.fileExists(atPath: dir + "/t10k-images-idx3-ubyte.gz") {
      let test = try MNISTDataSet.load(directory: dir, validation: 0).test
      XCTAssertEqual(binary.values, try test.image(54).values.map { ($0 * 255).rounded() / 255 })
      XCTAssertEqual(try test.label(54), 6)
    }
  }

  /// A big dark "L" on light paper, off-centre, with a speck of noise in a corner.
  func paperDigit() throws -> Tensor {
    let (h, w) = (120, 90)
    var v = [Float](repeating: 0.9, count: h * w)
    for y in 30..<100 { for x in 50..<58 { v[y * w + x] = 0.1 } }
    for y in 92..<100 { for x in 50..<80 { v[y * w + x] = 0.1 } }
    v[2 * w + 2] = 0.3  // a speck
    return try Tensor(shape: [h, w], values: v)
  }

  func testDarkDigitOnLightPaperIsInvertedCroppedAndCentred() throws {
    let prepared = try prepareDigit(try paperDigit())
    let s = stats(prepared, threshold: 0.2)
    XCTAssertEqual(s.boxHeight, 20, "the 70-pixel-tall L is scaled to 20; the speck is ignored")
    XCTAssertEqual(s.boxWidth, 9, accuracy: 1)
    XCTAssertEqual(s.centreY, 14, accuracy: 0.5)
    XCTAssertEqual(s.centreX, 14, accuracy: 0.5)
    // Light on dark now: corners black, the stroke bright.
    XCTAssertEqual(prepared.values[0], 0)
    XCTAssertEqual(prepared.values.max() ?? 0, 1, accuracy: 0.01)
  }

  func testBoldDigitFillingTheImageKeepsItsInk() throws {
    // A thick dark plus sign covering 44% of a small, slightly noisy light image.
    var rng = SplitMix64(seed: 3)
    let n = 30
    var v = [Float](repeating: 0, count: n * n)
    for y in 0..<n {
      for x in 0..<n {
        let inside = (3..<27).contains(x) && (3..<27).contains(y)
        let stroke = inside && ((10..<20).contains(x) || (10..<20).contains(y))
        let noise = Float(rng.next() % 1000) / 1000 * 0.06 - 0.03
        v[y * n + x] = (stroke ? 0.15 : 0.85) + noise
      }
    }
    let prepared = try prepareDigit(try Tensor(shape: [n, n], values: v))
    let bright = prepared.values.filter { $0 > 0.5 }.count
    // The plus covers 1 - 4·(7/24)² ≈ 66% of its box, scaled to 20×20: about 264 pixels.
    XCTAssertGreaterThan(bright, 220)
    XCTAssertLessThan(bright, 310)
  }

  func testSmallDigitIsEnlarged() throws {
    var v = [Float](repeating: 0, count: 10 * 10)
    for y in 3..<8 { v[y * 10 + 5] = 1 }  // a 5-pixel vertical bar
    let prepared = try prepareDigit(try Tensor(shape: [10, 10], values: v))
    let s = stats(prepared, threshold: 0.5)
    XCTAssertEqual(s.boxHeight, 20, accuracy: 1)
    XCTAssertLessThanOrEqual(s.boxWidth, 5)
  }

  func testBlankAndInvalidImagesAreErrors() throws {
    TestSupport.assertDataError(["blank"]) { _ = try prepareDigit(Tensor(shape: [28, 28], repeating: 0)) }
    TestSupport.assertDataError(["blank"]) { _ = try prepareDigit(Tensor(shape: [5, 7], repeating: 1)) }
    TestSupport.assertDataError(["2-D"]) { _ = try prepareDigit(Tensor(shape: [4], repeating: 1)) }
    TestSupport.assertDataError(["NaN"]) { _ = try prepareDigit(try Tensor(shape: [1, 2], values: [0, .nan])) }
  }

  func testHelpers() throws {
    XCTAssertEqual(DigitPreprocessing.median([3, 1, 2]), 2)
    var rng = SplitMix64(seed: 9)
    let big = (0...10_000).map { Float($0) }.shuffled(using: &rng)
    XCTAssertEqual(DigitPreprocessing.median(big), 5000, accuracy: 10_000 / 65536 + 1e-3)
    for (from, to) in [(100, 20), (7, 20), (20, 20), (1, 5), (33, 7)] {
      for taps in DigitPreprocessing.weights(from: from, to: to) {
        XCTAssertEqual(taps.reduce(0) { $0 + $1.1 }, 1, accuracy: 1e-5, "\(from)→\(to)")
        XCTAssertTrue(taps.allSatisfy { $0.0 >= 0 && $0.0 < from })
      }
    }
  }

  func testIntegerImagesAreReadAs0To255() throws {
    var v = [Float](repeating: 0, count: 28 * 28)
    for y in 4..<24 { v[y * 28 + 14] = 255 }
    let prepared = try prepareDigit(try Tensor(shape: [28, 28], values: v, dtype: .uint8))
    XCTAssertEqual(prepared.values.max() ?? 0, 1, accuracy: 1e-6)
    XCTAssertEqual(prepared.dtype, .float32)
  }
}
