import Foundation
import XCTest

@testable import MNLData

final class AtomicFileTests: XCTestCase {
  func testWritesAndReplacesLeavingNoTemporaryFiles() throws {
    let dir = try TestSupport.temporaryDirectory(self)
    let path = dir + "/out.bin"
    try AtomicFile.write([1, 2, 3], to: path)
    XCTAssertEqual(try FileIO.readAll(path), [1, 2, 3])
    try AtomicFile.write(Array(repeating: 9, count: 100_000), to: path)
    XCTAssertEqual(try FileIO.readAll(path).count, 100_000)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.bin"])
    // Permissions like any new file (0666 less the umask), not mkstemp's private 0600.
    let mask = umask(0)
    umask(mask)
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    XCTAssertEqual(mode, 0o666 & ~Int(mask))
  }

  func testRelativePathAndFailures() throws {
    let dir = try TestSupport.temporaryDirectory(self)
    XCTAssertEqual(AtomicFile.directoryOf("name"), ".")
    XCTAssertEqual(AtomicFile.directoryOf("/name"), "/")
    XCTAssertEqual(AtomicFile.directoryOf("a/b/c"), "a/b")
    // The destination is a directory: rename fails, the temporary file is removed.
    try FileManager.default.createDirectory(atPath: dir + "/sub/inner", withIntermediateDirectories: true)
    TestSupport.assertDataError([dir + "/sub", "cannot rename"]) { try AtomicFile.write([1], to: dir + "/sub") }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["sub"])
  }
}
