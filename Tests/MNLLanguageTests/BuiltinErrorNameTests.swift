import XCTest

@testable import MNLLanguage

/// Error messages of built-ins speak mnl: they name the built-in the script called by its mnl name
/// (one_hot, sparse_softmax_cross_entropy …), never the Swift function behind it (oneHot …).
final class BuiltinErrorNameTests: XCTestCase {
  /// Failing calls, each with the mnl name its message must contain.
  static let failingCalls: [(call: String, name: String)] = [
    ("one_hot(tensor([1]), 0)", "one_hot"),
    ("one_hot(tensor([5]), 3)", "one_hot"),
    ("sparse_softmax_cross_entropy(tensor([[1.0]]), tensor([5]))", "sparse_softmax_cross_entropy"),
    ("sparse_softmax_cross_entropy(tensor([1.0]), tensor([0]))", "sparse_softmax_cross_entropy"),
    ("log_softmax(tensor(1.0))", "log_softmax"),
    ("log_softmax(tensor([1.0]), 3)", "log_softmax"),
    ("softmax(tensor(1.0))", "softmax"),
    ("expand_dims(tensor([1.0]), 5)", "expand_dims"),
    ("random_uniform([2], 1.0, 0.0)", "random_uniform"),
    ("concat([tensor(1.0)])", "concat"),
    ("stack([])", "stack"),
    ("take(tensor(1.0), tensor([0]))", "take"),
    ("transpose(tensor([[1.0]]), [0, 0])", "transpose"),
    ("broadcast_to(tensor([1.0, 2]), [3])", "broadcast_to"),
    ("matmul(tensor([1.0, 2]), tensor([1.0, 2, 3]))", "matmul"),
    ("linear(tensor([[1.0, 2]]), tensor([[1.0, 2, 3]]), tensor([1.0]))", "linear"),
    ("where(tensor([true]), tensor([1.0, 2]), tensor([1.0, 2, 3]))", "where"),
    ("arange(0, 1, 0)", "arange"),
    ("argmax(tensor([]))", "argmax"),
    ("sum(tensor([1.0]), 3)", "sum"),
    ("zeros([-1])", "zeros"),
    ("full([-1], 1.0)", "full"),
    ("sgd_update([tensor([1.0])], [tensor([1.0, 2])], 0.1)", "sgd_update"),
    ("ema_update([tensor([1.0])], [tensor([1.0, 2])], 0.9)", "ema_update"),
    ("load_idx(\"no_such_file.idx\")", "load_idx"),
    ("prepare_digit(tensor([1.0]))", "prepare_digit"),
  ]

  /// Swift names of the functions behind those built-ins (and internal helpers whose names used
  /// to appear in messages).
  static let swiftNames = [
    "oneHot", "sparseSoftmaxCrossEntropy", "logSoftmax", "expandDims", "randomUniform", "randomNormal",
    "truncatedNormal", "broadcastTo", "addScaled", "movingAverage", "reluGradient", "sumToShape",
    "normalizeAxis", "labelIndices", "alongAxis", "argExtremum", "sgdUpdate", "emaUpdate", "loadIDX",
    "prepareDigit",
  ]

  func testBuiltinErrorsUseMnlNames() throws {
    for (call, name) in Self.failingCalls {
      let interpreter = Interpreter(output: OutputSink { _ in })
      do {
        _ = try interpreter.evaluateCell(source: call, name: "cell")
        XCTFail("\(call) should fail")
      } catch let d as Diagnostic {
        let message = d.message
        XCTAssertTrue(Self.words(message).contains(name), "\(call): '\(message)' does not name \(name)")
        for swift in Self.swiftNames {
          XCTAssertFalse(message.contains(swift), "\(call): '\(message)' names the Swift function \(swift)")
        }
        let camelCase = Self.words(message).filter(Self.isCamelCase)
        XCTAssertEqual(camelCase, [], "\(call): '\(message)' has Swift-style names")
        XCTAssertFalse(message.contains("..<"), "\(call): '\(message)' uses Swift range syntax")
        XCTAssertEqual(d.location.line, 1, call)
      }
    }
  }

  func testLibraryErrorsGetTheBuiltinsNameInFront() throws {
    let interpreter = Interpreter(output: OutputSink { _ in })
    XCTAssertThrowsError(try interpreter.evaluateCell(source: "x = 1\nzeros([2, -1])", name: "cell")) { error in
      XCTAssertEqual((error as? Diagnostic)?.message, "zeros(): negative dimension in shape [2, -1]")
      XCTAssertEqual((error as? Diagnostic)?.location.line, 2)
    }
    // A message that already names the built-in is left as it is.
    XCTAssertThrowsError(try interpreter.evaluateCell(source: "one_hot(tensor([1]), 0)", name: "cell")) { error in
      XCTAssertEqual((error as? Diagnostic)?.message, "one_hot needs a positive depth, got 0")
    }
  }

  func testScriptErrorsOfBuiltinsKeepTheirMessage() {
    let file = SourceFile(name: "f.mnl", text: "x")
    XCTAssertEqual(Diagnostic.wrap(ScriptError("plain"), fromBuiltin: "zeros", at: SourceLocation(file: file, offset: 0)).message, "plain")
  }

  static func words(_ text: String) -> [String] {
    text.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
  }

  /// "oneHot": a lower-case start with an upper-case letter later (mnl names are snake_case).
  static func isCamelCase(_ word: String) -> Bool {
    guard let first = word.first, first.isLowercase else { return false }
    return word.contains { $0.isUppercase }
  }
}
