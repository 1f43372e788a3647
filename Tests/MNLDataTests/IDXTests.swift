import MNLTensor
import XCTest

@testable import MNLData

final class IDXTests: XCTestCase {
  /// An IDX file: magic 00 00 type rank, big-endian sizes, payload.
  static func idx(type: UInt8, shape: [UInt32], payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, type, UInt8(shape.count)]
    for d in shape { withUnsafeBytes(of: d.bigEndian) { bytes += $0 } }
    return bytes + payload
  }

  func testUInt8() throws {
    let array = try IDX.read(Self.idx(type: 0x08, shape: [2, 3], payload: [0, 1, 2, 253, 254, 255]))
    XCTAssertEqual(array.shape, [2, 3])
    XCTAssertEqual(array.elementType, .uint8)
    XCTAssertEqual(array.payload, [0, 1, 2, 253, 254, 255])
    let t = try array.tensor()
    XCTAssertEqual(t.shape, [2, 3])
    XCTAssertEqual(t.dtype, .uint8)
    XCTAssertEqual(t.values, [0, 1, 2, 253, 254, 255])
  }

  func testEveryElementType() throws {
    var i16: [UInt8] = []
    for v: Int16 in [-300, 7] { withUnsafeBytes(of: v.bigEndian) { i16 += $0 } }
    var i32: [UInt8] = []
    for v: Int32 in [-16_777_216, 123_456] { withUnsafeBytes(of: v.bigEndian) { i32 += $0 } }
    var f32: [UInt8] = []
    for v: Float in [1.5, -0.25] { withUnsafeBytes(of: v.bitPattern.bigEndian) { f32 += $0 } }
    var f64: [UInt8] = []
    for v: Double in [0.1, -1e30] { withUnsafeBytes(of: v.bitPattern.bigEndian) { f64 += $0 } }
    let cases: [(UInt8, [UInt8], DType, [Float])] = [
      (0x09, [0xFF, 0x05], .int32, [-1, 5]),
      (0x0B, i16, .int32, [-300, 7]),
      (0x0C, i32, .int32, [-16_777_216, 123_456]),
      (0x0D, f32, .float32, [1.5, -0.25]),
      (0x0E, f64, .float32, [Float(0.1), Float(-1e30)]),
    ]
    for (type, payload, dtype, expected) in cases {
      let t = try IDX.read(Self.idx(type: type, shape: [2], payload: payload)).tensor()
      XCTAssertEqual(t.dtype, dtype, "type 0x\(String(type, radix: 16))")
      XCTAssertEqual(t.values, expected, "type 0x\(String(type, radix: 16))")
    }
  }

  func testInt32BeyondFloatPrecisionIsExact() throws {
    var payload: [UInt8] = []
    withUnsafeBytes(of: Int32(16_777_217).bigEndian) { payload += $0 }
    let t = try IDX.read(Self.idx(type: 0x0C, shape: [1], payload: payload), file: "x.idx").tensor()
    XCTAssertEqual(t.dtype, .int32)
    XCTAssertEqual(t.integerValues, [16_777_217])
  }

  func testLoadsRawAndGzipFilesByMagic() throws {
    let dir = try TestSupport.temporaryDirectory(self)
    let bytes = Self.idx(type: 0x08, shape: [3], payload: [9, 8, 7])
    try TestSupport.write(bytes, to: dir + "/a.idx")
    // A gzip file without a .gz name is still recognised by its magic bytes.
    try TestSupport.write(try Gzip.compress(bytes), to: dir + "/b.idx")
    XCTAssertEqual(try IDX.load(dir + "/a.idx").values, [9, 8, 7])
    XCTAssertEqual(try IDX.load(dir + "/b.idx").values, [9, 8, 7])
  }

  func testBadFilesGiveErrorsNamingTheFile() throws {
    TestSupport.assertDataError(["f.idx", "bad magic number 01 02 08 01"]) {
      _ = try IDX.read([1, 2, 8, 1, 0, 0, 0, 1, 5], file: "f.idx")
    }
    TestSupport.assertDataError(["f.idx", "unknown element type 0x07"]) {
      _ = try IDX.read([0, 0, 7, 1, 0, 0, 0, 1, 5], file: "f.idx")
    }
    TestSupport.assertDataError(["f.idx", "shorter than the 4-byte magic"]) { _ = try IDX.read([0, 0], file: "f.idx") }
    TestSupport.assertDataError(["f.idx", "truncated IDX header"]) {
      _ = try IDX.read([0, 0, 8, 3, 0, 0, 0, 1], file: "f.idx")
    }
    TestSupport.assertDataError(["f.idx", "truncated IDX data", "[2, 3]", "needs 6 bytes", "has 5"]) {
      _ = try IDX.read(Self.idx(type: 0x08, shape: [2, 3], payload: [1, 2, 3, 4, 5]), file: "f.idx")
    }
    TestSupport.assertDataError(["f.idx", "longer than its header says"]) {
      _ = try IDX.read(Self.idx(type: 0x08, shape: [1], payload: [1, 2]), file: "f.idx")
    }
    // Sizes whose product overflows must fail cleanly before any allocation.
    TestSupport.assertDataError(["f.idx", "absurdly large"]) {
      _ = try IDX.read(Self.idx(type: 0x0E, shape: [.max, .max, .max, .max], payload: []), file: "f.idx")
    }
    TestSupport.assertDataError(["/no/such/file.idx", "No such file"]) { _ = try IDX.load("/no/such/file.idx") }
  }

  func testTruncatedGzipNamesTheFile() throws {
    let dir = try TestSupport.temporaryDirectory(self)
    let packed = try Gzip.compress(Self.idx(type: 0x08, shape: [1000], payload: .init(repeating: 3, count: 1000)))
    try TestSupport.write(Array(packed.prefix(packed.count - 10)), to: dir + "/t.gz")
    TestSupport.assertDataError([dir + "/t.gz", "truncated"]) { _ = try IDX.load(dir + "/t.gz") }
  }
}
