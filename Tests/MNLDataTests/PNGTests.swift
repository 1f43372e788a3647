import Foundation
import MNLTensor
import XCTest

@testable import MNLData

/// A minimal PNG writer for tests: chooses each row's filter explicitly, so every filter type
/// is exercised, and can write deliberately broken files.
enum TestPNG {
  static func crc(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
      c ^= UInt32(b)
      for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
    return ~c
  }

  static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    withUnsafeBytes(of: UInt32(data.count).bigEndian) { out += $0 }
    let body = Array(type.utf8) + data
    withUnsafeBytes(of: crc(body).bigEndian) { out += $0 }
    return Array(out[0..<4]) + body + Array(out[4..<8])
  }

  static func header(width: Int, height: Int, depth: UInt8, colorType: UInt8, interlace: UInt8 = 0) -> [UInt8] {
    var ihdr: [UInt8] = []
    withUnsafeBytes(of: UInt32(width).bigEndian) { ihdr += $0 }
    withUnsafeBytes(of: UInt32(height).bigEndian) { ihdr += $0 }
    return ihdr + [depth, colorType, 0, 0, interlace]
  }

  /// An 8-bit image with `channels` samples per pixel; row r uses filter `filters(r)`.
  static func encode(
    width: Int, height: Int, channels: Int, colorType: UInt8, samples: [UInt8],
    filters: (Int) -> UInt8 = { UInt8($0 % 5) }, extraChunks: [[UInt8]] = []
  ) throws -> [UInt8] {
    let stride = width * channels
    var raw: [UInt8] = []
    for r in 0..<height {
      let filter = filters(r)
      raw.append(filter)
      for i in 0..<stride {
        let x = Int(samples[r * stride + i])
        let a = i >= channels ? Int(samples[r * stride + i - channels]) : 0
        let b = r > 0 ? Int(samples[(r - 1) * stride + i]) : 0
        let c = r > 0 && i >= channels ? Int(samples[(r - 1) * stride + i - channels]) : 0
        let predicted: Int
        switch filter {
        case 1: predicted = a
        case 2: predicted = b
        case 3: predicted = (a + b) / 2
        case 4:
          let p = a + b - c
          let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
          predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
        default: predicted = 0
        }
        raw.append(UInt8(truncatingIfNeeded: x - predicted))
      }
    }
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    return signature + chunk("IHDR", header(width: width, height: height, depth: 8, colorType: colorType))
      + extraChunks.flatMap { $0 } + chunk("IDAT", try Zlib.deflate(raw)) + chunk("IEND", [])
  }
}

