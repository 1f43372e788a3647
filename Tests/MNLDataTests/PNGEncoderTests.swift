import Foundation
import MNLTensor
import XCTest

@testable import MNLData

/// The PNG writer behind `show` in notebooks: what it writes must decode — with mnl's own
/// reader (which checks every CRC) and with ImageMagick — to the pixels it was given.
final class PNGEncoderTests: XCTestCase {
  func testGreyImageDecodesToTheSamePixels() throws {
    let width = 13, height = 7
    let pixels = (0..<width * height).map { UInt8(($0 * 37 + 11) % 256) }
    let png = try PNGEncoder.encode(width: width, height: height, kind: .grey, pixels: pixels)
    let decoded = try PNG.decode(png)
    XCTAssertEqual(decoded.shape, [height, width])
    XCTAssertEqual(decoded.values, pixels.map { Float($0) / 255 })
  }

  func testRGBImageDecodesToItsLuma() throws {
    let width = 5, height = 4
    var pixels: [UInt8] = []
    for i in 0..<width * height { pixels += [UInt8(i * 12), UInt8(255 - i * 9), UInt8((i * 53) % 256)] }
    let png = try PNGEncoder.encode(width: width, height: height, kind: .rgb, pixels: pixels)
    let decoded = try PNG.decode(png)
    XCTAssertEqual(decoded.shape, [height, width])
    for i in 0..<width * height {
      let (r, g, b) = (Double(pixels[3 * i]), Double(pixels[3 * i + 1]), Double(pixels[3 * i + 2]))
      XCTAssertEqual(Double(decoded.values[i]), (0.299 * r + 0.587 * g + 0.114 * b) / 255, accuracy: 1e-5)
    }
  }

  func testLargeFlatImageCompresses() throws {
    // A digit-like picture is mostly background: deflate must shrink it far below raw size.
    let png = try PNGEncoder.encode(width: 224, height: 224, kind: .grey, pixels: [UInt8](repeating: 0, count: 224 * 224))
    XCTAssertLessThan(png.count, 224 * 224 / 20)
    XCTAssertEqual(try PNG.decode(png).shape, [224, 224])
  }

  func testImageMagickReadsTheSamePixels() throws {
    guard let convert = TestSupport.imageMagickConvert() else {
      throw TestSupport.missingPrerequisite("ImageMagick is not installed (apt-get install imagemagick)")
    }
    let dir = try TestSupport.temporaryDirectory(self)
    let width = 9, height = 6
    var pixels: [UInt8] = []
    for i in 0..<width * height { pixels += [UInt8(i * 4), UInt8(200 - i * 3), UInt8(i % 2 == 0 ? 255 : 0)] }
    try TestSupport.write(try PNGEncoder.encode(width: width, height: height, kind: .rgb, pixels: pixels), to: dir + "/a.png")
    // Raw RGB bytes back out of ImageMagick.
    let result = try TestSupport.run(convert, [dir + "/a.png", "-depth", "8", "rgb:" + dir + "/a.rgb"])
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertEqual(try FileIO.readAll(dir + "/a.rgb"), pixels)
  }

  func testSizesAndPixelCountsAreChecked() {
    XCTAssertThrowsError(try PNGEncoder.encode(width: 0, height: 3, kind: .grey, pixels: []))
    XCTAssertThrowsError(try PNGEncoder.encode(width: 2, height: 2, kind: .rgb, pixels: [0, 0, 0, 0]))
  }
}
