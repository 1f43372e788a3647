import MNLInterrupt
import XCTest

@testable import MNLLanguage

final class InterpreterTests: XCTestCase {
  /// An interpreter whose printed text is collected in `printed`.
  final class Capture: @unchecked Sendable {
    var text = ""
  }

  func makeInterpreter(_ args: [String] = []) -> (Interpreter, Capture) {
    let capture = Capture()
    let interpreter = Interpreter(arguments: args, output: OutputSink { capture.text += $0 })
    return (interpreter, capture)
  }

  func testEvaluateCellReturnsLastExpression() throws {
    let (interp, _) = makeInterpreter()
    XCTAssertEqual(try interp.evaluateCell(source: "1 + 2 * 3", name: "c1")?.display(), "7")
    XCTAssertNil(try interp.evaluateCell(source: "x = 5", name: "c2"))
    XCTAssertNil(try interp.evaluateCell(source: "print(1)", name: "c3"))
    XCTAssertEqual(try interp.evaluateCell(source: "x * 2", name: "c4")?.display(), "10")
    XCTAssertEqual(try interp.evaluateCell(source: "\"s\"", name: "c5")?.display(), "\"s\"")
  }

  func testGlobalsSurviveAFailingCell() throws {
    let (interp, _) = makeInterpreter()
    _ = try interp.evaluateCell(source: "a = 1", name: "c1")
    XCTAssertThrowsError(try interp.evaluateCell(source: "a = 2\nb = 3\nc = [][1]\nd = 4", name: "c2"))
    XCTAssertEqual(interp.global("a")?.display(), "2")
    XCTAssertEqual(interp.global("b")?.display(), "3")
    XCTAssertNil(interp.global("d"))
    XCTAssertEqual(try interp.evaluateCell(source: "a + b", name: "c3")?.display(), "5")
  }

  func testCellsMayReferToLaterDefinitions() throws {
    let (interp, _) = makeInterpreter()
    _ = try interp.evaluateCell(source: "fn f() { g() + 1 }", name: "c1")
    XCTAssertThrowsError(try interp.evaluateCell(source: "f()", name: "c2")) { error in
      XCTAssertEqual((error as? Diagnostic)?.message, "unknown name 'g'")
    }
    _ = try interp.evaluateCell(source: "fn g() { 41 }", name: "c3")
    XCTAssertEqual(try interp.evaluateCell(source: "f()", name: "c4")?.display(), "42")
  }

  func testPrintGoesToTheSink() throws {
    let (interp, capture) = makeInterpreter()
    try interp.runScript(source: "print(\"a\", 1)\nprint([1.5])", path: "s.mnl")
    XCTAssertEqual(capture.text, "a 1\n[1.5]\n")
  }

  func testGlobalsAPI() throws {
    let (interp, _) = makeInterpreter(["x=1"])
    interp.setGlobal("injected", .int(7))
    XCTAssertEqual(try interp.evaluateCell(source: "injected + 1", name: "c")?.display(), "8")
    XCTAssertTrue(interp.globalNames.contains("print"))
    XCTAssertTrue(interp.globalNames.contains("injected"))
    XCTAssertEqual(interp.global("args")?.display(), "[\"x=1\"]")
  }

  func testBuiltinDoc() {
    let (interp, _) = makeInterpreter()
    let doc = interp.builtinDoc("print")
    XCTAssertEqual(doc?.signature, "print(..., sep = \" \", end = \"\\n\")")
    XCTAssertEqual(interp.builtinDoc("len")?.signature, "len(x)")
    XCTAssertNil(interp.builtinDoc("no_such_builtin"))
  }

  func testRegisterBuiltinAndCallBack() throws {
    let (interp, _) = makeInterpreter()
    interp.register(
      BuiltinFunction("apply_twice", [.init("f"), .init("x")], doc: "f(f(x))") { ctx in
        let once = try ctx.interpreter.call(ctx[0], [ctx[1]])
        return try ctx.interpreter.call(ctx[0], [once])
      })
    XCTAssertEqual(try interp.evaluateCell(source: "apply_twice(fn(v) { v * 3 }, 2)", name: "c")?.display(), "18")
  }

