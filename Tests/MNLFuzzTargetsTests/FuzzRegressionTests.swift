import Foundation
import MNLTensor
import XCTest

@testable import MNLFuzzTargets

/// Replays every input that ever crashed a fuzz target (Tests/fuzz/corpus-regressions/<target>/)
/// through the same entry the fuzzer calls: a trap here fails the whole test process, as it
/// did under libFuzzer.
final class FuzzRegressionTests: XCTestCase {
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fuzz/corpus-regressions")

  /// The fuzz limits are process-wide; the other test targets share this process.
  override func tearDown() {
    ElementLimit.set(ElementLimit.standard)
    super.tearDown()
  }

  func inputs(of target: FuzzTarget) throws -> [URL] {
    let dir = Self.corpus.appendingPathComponent(target.rawValue)
    return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
      .filter { !$0.lastPathComponent.hasPrefix(".") }
      .sorted { $0.path < $1.path }
  }

  func replay(_ target: FuzzTarget) throws {
    target.prepare()
    let files = try inputs(of: target)
    XCTAssertFalse(files.isEmpty, "no regression inputs for \(target)")
    for file in files {
      target.run(Array(try Data(contentsOf: file)))
    }
  }

  func testLanguageRegressions() throws { try replay(.language) }
  func testFileReaderRegressions() throws { try replay(.files) }

  /// An endless loop ends at the time budget (the watchdog raises the Ctrl-C flag), so the
  /// fuzzer reports crashes rather than timeouts; runaway recursion hits the depth limit.
  func testRunawayProgramsStopWithAnError() throws {
    FuzzTarget.language.prepare()
    let loop = try XCTUnwrap(LanguageFuzzing.evaluate(Array("while true { x = 1 }".utf8)))
    XCTAssertTrue(loop.contains("interrupted"), loop)
    let recursion = try XCTUnwrap(LanguageFuzzing.evaluate(Array("fn f(n) { f(n + 1) }\nf(0)".utf8)))
    XCTAssertTrue(recursion.contains("stack depth exceeded (more than 300 nested calls)"), recursion)
  }

  /// Built-ins that reach outside the process are replaced, keeping their parameters.
  func testDisabledBuiltinsRefuseAndStillCheckArguments() throws {
    let refused = try XCTUnwrap(LanguageFuzzing.evaluate(Array("save(\"x.safetensors\", {})".utf8)))
    XCTAssertTrue(refused.contains("save() is disabled while fuzzing"), refused)
    let arity = try XCTUnwrap(LanguageFuzzing.evaluate(Array("input(1, 2, 3)".utf8)))
    XCTAssertTrue(arity.contains("input()"), arity)
  }

  /// Tensors are capped at 2^22 elements while fuzzing.
  func testElementCapWhileFuzzing() throws {
    FuzzTarget.language.prepare()
    let big = try XCTUnwrap(LanguageFuzzing.evaluate(Array("x = zeros([4096, 4096])".utf8)))
    XCTAssertTrue(big.contains("cannot allocate shape [4096, 4096]"), big)
    XCTAssertNil(LanguageFuzzing.evaluate(Array("x = zeros([1024, 1024])".utf8)))
  }

  func testDictionaryNamesKeywordsAndBuiltins() {
    let dictionary = FuzzTarget.languageDictionary().split(separator: "\n")
    for token in ["\"fn\"", "\"while\"", "\"zeros\"", "\"softmax\"", "\"//\""] {
      XCTAssertTrue(dictionary.contains(Substring(token)), token)
    }
  }
}
