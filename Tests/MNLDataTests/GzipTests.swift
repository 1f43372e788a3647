import XCTest

@testable import MNLData

final class GzipTests: XCTestCase {
  let sample: [UInt8] = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7 / 3) }

  func testRoundTrip() throws {
    let packed = try Gzip.compress(sample)
    XCTAssertTrue(Gzip.isGzip(packed))
    XCTAssertLessThan(packed.count, sample.count)
    XCTAssertEqual(try Gzip.decompress(packed), sample)
    XCTAssertEqual(try Zlib.inflate(try Zlib.deflate(sample)), sample)
  }

  func testEmptyInputRoundTrips() throws {
    XCTAssertEqual(try Gzip.decompress(try Gzip.compress([])), [])
  }

  func testConcatenatedMembersAreJoined() throws {
    let a: [UInt8] = Array("first member\n".utf8)
    let b: [UInt8] = Array("second member\n".utf8)
    let joined = try Gzip.compress(a) + Gzip.compress(b)
    XCTAssertEqual(try Gzip.decompress(joined), a + b)
    // Zero padding after the last member (tape-style) is accepted.
    XCTAssertEqual(try Gzip.decompress(joined + [0, 0, 0, 0]), a + b)
  }

  func testReadsFilesWrittenByGzip() throws {
    guard let gzip = TestSupport.which("gzip") else { throw TestSupport.missingPrerequisite("gzip is not installed") }
    let dir = try TestSupport.temporaryDirectory(self)
    try TestSupport.write(sample, to: dir + "/x")
    XCTAssertEqual(try TestSupport.run(gzip, ["-9", dir + "/x"]).status, 0)
    XCTAssertEqual(try Gzip.decompress(try FileIO.readAll(dir + "/x.gz")), sample)
  }

  func testTruncatedDataIsAnError() throws {
    let packed = try Gzip.compress(sample)
    TestSupport.assertDataError(["f.gz", "truncated gzip"]) {
      _ = try Gzip.decompress(Array(packed.prefix(packed.count / 2)), file: "f.gz")
    }
    // Cut inside the 8-byte trailer: the data is complete but the CRC/size check cannot run.
    TestSupport.assertDataError(["truncated"]) { _ = try Gzip.decompress(Array(packed.dropLast(3))) }
  }

  func testCorruptDataIsAnError() throws {
    var packed = try Gzip.compress(sample)
    packed[packed.count - 6] ^= 0xFF  // inside the CRC32 trailer
    TestSupport.assertDataError(["f.gz", "corrupt gzip data"]) { _ = try Gzip.decompress(packed, file: "f.gz") }
  }

  func testGarbageAfterTheStreamIsAnError() throws {
    let packed = try Gzip.compress(sample) + Array("junk".utf8)
    TestSupport.assertDataError(["unexpected data after the gzip stream"]) { _ = try Gzip.decompress(packed) }
  }

  func testNotGzipAndOutputLimit() throws {
    TestSupport.assertDataError(["f", "not a gzip file"]) { _ = try Gzip.decompress([1, 2, 3], file: "f") }
    let bomb = try Gzip.compress([UInt8](repeating: 0, count: 1 << 20))
    TestSupport.assertDataError(["more than 1000 bytes"]) { _ = try Gzip.decompress(bomb, limit: 1000) }
  }
}
