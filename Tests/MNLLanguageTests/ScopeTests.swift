import XCTest

@testable import MNLLanguage

/// Reads of unassigned locals, `nonlocal` and `global`, seen through the interpreter's API.
final class ScopeTests: XCTestCase {
  final class Capture: @unchecked Sendable {
    var text = ""
  }

  func makeInterpreter() -> (Interpreter, Capture) {
    let capture = Capture()
    return (Interpreter(output: OutputSink { capture.text += $0 }), capture)
  }

  func testCertainReadBeforeAssignmentIsReportedBeforeRunning() {
    let (interp, out) = makeInterpreter()
    XCTAssertThrowsError(try interp.runScript(source: "print(1)\nfn f() {\n  y = x\n  x = 1\n}", path: "s.mnl")) { error in
      let d = error as? Diagnostic
      XCTAssertEqual(d?.message, "'x' is used before it is assigned in f")
      XCTAssertEqual(d?.location.line, 3)
      XCTAssertEqual(d?.location.column, 7)
    }
    XCTAssertEqual(out.text, "", "nothing runs when the check fails")
  }

  func testPossibleReadBeforeAssignmentFailsWhenItHappens() {
    let (interp, out) = makeInterpreter()
    let source = "fn f(c) { if c { x = 1 }\n x }\nprint(f(true))\nprint(f(false))"
    XCTAssertThrowsError(try interp.runScript(source: source, path: "s.mnl")) { error in
      let d = error as? Diagnostic
      XCTAssertEqual(d?.message, "'x' is used before it is assigned in f")
      XCTAssertEqual(d?.location.line, 2)
      XCTAssertEqual(d?.traceback.count, 1)
    }
    XCTAssertEqual(out.text, "1\n")
  }

  func testNoneIsAValueNotAnUnassignedVariable() throws {
    let (interp, _) = makeInterpreter()
    _ = try interp.evaluateCell(source: "fn f(a = none) { b = none\n [a, b] }", name: "c1")
    XCTAssertEqual(try interp.evaluateCell(source: "f()", name: "c2")?.display(), "[none, none]")
  }

  func testNonlocalStateAcrossReplCells() throws {
    let (interp, _) = makeInterpreter()
    _ = try interp.evaluateCell(source: "fn counter() { n = 0\n fn() { nonlocal n\n n += 1\n n } }", name: "c1")
    _ = try interp.evaluateCell(source: "c = counter()", name: "c2")
    _ = try interp.evaluateCell(source: "c()", name: "c3")
    XCTAssertEqual(try interp.evaluateCell(source: "c()", name: "c4")?.display(), "2")
  }

  func testGlobalDeclarationAssignsTheGlobal() throws {
    let (interp, out) = makeInterpreter()
    try interp.runScript(source: "fn f() { global g\n g = 2 }\nf()\nprint(g)", path: "s.mnl")
    XCTAssertEqual(out.text, "2\n")
    XCTAssertEqual(interp.global("g")?.display(), "2")
  }

  func testNonlocalWithoutEnclosingVariableIsAResolveError() {
    let (interp, _) = makeInterpreter()
    XCTAssertThrowsError(try interp.evaluateCell(source: "fn f() { fn g() { nonlocal q } }", name: "c1")) { error in
      XCTAssertEqual((error as? Diagnostic)?.message, "'nonlocal q': no enclosing function has a variable 'q'")
    }
  }

  func testCompilingAFailedCellLeavesNoGlobalBehind() throws {
    let (interp, _) = makeInterpreter()
    XCTAssertThrowsError(try interp.evaluateCell(source: "fn f() { global h\n h = 1 }\nfn k() { z\n z = 1 }", name: "c1"))
    XCTAssertNil(interp.global("h"))
  }
}
