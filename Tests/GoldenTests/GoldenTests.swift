import Foundation
import XCTest

/// Runs every `Tests/scripts/**/*.mnl` through the built `mnl` executable and compares what it
/// does with the expectations written in the script (Crafting Interpreters style):
///
///     print(1 + 2)            # expect: 3
///     # expect: a line of stdout (in order; stdout must match these lines exactly)
///     # expect-error: 3:5: unknown name 'x'   (line:col and message of the first diagnostic)
///     # expect-error: unknown name 'x'        (or just a part of the first diagnostic line)
///     # expect-stderr: text                   (stderr contains this text somewhere)
///     # exit: 3                               (exit status; default 0, or 1 with expect-error)
///     # args: a b=2                           (command-line arguments after the script path)
///     # stdin: a line of standard input
///     # env: NAME=value
///     # run-stdin                             (run `mnl - ARGS` with this file on standard input)
///     # run-e: CODE                           (run `mnl -e CODE` instead of the file)
///
/// The script runs with the repository root as current directory and its relative path.
final class GoldenTests: XCTestCase {
  static let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The `mnl` built next to this test bundle (same configuration), else .build/debug|release.
  static func findExecutable() -> URL? {
    let fm = FileManager.default
    var candidates: [URL] = []
    for bundle in Bundle.allBundles + [Bundle.main] {
      let dir = bundle.bundleURL.deletingLastPathComponent()
      candidates.append(dir.appendingPathComponent("mnl"))
      candidates.append(bundle.bundleURL.appendingPathComponent("mnl"))
    }
    candidates.append(repoRoot.appendingPathComponent(".build/debug/mnl"))
    candidates.append(repoRoot.appendingPathComponent(".build/release/mnl"))
    return candidates.first { fm.isExecutableFile(atPath: $0.path) }
  }

  struct Expectations {
    var stdout: [String] = []
    var error: String?
    var stderrContains: [String] = []
    var exitStatus: Int32?
    var args: [String] = []
    var stdin: [String] = []
    var env: [String: String] = [:]
    var runStdin = false
    var runE: String?
    var source = ""
  }

