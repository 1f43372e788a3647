import XCTest

@testable import MNLLanguage

final class ParserTests: XCTestCase {
  func parse(_ source: String) throws -> [Stmt] {
    try Parser.parseProgram(SourceFile(name: "t", text: source))
  }

  func parseError(_ source: String) -> Diagnostic? {
    do {
      _ = try parse(source)
      return nil
    } catch {
      return error as? Diagnostic
    }
  }

  /// A compact rendering of an expression tree, for asserting structure.
  func show(_ e: Expr) -> String {
    switch e.kind {
    case .literal(let v): return v.display()
    case .name(let n): return n
    case .binary(let op, let a, let b): return "(\(show(a)) \(op.rawValue) \(show(b)))"
    case .unary(let op, let a): return "(\(op.rawValue)\(show(a)))"
    case .not(let a): return "(not \(show(a)))"
    case .and(let a, let b): return "(\(show(a)) and \(show(b)))"
    case .or(let a, let b): return "(\(show(a)) or \(show(b)))"
    case .range(let a, let b): return "(\(show(a))..\(show(b)))"
    case .call(let c, let args):
      return "\(show(c))(" + args.map { ($0.label.map { "\($0): " } ?? "") + show($0.value) }.joined(separator: ", ") + ")"
    case .member(let o, let n): return "\(show(o)).\(n)"
    case .index(let b, let items):
      let parts = items.map { item -> String in
        switch item {
        case .single(let x): return show(x)
        case .slice(let a, let b, let c):
          return [a, b, c].map { $0.map(show) ?? "" }.joined(separator: ":")
        }
      }
      return "\(show(b))[\(parts.joined(separator: ", "))]"
    case .list(let items): return "[" + items.map(show).joined(separator: ", ") + "]"
    case .record(let fields): return "{" + fields.map { "\($0.0): \(show($0.1))" }.joined(separator: ", ") + "}"
    case .ifElse: return "if"
    case .block: return "block"
    case .function: return "fn"
    case .comprehension: return "comprehension"
    case .interpolated: return "fstring"
    case .tryCatch(let t):
      return "try" + (t.handler == nil ? "" : " catch" + (t.variable.map { " " + $0 } ?? ""))
        + (t.cleanup == nil ? "" : " finally")
    }
  }

  func expr(_ source: String) throws -> String {
    let stmts = try parse(source)
    guard stmts.count == 1, case .expression(let e) = stmts[0].kind else { return "not one expression" }
    return show(e)
  }

  func testTryForms() throws {
    XCTAssertEqual(try expr("try { a } catch e { b }"), "try catch e")
    XCTAssertEqual(try expr("try { a }\ncatch { b }\nfinally { c }"), "try catch finally")
    XCTAssertEqual(try expr("try { a } finally { c }"), "try finally")
    XCTAssertEqual(try expr("try + 1"), "(try + 1)", "try is a name outside the construct")
    XCTAssertEqual(parseError("try { a }")?.message, "expected 'catch' or 'finally' after the 'try' block, found end of input")
    XCTAssertEqual(parseError("try { a }")?.isAtEndOfInput, true, "the REPL waits for the catch line")
    XCTAssertEqual(parseError("try { a } except e { b }")?.message, "write 'catch e { … }' instead of 'except'")
    XCTAssertEqual(parseError("try { a } catch if { b }")?.message, "expected a name for the error after 'catch', found keyword 'if'")
  }

  func testPrecedence() throws {
    XCTAssertEqual(try expr("1 + 2 * 3"), "(1 + (2 * 3))")
    XCTAssertEqual(try expr("a or b and not c"), "(a or (b and (not c)))")
    XCTAssertEqual(try expr("-2 ** 2"), "(-(2 ** 2))")
    XCTAssertEqual(try expr("2 ** 3 ** 2"), "(2 ** (3 ** 2))")
    XCTAssertEqual(try expr("x @ w + b"), "((x @ w) + b)")
    XCTAssertEqual(try expr("0..n - 1"), "(0..(n - 1))")
    XCTAssertEqual(try expr("a == b + 1"), "(a == (b + 1))")
    XCTAssertEqual(try expr("x not in xs"), "(not (x in xs))")
  }

  func testNegativeLiteralsFold() throws {
    XCTAssertEqual(try expr("-9223372036854775807"), "-9223372036854775807")
  }

  func testPostfix() throws {
    XCTAssertEqual(try expr("f(x, stddev: 0.1).w[0]"), "f(x, stddev: 0.1).w[0]")
    XCTAssertEqual(try expr("x[:, j]"), "x[::, j]")  // slices render as start:end:step
    XCTAssertEqual(try expr("x[a:b, ::2]"), "x[a:b:, ::2]")
    XCTAssertEqual(try expr("x[-1]"), "x[-1]")
  }

  func testLineBreaksEndStatementsOutsideBrackets() throws {
    XCTAssertEqual(try parse("x = 1\n-2").count, 2)
    XCTAssertEqual(try parse("x = (1\n-2)").count, 1)
    XCTAssertEqual(try parse("f\n(1)").count, 2)
    XCTAssertEqual(try parse("x = 1 +\n 2").count, 1)
  }

