import Foundation
import MNLTensor
import XCTest

@testable import MNLData

final class PGMTests: XCTestCase {
  func decode(_ text: String) throws -> Tensor { try PGM.decode(Array(text.utf8), file: "t.pgm") }

  func testPlainWithCommentsEverywhere() throws {
    let text = "P2 # a comment right after the magic\n# full line\n3 # width\n2\n# before maxval\n10\n0 5 10 # in the raster\n10 5\n0\n"
    let t = try decode(text)
    XCTAssertEqual(t.shape, [2, 3])
    XCTAssertEqual(t.dtype, .float32)
    XCTAssertEqual(t.values, [0, 0.5, 1, 1, 0.5, 0])
  }

  func testBinary8And16Bit() throws {
    let eight = Array("P5\n# c\n2 2 255\n".utf8) + [0, 51, 204, 255]
    XCTAssertEqual(try PGM.decode(eight).values, [0, 0.2, 0.8, 1])
    // maxval > 255: two bytes per sample, big-endian; a comment between maxval and the raster.
    let wide = Array("P5 2 1 1000#note\n".utf8) + [0x01, 0xF4, 0x03, 0xE8]
    XCTAssertEqual(try PGM.decode(wide).values, [0.5, 1])
    // Extra images after the first are allowed by Netpbm and ignored.
    XCTAssertEqual(try PGM.decode(eight + eight).values, [0, 0.2, 0.8, 1])
  }

  func testPPMBecomesGrey() throws {
    let plain = try decode("P3 2 1 255  255 0 0  0 0 255")
    XCTAssertEqual(plain.values[0], 0.299, accuracy: 1e-6)
    XCTAssertEqual(plain.values[1], 0.114, accuracy: 1e-6)
    let binary = try PGM.decode(Array("P6 1 1 255\n".utf8) + [0, 255, 0])
    XCTAssertEqual(binary.values[0], 0.587, accuracy: 1e-6)
  }

  func testWriteThenRead() throws {
    let dir = try TestSupport.temporaryDirectory(self)
    let image = try Tensor(shape: [2, 3], values: [0, 0.25, 0.5, 0.75, 1, 1.5])
    try PGM.write(dir + "/a.pgm", image: image)
    let bytes = try FileIO.readAll(dir + "/a.pgm")
    XCTAssertEqual(Array(bytes.prefix(11)), Array("P5\n3 2\n255\n".utf8))
    XCTAssertEqual(Array(bytes.dropFirst(11)), [0, 64, 128, 191, 255, 255], "rounded, clamped to [0, 1]")
    let pixels = try Tensor(shape: [1, 2], values: [7, 255], dtype: .uint8)
    try PGM.write(dir + "/b.pgm", image: pixels)
    XCTAssertEqual(try PGM.read(dir + "/b.pgm").values, [Float(7) / 255, 1])
    TestSupport.assertDataError(["c.pgm", "2-D"]) { try PGM.write(dir + "/c.pgm", image: Tensor(scalar: 1)) }
    TestSupport.assertDataError(["c.pgm", "NaN"]) {
      try PGM.write(dir + "/c.pgm", image: try Tensor(shape: [1, 1], values: [.nan]))
    }
    TestSupport.assertDataError(["outside 0…255"]) {
      try PGM.write(dir + "/c.pgm", image: try Tensor(shape: [1, 1], values: [256], dtype: .int32))
    }
  }

  func testNetpbmToolsReadWhatWeWrite() throws {
    guard let pgmtopgm = TestSupport.which("pamfile") else { throw TestSupport.missingPrerequisite("netpbm is not installed") }
    let dir = try TestSupport.temporaryDirectory(self)
    try PGM.write(dir + "/n.pgm", image: try Tensor(shape: [3, 5], values: .init(repeating: 0.5, count: 15)))
    let result = try TestSupport.run(pgmtopgm, [dir + "/n.pgm"])
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(result.output.contains("5 by 3") && result.output.contains("maxval 255"), result.output)
  }

  func testBrokenFilesAreRejected() throws {
    let cases: [([UInt8], [String])] = [
      (Array("P7 1 1 255\n".utf8), ["unsupported Netpbm type P7"]),
      (Array("GIF89a".utf8), ["not a PGM/PPM image"]),
      (Array("P5".utf8), ["expected whitespace after the magic"]),
      (Array("P5 2 2 255\n".utf8) + [1, 2, 3], ["truncated image data", "needs 4 bytes", "has 3"]),
      (Array("P5 2 2 1000\n".utf8) + [1, 2, 3, 4, 5, 6], ["truncated image data", "needs 8 bytes"]),
      (Array("P2 2 1 10\n3 11\n".utf8), ["pixel 1 is 11, above maxval 10"]),
      (Array("P5 1 1 100\n".utf8) + [200], ["pixel 0 is 200, above maxval 100"]),
      (Array("P2 2 1 10\n3\n".utf8), ["ends before the pixel 1"]),
      (Array("P2 2 1 10\n3 junk".utf8), ["expected a number for the pixel 1"]),
      (Array("P2 1 1 10\n3 4\n".utf8), ["unexpected data after the last pixel"]),
      (Array("P2 0 1 10\n".utf8), ["is empty"]),
      (Array("P2 1 1 0\n".utf8), ["maxval 0 is outside"]),
      (Array("P2 1 1 70000\n".utf8), ["maxval 70000 is outside"]),
      (Array("P5 100000 100000 255\n".utf8), ["too large"]),
      (Array("P2 8000 8000 255\n0 1".utf8), ["truncated image data", "needs at least 127999999 bytes"]),
      (Array("P5 99999999999999999999 1 255\n".utf8), ["absurdly large"]),
      (Array("P5 2x 2 255\n".utf8), ["unexpected character after the width"]),
      (Array("P5 2 -2 255\n".utf8), ["expected a number for the height"]),
    ]
    for (bytes, fragments) in cases {
      let label = String(decoding: bytes.prefix(20), as: UTF8.self)
      do {
        _ = try PGM.decode(bytes, file: "bad.pgm")
        XCTFail("\(label): accepted")
      } catch {
        let text = "\(error)"
        XCTAssertTrue(text.hasPrefix("bad.pgm: "), "\(label): \(text)")
        for f in fragments { XCTAssertTrue(text.contains(f), "\(label): '\(text)' lacks '\(f)'") }
      }
    }
    TestSupport.assertDataError(["/nope.pgm", "cannot open"]) { _ = try ImageFile.readGrey("/nope.pgm") }
    let dir = try TestSupport.temporaryDirectory(self)
    try TestSupport.write(Array("BM....".utf8), to: dir + "/x.bmp")
    TestSupport.assertDataError(["x.bmp", "unsupported image format"]) { _ = try ImageFile.readGrey(dir + "/x.bmp") }
  }
}
