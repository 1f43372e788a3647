import Foundation
import MNLInterrupt
import XCTest

@testable import MNLLanguage

/// Random and truncated programs must produce values or diagnostics, never a trap.
final class FuzzTests: XCTestCase {
  typealias Rng = FuzzRandom

  static let fragments = [
    "x", "y", "f", "xs", "r", "1", "0", "-1", "2.5", "9223372036854775807", "\"s\"", "f\"{x}\"", "none", "true",
    "+", "-", "*", "/", "//", "%", "**", "@", "==", "<", "and", "or", "not", "in", "..", "=", "+=", ",", ":", ";",
    "(", ")", "[", "]", "{", "}", ".", "\n", "fn", "if", "else", "while", "for", "return", "break", "continue",
    "print", "len", "range", "xs[0]", "r.w", "{w: 1}", "[1, 2]", "fn(a) { a }", "\"", "'", "#", "\\", "$", "é",
  ]

  /// Runs source with a watchdog that interrupts runaway loops.
  func survive(_ source: String, _ interp: Interpreter) {
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      if done.wait(timeout: .now() + 0.5) == .timedOut { Interrupt.request() }
    }
    _ = try? interp.evaluateCell(source: source, name: "fuzz")
    done.signal()
    Interrupt.clear()
  }

  func testRandomTokenSoup() {
    var rng = Rng(state: 0x9E37_79B9_7F4A_7C15)
    let interp = Interpreter(output: OutputSink { _ in })
    interp.maxCallDepth = 2000
    _ = try? interp.evaluateCell(source: "x = 1\ny = 2.5\nxs = [1, 2]\nr = {w: 1}\nfn f(a) { a }", name: "setup")
    for _ in 0..<3000 {
      let n = 1 + rng.below(14)
      let source = (0..<n).map { _ in Self.fragments[rng.below(Self.fragments.count)] }.joined(separator: " ")
      survive(source, interp)
    }
  }

  func testRandomBytes() {
    var rng = Rng(state: 12345)
    let interp = Interpreter(output: OutputSink { _ in })
    for _ in 0..<1000 {
      let bytes = (0..<rng.below(40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      survive(String(decoding: bytes, as: UTF8.self), interp)
    }
  }

  /// Every prefix of every golden script (parse + compile, and running the complete ones).
  func testTruncatedGoldenScripts() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("scripts")
    guard let walker = FileManager.default.enumerator(atPath: root.path) else { return XCTFail("no scripts") }
    var count = 0
    for case let path as String in walker where path.hasSuffix(".mnl") && !path.contains("exit") {
      let source = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
      let scalars = Array(source.unicodeScalars)
      let step = max(1, scalars.count / 25)
      for cut in stride(from: 0, to: scalars.count, by: step) {
        var prefix = String.UnicodeScalarView()
        prefix.append(contentsOf: scalars[..<cut])
        let file = SourceFile(name: path, text: String(prefix))
        if let stmts = try? Parser.parseProgram(file) {
          let interp = Interpreter(output: OutputSink { _ in })
          _ = try? Compiler(runtime: interp.runtime, file: file, checksNamesStatically: true).compileProgram(stmts)
          // Run it too, unless it reads stdin, exits or loads modules relative to its path.
          if !source.contains("input(") && !source.contains("exit(") && !source.contains("use ") {
            interp.maxCallDepth = 2000
            survive(String(prefix), interp)
          }
        }
        count += 1
      }
    }
    XCTAssertGreaterThan(count, 1000)
  }
}