final class PNGTests: XCTestCase {
  func testAllFiveFiltersOnGreyAndRGB() throws {
    let (w, h) = (7, 10)
    let grey = (0..<(w * h)).map { UInt8(truncatingIfNeeded: $0 * 37 + ($0 / 7) * 11) }
    let decoded = try PNG.decode(TestPNG.encode(width: w, height: h, channels: 1, colorType: 0, samples: grey))
    XCTAssertEqual(decoded.shape, [h, w])
    XCTAssertEqual(decoded.values, grey.map { Float($0) / 255 })

    let rgb = (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 * 53 + 17) }
    let colour = try PNG.decode(TestPNG.encode(width: w, height: h, channels: 3, colorType: 2, samples: rgb))
    for p in 0..<(w * h) {
      let expected = (0.299 * Float(rgb[3 * p]) + 0.587 * Float(rgb[3 * p + 1]) + 0.114 * Float(rgb[3 * p + 2])) / 255
      XCTAssertEqual(colour.values[p], expected, accuracy: 1e-5)
    }
  }

  func testAlphaIsCompositedOnWhite() throws {
    // RGBA: black opaque, black fully transparent, mid grey half transparent.
    let rgba: [UInt8] = [0, 0, 0, 255, 0, 0, 0, 0, 100, 100, 100, 128]
    let t = try PNG.decode(TestPNG.encode(width: 3, height: 1, channels: 4, colorType: 6, samples: rgba))
    XCTAssertEqual(t.values[0], 0)
    XCTAssertEqual(t.values[1], 1)
    let a: Float = 128 / 255
    XCTAssertEqual(t.values[2], a * 100 / 255 + (1 - a), accuracy: 1e-5)
    let greyAlpha = try PNG.decode(TestPNG.encode(width: 2, height: 1, channels: 2, colorType: 4, samples: [0, 0, 50, 255]))
    XCTAssertEqual(greyAlpha.values, [1, Float(50) / 255])
  }

  func testPaletteWithTransparency() throws {
    let plte = TestPNG.chunk("PLTE", [255, 0, 0, 0, 0, 0, 255, 255, 255])
    let trns = TestPNG.chunk("tRNS", [255, 0])
    let t = try PNG.decode(
      TestPNG.encode(width: 3, height: 1, channels: 1, colorType: 3, samples: [0, 1, 2], extraChunks: [plte, trns]))
    XCTAssertEqual(t.values[0], 0.299, accuracy: 1e-5)
    XCTAssertEqual(t.values[1], 1, "index 1 is transparent")
    XCTAssertEqual(t.values[2], 1, accuracy: 1e-5)
    TestSupport.assertDataError(["p.png", "palette index 5"]) {
      _ = try PNG.decode(
        TestPNG.encode(width: 1, height: 1, channels: 1, colorType: 3, samples: [5], extraChunks: [plte]), file: "p.png")
    }
    TestSupport.assertDataError(["without a PLTE"]) {
      _ = try PNG.decode(TestPNG.encode(width: 1, height: 1, channels: 1, colorType: 3, samples: [0]))
    }
  }

  func testBrokenFilesAreRejected() throws {
    let good = try TestPNG.encode(width: 4, height: 4, channels: 1, colorType: 0, samples: .init(repeating: 9, count: 16))
    XCTAssertNoThrow(try PNG.decode(good))
    let signature = Array(good.prefix(8))
    var badCRC = good
    badCRC[good.count - 20] ^= 0x55  // inside the IDAT data
    func ihdrOnly(_ ihdr: [UInt8]) -> [UInt8] {
      signature + TestPNG.chunk("IHDR", ihdr) + TestPNG.chunk("IDAT", (try? Zlib.deflate([0, 0])) ?? [])
        + TestPNG.chunk("IEND", [])
    }
    let cases: [(String, [UInt8], [String])] = [
      ("signature", [0x89, 0x50, 0x4E, 0x46] + good.dropFirst(4), ["not a PNG file"]),
      ("truncated", Array(good.prefix(good.count - 20)), ["truncated PNG"]),
      ("no IEND", Array(good.dropLast(12)), ["ends before the IEND"]),
      ("crc", badCRC, ["bad CRC in the IDAT chunk"]),
      ("absurd size", ihdrOnly(TestPNG.header(width: 100_000, height: 100_000, depth: 8, colorType: 0)), ["too large"]),
      ("zero size", ihdrOnly(TestPNG.header(width: 0, height: 5, depth: 8, colorType: 0)), ["empty"]),
      ("bad depth", ihdrOnly(TestPNG.header(width: 1, height: 1, depth: 3, colorType: 0)), ["bit depth 3"]),
      ("bad colour", ihdrOnly(TestPNG.header(width: 1, height: 1, depth: 8, colorType: 5)), ["colour type 5"]),
      ("bad interlace", ihdrOnly(TestPNG.header(width: 1, height: 1, depth: 8, colorType: 0, interlace: 2)), ["interlace method 2"]),
      ("short data", ihdrOnly(TestPNG.header(width: 4, height: 4, depth: 8, colorType: 0)), ["truncated PNG image data"]),
      (
        "bad filter",
        try TestPNG.encode(width: 2, height: 2, channels: 1, colorType: 0, samples: [1, 2, 3, 4], filters: { _ in 7 }),
        ["unknown filter type 7"]
      ),
      ("first chunk", signature + TestPNG.chunk("IDAT", []) + TestPNG.chunk("IEND", []), ["not IHDR"]),
      (
        "critical chunk",
        signature + TestPNG.chunk("IHDR", TestPNG.header(width: 1, height: 1, depth: 8, colorType: 0)) + TestPNG.chunk("ABCD", []),
        ["unsupported critical PNG chunk ABCD"]
      ),
    ]
    for (label, bytes, fragments) in cases {
      do {
        _ = try PNG.decode(bytes, file: "x.png")
        XCTFail("\(label): accepted")
      } catch {
        let text = "\(error)"
        XCTAssertTrue(text.hasPrefix("x.png: "), "\(label): \(text)")
        for f in fragments { XCTAssertTrue(text.contains(f), "\(label): '\(text)' lacks '\(f)'") }
      }
    }
  }

  func testCommittedFixtures() throws {
    // Written by ImageMagick: a white 7 on black (grey), the same in RGB with alpha on a
    // transparent background (black strokes), palette, 16-bit and Adam7-interlaced.
    let reference = try PGM.read(TestSupport.fixtures + "/seven.pgm")
    XCTAssertEqual(reference.shape, [28, 28])
    for name in ["seven-grey.png", "seven-palette.png", "seven-16bit.png", "seven-interlaced.png"] {
      let image = try ImageFile.readGrey(TestSupport.fixtures + "/" + name)
      XCTAssertEqual(image.shape, [28, 28], name)
      XCTAssertLessThanOrEqual(maxDifference(image, reference), 1.0 / 255 + 1e-6, name)
    }
    // Black strokes on transparent, composited on white: the inverse of the reference.
    let rgba = try ImageFile.readGrey(TestSupport.fixtures + "/seven-rgba.png")
    let inverted = try Tensor(shape: [28, 28], values: reference.values.map { 1 - $0 })
    XCTAssertLessThanOrEqual(maxDifference(rgba, inverted), 1.0 / 255 + 1e-6)
  }

  func testFilesWrittenByImageMagickNow() throws {
    guard let convert = TestSupport.imageMagickConvert() else { throw TestSupport.missingPrerequisite("ImageMagick is not installed (apt-get install imagemagick)") }
    let dir = try TestSupport.temporaryDirectory(self)
    let base = dir + "/base.pgm"
    let draw = [
      "-size", "40x30", "xc:black", "-fill", "white", "-draw", "rectangle 5,5 20,25", "-fill", "gray50",
      "-draw", "circle 30,15 35,15",
    ]
    XCTAssertEqual(try TestSupport.run(convert, draw + [base]).status, 0)
    let reference = try PGM.read(base)
    XCTAssertEqual(reference.shape, [30, 40])
    let variants: [(String, [String])] = [
      ("grey8.png", ["-define", "png:color-type=0", "-define", "png:bit-depth=8"]),
      ("rgb.png", ["-define", "png:color-type=2"]),
      ("rgba.png", ["-alpha", "on", "-define", "png:color-type=6"]),
      ("greyalpha.png", ["-alpha", "on", "-define", "png:color-type=4"]),
      ("palette.png", ["-type", "Palette", "PNG8:"]),
      ("grey16.png", ["-depth", "16", "-define", "png:color-type=0"]),
      ("rgb16.png", ["-depth", "16", "-define", "png:color-type=2"]),
      ("adam7.png", ["-interlace", "PNG"]),
      ("adaptive.png", ["-quality", "95"]),
      ("plain.pgm", ["-compress", "none"]),
      ("wide.pgm", ["-depth", "16"]),
      ("plain.ppm", ["-compress", "none", "-type", "TrueColor"]),
      ("binary.ppm", ["-type", "TrueColor"]),
    ]
    for (name, options) in variants {
      var arguments = [base] + options
      // "PNG8:" is a prefix for the output file name.
      if arguments.last == "PNG8:" {
        arguments.removeLast()
        arguments.append("PNG8:" + dir + "/" + name)
      } else {
        arguments.append(dir + "/" + name)
      }
      let result = try TestSupport.run(convert, arguments)
      XCTAssertEqual(result.status, 0, "\(name): \(result.output)")
      let image = try ImageFile.readGrey(dir + "/" + name)
      XCTAssertEqual(image.shape, [30, 40], name)
      XCTAssertLessThanOrEqual(maxDifference(image, reference), 1.0 / 255 + 1e-5, name)
    }
    // Low bit depths from a black-and-white picture.
    let bw = dir + "/bw.pgm"
    XCTAssertEqual(try TestSupport.run(convert, [base, "-threshold", "60%", bw]).status, 0)
    let bwReference = try PGM.read(bw)
    for depth in ["1", "2", "4"] {
      let path = dir + "/bw\(depth).png"
      let result = try TestSupport.run(
        convert, [bw, "-define", "png:color-type=0", "-define", "png:bit-depth=\(depth)", path])
      XCTAssertEqual(result.status, 0, result.output)
      XCTAssertEqual(try PNG.read(path).values, bwReference.values, "bit depth \(depth)")
    }
    // A pure red PNG reads as luma 0.299.
    let red = dir + "/red.png"
    XCTAssertEqual(try TestSupport.run(convert, ["-size", "4x4", "xc:rgb(255,0,0)", "-define", "png:color-type=2", red]).status, 0)
    XCTAssertEqual(try PNG.read(red).values[0], 0.299, accuracy: 1e-4)
    // Black strokes on a transparent background read as black on white.
    let ink = dir + "/ink.png"
    let inkDraw = ["-size", "10x10", "xc:none", "-fill", "black", "-draw", "rectangle 2,2 7,7", ink]
    XCTAssertEqual(try TestSupport.run(convert, inkDraw).status, 0)
    let inkImage = try PNG.read(ink)
    XCTAssertEqual(inkImage.values[0], 1)
    XCTAssertEqual(inkImage.values[5 * 10 + 5], 0)
  }

  func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
    guard a.shape == b.shape else { return .infinity }
    return zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
  }
}
