import Foundation
import XCTest

/// Checkpoints survive a crash: an `mnl` process killed (SIGKILL, no chance to clean up) at
/// random moments while it saves a large checkpoint never leaves a damaged file behind — the
/// previous checkpoint stays complete and loadable — and the temporary files of killed saves do
/// not pile up (the next save removes them).
final class CrashSafetyTests: XCTestCase {
  func testKillingASaveKeepsThePreviousCheckpoint() throws {
    let mnl = try XCTUnwrap(GoldenTests.findExecutable(), "mnl executable not built")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-crash-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let checkpoint = dir.appendingPathComponent("model.safetensors").path
    // 2000×2000 floats: 16 MB, long enough to be caught mid-write.
    func save(_ value: Int) -> String {
      "save(\"\(checkpoint)\", {w: full([2000, 2000], \(value).0), step: tensor([\(value).0])})"
    }
    XCTAssertEqual(try run(mnl, ["-e", save(0)]).status, 0)

    var generator = SystemRandomNumberGenerator()
    var saved: Set<Int> = [0]
    var killedMidway = 0
    for attempt in 1...16 {
      let process = Process()
      process.executableURL = mnl
      process.arguments = ["-e", save(attempt)]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(UInt32.random(in: 20_000...250_000, using: &generator))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      if process.terminationReason == .exit && process.terminationStatus == 0 {
        saved.insert(attempt)
      } else {
        killedMidway += 1
      }
      // Whatever happened, the file is one complete checkpoint: w is uniformly the saved step.
      let check = try run(
        mnl, ["-e", "c = load(\"\(checkpoint)\"); print(int(c.step[0]), int(min(c.w)), int(max(c.w)))"])
      XCTAssertEqual(check.status, 0, "attempt \(attempt): \(check.output)")
      let numbers = check.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
      XCTAssertEqual(numbers.count, 3, check.output)
      if numbers.count == 3 {
        XCTAssertEqual(Set(numbers).count, 1, "attempt \(attempt): a mixed checkpoint \(numbers)")
        XCTAssertTrue(saved.contains(numbers[0]) || numbers[0] == attempt, "attempt \(attempt): \(numbers)")
        if numbers[0] == attempt { saved.insert(attempt) }
      }
    }
    print("crash safety: \(killedMidway) of 16 saves killed midway; the checkpoint stayed loadable every time")

    // A save that completes clears the temporaries that killed saves left.
    XCTAssertEqual(try run(mnl, ["-e", save(99)]).status, 0)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
    XCTAssertEqual(leftovers, [], "temporary files piled up")
  }

  private func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
