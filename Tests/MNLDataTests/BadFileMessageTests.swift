import Foundation
import MNLTensor
import XCTest

@testable import MNLData

/// Files people open by mistake get a message that says what they are.
final class BadFileMessageTests: XCTestCase {
  func write(_ bytes: [UInt8], _ name: String) throws -> String {
    let path = try TestSupport.temporaryDirectory(self) + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  func message(_ body: () throws -> Void) -> String {
    do {
      try body()
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  func testEmptyImageSaysEmptyFile() throws {
    let path = try write([], "blank.png")
    XCTAssertEqual(message { _ = try ImageFile.readGrey(path) }, "\(path): empty file (0 bytes): not an image")
  }

  func testEmptySafetensorsSaysEmptyFile() throws {
    XCTAssertEqual(message { _ = try Safetensors.decode([], file: "w.safetensors") }, "w.safetensors: empty file (0 bytes): not a safetensors file")
  }

  /// numpy.save's header: magic \\x93NUMPY, version, header length, a Python dict.
  func testNumPyFileIsNamed() throws {
    let header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }".utf8) + Array(repeating: 0x20, count: 61) + [0x0A]
    let npy = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + Array(repeating: 0, count: 24)
    let text = message { _ = try Safetensors.decode(npy, file: "x.npy") }
    XCTAssertTrue(text.hasPrefix("x.npy: this is a NumPy .npy file, not a safetensors file"), text)
    XCTAssertFalse(text.contains("header length"), text)
  }

  func testZipArchiveIsNamed() {
    let text = message { _ = try Safetensors.decode([0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 40), file: "m.npz") }
    XCTAssertTrue(text.contains("zip archive"), text)
  }

  /// A 20-byte file whose trailer claims 4 GB must not reserve 4 GB before inflating
  /// (deflate cannot expand more than ~1032:1).
  func testGzipTrailerSizeIsNotTrusted() {
    let lying = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF] as [UInt8]
    XCTAssertEqual(Gzip.capacityHint(lying, limit: 1 << 33), 20 * Gzip.maxDeflateRatio)
    XCTAssertThrowsError(try Gzip.decompress(lying))
  }
}
