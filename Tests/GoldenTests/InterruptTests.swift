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
    // Each program writes a marker file once it runs (stdout to a pipe is buffered, so a printed
    // line would not show); the test waits for it, so the signal never arrives before the
    // script's handler is installed, however loaded the machine.
    let marker = dir.appendingPathComponent("started.safetensors").path
    let started = "save(\"\(marker)\", {m: tensor([1.0])})"
    try "i = 0\n\(started)\nwhile true {\n  i = i + 1\n}\n".write(toFile: script, atomically: true, encoding: .utf8)

    let products = "x = ones([300, 300])\n\(started)\nwhile true { x = x @ x * 0.001 }"
    // try/catch never catches Ctrl-C: a script that did would exit 0 here, not 130.
    let guarded = "\(started)\ni = 0\ntry { while true { i = i + 1 } } catch e { exit(0) } finally { i = 0 }"
    for arguments in [[script], ["-e", products], ["-e", guarded]] {
      let process = Process()
      process.executableURL = mnl
      process.arguments = arguments
      let out = Pipe()
      let err = Pipe()
      process.standardOutput = out
      process.standardError = err
      try? FileManager.default.removeItem(atPath: marker)
      try process.run()
      let deadline = Date().addingTimeInterval(60)
      while !FileManager.default.fileExists(atPath: marker) && process.isRunning && Date() < deadline {
        usleep(10_000)
      }
      guard FileManager.default.fileExists(atPath: marker) else {
        process.terminate()
        XCTFail("\(arguments): the program never started its loop")
        continue
      }
      usleep(200_000)  // now inside the loop
      process.interrupt()  // SIGINT
      let stopBy = Date().addingTimeInterval(30)
      while process.isRunning && Date() < stopBy { usleep(10_000) }
      if process.isRunning {
        kill(process.processIdentifier, SIGKILL)  // never hang the suite
        XCTFail("\(arguments): still running 30 s after SIGINT")
      }
      let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      XCTAssertEqual(process.terminationReason, .exit, "\(arguments): killed instead of stopping")
      XCTAssertEqual(process.terminationStatus, 130, "\(arguments): \(stderr)")
      XCTAssertTrue(stderr.contains("interrupted"), stderr)
      if arguments.count == 1 {
        XCTAssertTrue(stderr.contains("forever.mnl:"), stderr)
        XCTAssertTrue(stderr.contains("i = i + 1") || stderr.contains("while true"), stderr)
      }
    }
  }
}
