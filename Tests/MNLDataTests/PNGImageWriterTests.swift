import Foundation
import MNLTensor
import XCTest

@testable import MNLData

/// `save_png`: tensors written as PNG must read back through mnl's own reader (grey, as
/// `load_image` returns them) and through ImageMagick (the exact bytes, grey and RGB).
final class PNGImageWriterTests: XCTestCase {
  func testGreyFloatImageRoundTripsThroughTheReader() throws {
    let dir = try TestSupport.temporaryDirectory(self)
    let values: [Float] = (0..<12).map { Float($0) / 11 }
    let image = try Tensor(shape: [3, 4], values: values)
    try PNGImageWriter.write(dir + "/g.png", image: image)
    let back = try ImageFile.readGrey(dir + "/g.png")
    XCTAssertEqual(back.shape, [3, 4])
    for (a, b) in zip(back.values, values) { XCTAssertEqual(a, b, accuracy: 0.5 / 255 + 1e-6) }
    // [H, W, 1] is the same grey image.
    try PNGImageWriter.write(dir + "/g1.png", image: try Tensor(shape: [3, 4, 1], values: values))
    XCTAssertEqual(try FileIO.readAll(dir + "/g1.png"), try FileIO.readAll(dir + "/g.png"))
  }

  func testValuesAreClampedRoundedAndIntegersKept() throws {
    let floats = try Tensor(shape: [1, 6], values: [-1, 0, 0.25, 0.5, 1, 2])
    XCTAssertEqual(try PNG.decode(try PNGImageWriter.encode(floats)).values.map { ($0 * 255).rounded() }, [0, 0, 64, 128, 255, 255])
    let bytes = try Tensor(shape: [1, 3], values: [0, 7, 255], dtype: .uint8)
    XCTAssertEqual(try PNG.decode(try PNGImageWriter.encode(bytes)).values, [0, Float(7) / 255, 1])
    let mask = try Tensor(shape: [1, 2], values: [1, 0], dtype: .bool)
    XCTAssertEqual(try PNG.decode(try PNGImageWriter.encode(mask)).values, [1, 0])
  }

  func testBadImagesAreDataErrorsNamingTheFile() throws {
    let dir = try TestSupport.temporaryDirectory(self)
    TestSupport.assertDataError(["x.png", "[height, width]", "[2, 2, 2]"]) {
      try PNGImageWriter.write(dir + "/x.png", image: Tensor(shape: [2, 2, 2], repeating: 0))
    }
    TestSupport.assertDataError(["x.png", "[5]"]) { try PNGImageWriter.write(dir + "/x.png", image: Tensor(shape: [5], repeating: 0)) }
    TestSupport.assertDataError(["x.png", "empty"]) { try PNGImageWriter.write(dir + "/x.png", image: Tensor(shape: [0, 3], repeating: 0)) }
    TestSupport.assertDataError(["x.png", "NaN"]) {
      try PNGImageWriter.write(dir + "/x.png", image: try Tensor(shape: [1, 1], values: [.nan]))
    }
    TestSupport.assertDataError(["x.png", "300", "outside 0…255"]) {
      try PNGImageWriter.write(dir + "/x.png", image: try Tensor(shape: [1, 1], values: [300], dtype: .int64))
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.png"), "nothing is written for a bad image")
  }

  func testImageMagickReadsTheExactPixels() throws {
    guard let convert = TestSupport.imageMagickConvert() else {
      throw TestSupport.missingPrerequisite("ImageMagick is not installed (apt-get install imagemagick)")
    }
    let dir = try TestSupport.temporaryDirectory(self)
    let (height, width) = (5, 7)
    var rgb: [Float] = []
    for i in 0..<height * width { rgb += [Float(i * 7 % 256), Float(255 - i * 5), Float(i % 2 == 0 ? 255 : 0)] }
    try PNGImageWriter.write(dir + "/c.png", image: try Tensor(shape: [height, width, 3], values: rgb, dtype: .uint8))
    let colour = try TestSupport.run(convert, [dir + "/c.png", "-depth", "8", "rgb:" + dir + "/c.rgb"])
    XCTAssertEqual(colour.status, 0, colour.output)
    XCTAssertEqual(try FileIO.readAll(dir + "/c.rgb"), rgb.map { UInt8($0) })

    let grey: [Float] = (0..<height * width).map { Float($0) / Float(height * width - 1) }
    try PNGImageWriter.write(dir + "/g.png", image: try Tensor(shape: [height, width], values: grey))
    let plain = try TestSupport.run(convert, [dir + "/g.png", "-depth", "8", "gray:" + dir + "/g.raw"])
    XCTAssertEqual(plain.status, 0, plain.output)
    XCTAssertEqual(try FileIO.readAll(dir + "/g.raw"), grey.map { UInt8(($0 * 255).rounded()) })

    if let identify = TestSupport.which("identify") {
      let info = try TestSupport.run(identify, [dir + "/c.png", dir + "/g.png"])
      XCTAssertEqual(info.status, 0, info.output)
      XCTAssertTrue(info.output.contains("PNG 7x5"), info.output)
    }
  }
}
