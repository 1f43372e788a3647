import Foundation
import XCTest

@testable import MNLData

/// Paths and helpers shared by the data tests.
enum TestSupport {
  /// A test that needs something the machine lacks (a tool, a data set) is skipped on a
  /// developer's machine, but fails in CI, where scripts/setup must have installed it.
  static func missingPrerequisite(_ reason: String) -> any Error {
    if ProcessInfo.processInfo.environment["CI"] != nil { return PrerequisiteMissingInCI(reason: reason) }
    return XCTSkip(reason)
  }

  struct PrerequisiteMissingInCI: Error, CustomStringConvertible {
    let reason: String
    var description: String { "CI lacks a test prerequisite: \(reason)" }
  }

  /// The repository root, found from this file's location (Tests/MNLDataTests/…).
  static let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  static let fixtures = repoRoot + "/Tests/fixtures/data"

  /// ../shared/data/mnist relative to the repository root.
  static let mnistDirectory = URL(fileURLWithPath: repoRoot + "/../shared/data/mnist").standardized.path

  static let fashionDirectory = "/usr/share/datasets/fashion-mnist"

  /// A fresh empty directory, removed when the test ends.
  static func temporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "mnl-data-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
  }

  /// The full path of an executable on PATH, if any.
  static func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// ImageMagick's `convert`, skipping stand-ins of that name that are not ImageMagick (some
  /// machines put one ahead of /usr/bin on PATH).
  static func imageMagickConvert() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") + ["/usr/bin"] {
      let candidate = "\(dir)/convert"
      guard FileManager.default.isExecutableFile(atPath: candidate),
        let version = try? run(candidate, ["-version"]), version.output.hasPrefix("Version: ImageMagick")
      else { continue }
      return candidate
    }
    return nil
  }

  struct ProcessResult {
    let status: Int32
    /// Standard output and standard error together.
    let output: String
  }

  /// Runs a program and collects its output (stdout and stderr through one pipe, so a chatty
  /// child cannot block on a second, unread pipe).
  static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws
    -> ProcessResult
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
  }

  static func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  /// Asserts that `body` throws an error whose description contains every fragment.
  static func assertDataError(
    _ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
  ) {
    do {
      try body()
      XCTFail("expected an error containing \(fragments)", file: file, line: line)
    } catch {
      let text = "\(error)"
      for fragment in fragments where !text.contains(fragment) {
        XCTFail("error '\(text)' does not contain '\(fragment)'", file: file, line: line)
      }
    }
  }
}

/// A deterministic generator (SplitMix64) for reproducible shuffles in tests.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