  func testTypeNamesAndDisplay() {
    XCTAssertEqual(Value.float(1).display(), "1.0")
    XCTAssertEqual(Value.list([.string("a"), .none]).display(), "[\"a\", none]")
    XCTAssertEqual(Value.record([("w", .int(1)), ("two words", .bool(true))]).display(), "{w: 1, \"two words\": true}")
    XCTAssertEqual(Value.string("a\nb").display(), "\"a\\nb\"")
    XCTAssertEqual(Value.string("a").text, "a")
    XCTAssertEqual(Value.int(1).typeName, "int")
  }

  func testInterruptStopsALoop() throws {
    let (interp, _) = makeInterpreter()
    Interrupt.request()
    defer { Interrupt.clear() }
    XCTAssertThrowsError(try interp.evaluateCell(source: "while true { }", name: "c")) { error in
      XCTAssertEqual((error as? Diagnostic)?.message, "interrupted")
    }
  }

  func testDeepRecursionAndDepthLimit() throws {
    let (interp, _) = makeInterpreter()
    _ = try interp.evaluateCell(source: "fn d(n) { if n == 0 { 0 } else { 1 + d(n - 1) } }", name: "c1")
    XCTAssertEqual(try interp.evaluateCell(source: "d(10000)", name: "c2")?.display(), "10000")
    XCTAssertThrowsError(try interp.evaluateCell(source: "d(1000000)", name: "c3")) { error in
      XCTAssertEqual((error as? Diagnostic)?.message.hasPrefix("stack depth exceeded"), true)
    }
    // The interpreter is still usable afterwards.
    XCTAssertEqual(try interp.evaluateCell(source: "d(3)", name: "c4")?.display(), "3")
  }

  func testExitRequest() {
    let (interp, _) = makeInterpreter()
    XCTAssertThrowsError(try interp.runScript(source: "exit(4)", path: "s")) { error in
      XCTAssertEqual((error as? ExitRequest)?.status, 4)
    }
  }

  /// A host object with a field, and an extension giving it `+` and `len`.
  final class Counter: MNLObject {
    var typeName: String { "counter" }
    var n = 3
    func field(_ name: String) throws -> Value? { name == "count" ? .int(n) : nil }
    var fieldNames: [String] { ["count"] }
  }

  struct CounterOps: ValueExtension {
    func binary(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws -> Value? {
      guard op == .add, case .object(let o as Counter) = lhs, case .int(let k) = rhs else { return nil }
      return .int(o.n + k)
    }
    func length(of value: Value) throws -> Int? {
      guard case .object(let o as Counter) = value else { return nil }
      return o.n
    }
  }

  func testValueExtensionHook() throws {
    ValueExtensions.install(CounterOps())
    let (interp, _) = makeInterpreter()
    interp.setGlobal("c", .object(Counter()))
    XCTAssertEqual(try interp.evaluateCell(source: "c + 4", name: "c1")?.display(), "7")
    XCTAssertEqual(try interp.evaluateCell(source: "len(c)", name: "c2")?.display(), "3")
    XCTAssertEqual(try interp.evaluateCell(source: "c.count", name: "c3")?.display(), "3")
    XCTAssertEqual(try interp.evaluateCell(source: "type(c)", name: "c4")?.display(), "\"counter\"")
    XCTAssertThrowsError(try interp.evaluateCell(source: "c * 2", name: "c5")) { error in
      XCTAssertEqual((error as? Diagnostic)?.message, "unsupported operand types for *: counter and int")
    }
    XCTAssertThrowsError(try interp.evaluateCell(source: "c.cont", name: "c6")) { error in
      XCTAssertEqual((error as? Diagnostic)?.message, "counter has no field 'cont'; did you mean 'count'?")
    }
  }

  func testSuggestions() {
    XCTAssertEqual(Suggestions.closest(to: "reluu", in: ["relu", "softmax"]), "relu")
    XCTAssertEqual(Suggestions.closest(to: "lenght", in: ["len", "length"]), "length")
    XCTAssertNil(Suggestions.closest(to: "x", in: ["y"]))
    XCTAssertNil(Suggestions.closest(to: "completely", in: ["different"]))
  }
}
