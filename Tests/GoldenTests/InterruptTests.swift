import Foundation
import XCTest

/// Ctrl-C (SIGINT) ends a running script with "interrupted" at the line it was running and exit
/// status 130, the status shells expect from a process stopped by SIGINT.
final class InterruptTests: XCTestCase {
  func testSIGINTEndsAnEndlessLoopWithStatus130AndTheLine() throws {
    let mnl = try XCTUnwrap(GoldenTests.findExecutable(), "mnl executable not built")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-interrupt-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let script = dir.appendingPathComponent("forever.mnl").path
    try "i = 0\nprint(\"started\")\nwhile true {\n  i = i + 1\n}\n".write(toFile: script, atomically: true, encoding: .utf8)

    for arguments in [[script], ["-e", "x = ones([300, 300])\nwhile true { x = x @ x * 0.001 }"]] {
      let process = Process()
      process.executableURL = mnl
      process.arguments = arguments
      let out = Pipe()
      let err = Pipe()
      process.standardOutput = out
      process.standardError = err
      try process.run()
      usleep(700_000)  // let it get into the loop
      process.interrupt()  // SIGINT
      let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      XCTAssertEqual(process.terminationReason, .exit, "\(arguments): killed instead of stopping")
      XCTAssertEqual(process.terminationStatus, 130, "\(arguments): \(stderr)")
      XCTAssertTrue(stderr.contains("interrupted"), stderr)
      if arguments.count == 1 {
        XCTAssertTrue(stderr.contains("forever.mnl:") && stderr.contains("i = i + 1") || stderr.contains("while true"), stderr)
      }
    }
  }
}