  func testRecordVersusBlock() throws {
    XCTAssertEqual(try expr("{a: 1, \"b c\": 2}"), "{a: 1, b c: 2}")
    XCTAssertEqual(try expr("{}"), "{}")
    XCTAssertEqual(try expr("{ x }"), "block")
  }

  func testAssignmentForms() throws {
    let stmts = try parse("a, b = b, a\nr.w = 1\nxs[i] += 2")
    guard case .assign(let targets, let value) = stmts[0].kind else { return XCTFail() }
    XCTAssertEqual(targets.count, 2)
    XCTAssertEqual(show(value), "[b, a]")
    guard case .assign = stmts[1].kind, case .compoundAssign(_, .add, _) = stmts[2].kind else { return XCTFail() }
  }

  func testElseIfChain() throws {
    let stmts = try parse("if a { 1 } else if b { 2 } else { 3 }")
    guard case .expression(let e) = stmts[0].kind, case .ifElse(_, _, let otherwise?) = e.kind,
      case .expression(let inner) = otherwise.statements[0].kind, case .ifElse(_, _, .some) = inner.kind
    else { return XCTFail("bad else-if shape") }
  }

  func testFunctionDeclarations() throws {
    let stmts = try parse("fn f(a, b = 2) { a + b }\ng = fn(x) { x }")
    guard case .function(let decl) = stmts[0].kind else { return XCTFail() }
    XCTAssertEqual(decl.name, "f")
    XCTAssertEqual(decl.parameters.map(\.name), ["a", "b"])
    XCTAssertNil(decl.parameters[0].defaultValue)
    XCTAssertNotNil(decl.parameters[1].defaultValue)
  }

  func testComprehension() throws {
    let stmts = try parse("[x * 2 for x in xs if x > 1]")
    guard case .expression(let e) = stmts[0].kind, case .comprehension(_, let clauses) = e.kind,
      clauses.count == 2, case .forIn(let vars, _) = clauses[0], case .filter = clauses[1]
    else {
      return XCTFail()
    }
    XCTAssertEqual(vars, ["x"])
  }

  func testComprehensionClausesNestLeftToRight() throws {
    let stmts = try parse("[x for row in m if row for x in row if x > 0 if x < 9]")
    guard case .expression(let e) = stmts[0].kind, case .comprehension(_, let clauses) = e.kind else {
      return XCTFail()
    }
    let kinds = clauses.map { clause -> String in
      switch clause {
      case .forIn(let vars, _): return "for " + vars.joined(separator: ",")
      case .filter: return "if"
      }
    }
    XCTAssertEqual(kinds, ["for row", "if", "for x", "if", "if"])
  }

  func testNonlocalAndGlobalAreKeywordsOnlyBeforeAName() throws {
    let stmts = try parse("fn f() { nonlocal a, b; global c }\nglobal = 1\nnonlocal + 1")
    guard case .function(let decl) = stmts[0].kind else { return XCTFail() }
    guard case .declare(.nonlocal, let names) = decl.body.statements[0].kind else { return XCTFail() }
    XCTAssertEqual(names, ["a", "b"])
    guard case .declare(.global, let globals) = decl.body.statements[1].kind else { return XCTFail() }
    XCTAssertEqual(globals, ["c"])
    guard case .assign = stmts[1].kind, case .expression = stmts[2].kind else { return XCTFail() }
  }

  func testErrorsSayWhatWasExpectedAndFound() {
    XCTAssertEqual(parseError("f(1 2)")?.message, "expected ',' or ')' after the arguments, found '2'")
    XCTAssertEqual(parseError("x = ]")?.message, "expected an expression, found ']'")
    XCTAssertEqual(parseError("fn (a) {}")?.message, nil)
    XCTAssertEqual(parseError("fn f(1) {}")?.message, "expected a parameter name, found '1'")
    XCTAssertEqual(parseError("for x of xs {}")?.message, "expected 'in' after the loop variable, found 'of'")
    XCTAssertEqual(parseError("use nn")?.message, "expected a module name in quotes after 'use', found 'nn'")
    XCTAssertEqual(parseError("fn f(a = 1, b) {}")?.message, "parameter 'b' needs a default value because the one before it has one")
  }

  func testErrorLocations() {
    let d = parseError("x = 1\ny = (2 +\n")
    XCTAssertEqual(d?.location.line, 2)
    XCTAssertEqual(d?.location.column, 9)
    XCTAssertEqual(d?.isAtEndOfInput, true)
  }

  func testNestingLimit() {
    let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
    XCTAssertEqual(parseError(deep)?.message, "code is nested too deeply")
  }

  func testInputCompleteness() {
    XCTAssertTrue(isInputComplete("x = 1"))
    XCTAssertFalse(isInputComplete("fn f() {"))
    XCTAssertFalse(isInputComplete("xs = [1,"))
    XCTAssertFalse(isInputComplete("s = \"abc"))
    XCTAssertFalse(isInputComplete("x = 1 +"))
    XCTAssertTrue(isInputComplete("x = )"))
    XCTAssertTrue(isInputComplete(""))
  }

  func testRenderedDiagnostic() {
    let d = parseError("x = 1\nprint(1 +* 2)")
    XCTAssertEqual(d?.rendered, """
      t:2:10: error: expected an expression, found '*'
      print(1 +* 2)
               ^
      """)
  }
}