  static func parse(_ source: String) -> Expectations {
    var e = Expectations()
    e.source = source
    func value(_ line: Substring, after marker: String) -> String? {
      guard let r = line.range(of: marker) else { return nil }
      return String(line[r.upperBound...])
    }
    for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
      if let v = value(line, after: "# expect: ") {
        e.stdout.append(v)
      } else if line.hasSuffix("# expect:") {
        e.stdout.append("")
      } else if let v = value(line, after: "# expect-error: ") {
        e.error = v
      } else if let v = value(line, after: "# expect-stderr: ") {
        e.stderrContains.append(v)
      } else if let v = value(line, after: "# exit: ") {
        e.exitStatus = Int32(v.trimmingCharacters(in: .whitespaces))
      } else if let v = value(line, after: "# args: ") {
        e.args = v.split(separator: " ").map(String.init)
      } else if let v = value(line, after: "# stdin: ") {
        e.stdin.append(v)
      } else if line.hasPrefix("# run-stdin") {
        e.runStdin = true
      } else if let v = value(line, after: "# run-e: ") {
        e.runE = v
      } else if let v = value(line, after: "# env: "), let eq = v.firstIndex(of: "=") {
        e.env[String(v[..<eq])] = String(v[v.index(after: eq)...])
      }
    }
    return e
  }

  struct Outcome {
    var stdout: String
    var stderr: String
    var status: Int32
  }

  static func run(_ exe: URL, script: String, _ e: Expectations) throws -> Outcome {
    let process = Process()
    process.executableURL = exe
    if let code = e.runE {
      process.arguments = ["-e", code]
    } else {
      process.arguments = [e.runStdin ? "-" : script] + e.args
    }
    process.currentDirectoryURL = repoRoot
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "MNL_PATH")
    for (k, v) in e.env { env[k] = v }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    let stdinText = e.runStdin ? e.source : e.stdin.map { $0 + "\n" }.joined()
    input.fileHandleForWriting.write(Data(stdinText.utf8))
    try input.fileHandleForWriting.close()
    // Read both pipes fully before waiting, so a chatty script cannot block on a full pipe.
    let errData = Locked(Data())
    let errReader = Thread { errData.value = err.fileHandleForReading.readDataToEndOfFile() }
    errReader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while errReader.isExecuting || !errReader.isFinished { usleep(1000) }
    return Outcome(
      stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData.value, as: UTF8.self),
      status: process.terminationStatus)
  }

  final class Locked<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
  }

  /// Problems with one script, empty when it passes.
  static func check(_ script: String, _ e: Expectations, _ o: Outcome) -> [String] {
    var problems: [String] = []
    var actual = o.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if actual.last == "" { actual.removeLast() }
    if actual != e.stdout {
      var diff = ["stdout differs (- expected, + actual):"]
      for i in 0..<max(actual.count, e.stdout.count) {
        let want = i < e.stdout.count ? e.stdout[i] : nil
        let got = i < actual.count ? actual[i] : nil
        if want == got {
          diff.append("  \(want ?? "")")
        } else {
          if let want { diff.append("- \(want)") }
          if let got { diff.append("+ \(got)") }
        }
      }
      problems.append(diff.joined(separator: "\n"))
    }
    let firstError = o.stderr.split(separator: "\n").first.map(String.init) ?? ""
    if let want = e.error {
      let located = want.range(of: #"^\d+:\d+: "#, options: .regularExpression) != nil
      let needle = located ? "\(script):\(want.replacingOccurrences(of: ": ", with: ": error: ", options: [], range: want.range(of: #"^\d+:\d+: "#, options: .regularExpression)))" : want
      if !firstError.contains(needle) {
        problems.append("first diagnostic line:\n  expected: \(needle)\n  actual:   \(firstError)")
      }
    } else if !o.stderr.isEmpty && e.stderrContains.isEmpty {
      problems.append("unexpected stderr:\n\(o.stderr)")
    }
    for text in e.stderrContains where !o.stderr.contains(text) {
      problems.append("stderr does not contain: \(text)\nstderr was:\n\(o.stderr)")
    }
    let wantStatus = e.exitStatus ?? (e.error == nil ? 0 : 1)
    if o.status != wantStatus { problems.append("exit status \(o.status), expected \(wantStatus)") }
    return problems
  }

  static func scripts() -> [String] {
    let root = repoRoot.appendingPathComponent("Tests/scripts")
    guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
    return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".mnl") && !$0.contains("/lib/") }
      .map { "Tests/scripts/" + $0 }.sorted()
  }

  /// Each ```mnl block of docs/language.md runs as a script of its own.
  func testDocumentationExamples() throws {
    guard let exe = Self.findExecutable() else { return XCTFail("cannot find the mnl executable") }
    let doc = try String(contentsOf: Self.repoRoot.appendingPathComponent("docs/language.md"), encoding: .utf8)
    var blocks: [String] = []
    var current: [String]?
    for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line == "```mnl" {
        current = []
      } else if current != nil, line == "```" {
        blocks.append((current ?? []).joined(separator: "\n") + "\n")
        current = nil
      } else {
        current?.append(String(line))
      }
    }
    XCTAssertGreaterThanOrEqual(blocks.count, 10)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-doc-examples-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (i, block) in blocks.enumerated() {
      let file = dir.appendingPathComponent("example\(i + 1).mnl")
      try block.write(to: file, atomically: true, encoding: .utf8)
      let e = Self.parse(block)
      let problems = Self.check(file.path, e, try Self.run(exe, script: file.path, e))
      if !problems.isEmpty {
        XCTFail("docs/language.md example \(i + 1):\n\(block)\n" + problems.joined(separator: "\n"))
      }
    }
  }

  func testAllScripts() throws {
    guard let exe = Self.findExecutable() else {
      XCTFail("cannot find the mnl executable (build it with `swift build`)")
      return
    }
    let scripts = Self.scripts()
    XCTAssertGreaterThanOrEqual(scripts.count, 150, "the suite should have at least 150 golden scripts")
    let failures = Locked([String: [String]]())
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: scripts.count) { i in
      let script = scripts[i]
      let problems: [String]
      do {
        let source = try String(contentsOf: Self.repoRoot.appendingPathComponent(script), encoding: .utf8)
        let e = Self.parse(source)
        problems = Self.check(script, e, try Self.run(exe, script: script, e))
      } catch {
        problems = ["could not run: \(error)"]
      }
      if !problems.isEmpty {
        lock.lock()
        failures.value[script] = problems
        lock.unlock()
      }
    }
    for (script, problems) in failures.value.sorted(by: { $0.key < $1.key }) {
      XCTFail("\(script):\n" + problems.joined(separator: "\n"))
    }
    print("golden scripts: \(scripts.count) run, \(scripts.count - failures.value.count) passed")
  }
}
