import XCTest

@testable import MNLLanguage

final class LexerTests: XCTestCase {
  func kinds(_ source: String) throws -> [TokenKind] {
    try Lexer.tokenize(SourceFile(name: "t", text: source)).map(\.kind)
  }

  func lexError(_ source: String) -> Diagnostic? {
    do {
      _ = try Lexer.tokenize(SourceFile(name: "t", text: source))
      return nil
    } catch {
      return error as? Diagnostic
    }
  }

  func testNumbers() throws {
    XCTAssertEqual(try kinds("42 4.5 1e3 2.5e-3 1_000 0xff .5"), [
      .int(42), .float(4.5), .float(1000), .float(0.0025), .int(1000), .int(255), .float(0.5), .end,
    ])
  }

  func testRangeIsNotAFloat() throws {
    XCTAssertEqual(try kinds("0..n"), [.int(0), .symbol(.dotDot), .identifier("n"), .end])
  }

  func testIntegerLiteralTooLarge() {
    XCTAssertEqual(lexError("99999999999999999999")?.message.hasPrefix("integer literal is too large"), true)
  }

  func testTwoCharacterOperators() throws {
    XCTAssertEqual(try kinds("** // == != <= >= += -= *= /= .."), [
      .symbol(.starStar), .symbol(.slashSlash), .symbol(.equalEqual), .symbol(.bangEqual),
      .symbol(.lessEqual), .symbol(.greaterEqual), .symbol(.plusEqual), .symbol(.minusEqual),
      .symbol(.starEqual), .symbol(.slashEqual), .symbol(.dotDot), .end,
    ])
  }

  func testKeywordsAndIdentifiers() throws {
    XCTAssertEqual(try kinds("fn fnx none_ none"), [.keyword(.fn), .identifier("fnx"), .identifier("none_"), .keyword(.none), .end])
  }

  func testStringEscapes() throws {
    XCTAssertEqual(try kinds(#""a\n\t\"\\\u{48}" 'it\'s'"#), [.string("a\n\t\"\\H"), .string("it's"), .end])
  }

  func testUnterminatedStringIsAtEndOfInput() {
    let d = lexError("x = \"abc")
    XCTAssertEqual(d?.message, "unterminated string")
    XCTAssertEqual(d?.location.column, 5)
    XCTAssertEqual(d?.isAtEndOfInput, true)
  }

  func testStringCannotSpanLines() {
    let d = lexError("x = \"abc\ny\"")
    XCTAssertEqual(d?.message, "unterminated string")
    XCTAssertEqual(d?.isAtEndOfInput, false)
  }

  func testCommentsAndLineFlags() throws {
    let tokens = try Lexer.tokenize(SourceFile(name: "t", text: "a # comment\nb c"))
    XCTAssertEqual(tokens.map(\.kind), [.identifier("a"), .identifier("b"), .identifier("c"), .end])
    XCTAssertEqual(tokens.map(\.startsLine), [true, true, false, true])
  }

  func testInterpolatedString() throws {
    let k = try kinds(#"f"a{x:.2f}b{{c}}""#)
    guard case .interpolated(let pieces) = k[0] else { return XCTFail("not interpolated: \(k)") }
    XCTAssertEqual(pieces.count, 3)
    XCTAssertEqual(pieces[0], .text("a"))
    XCTAssertEqual(pieces[1], .expression(start: 4, end: 5, spec: ".2f", conversion: nil, label: nil))
    XCTAssertEqual(pieces[2], .text("b{c}"))
  }

  func testInterpolationColonInsideBrackets() throws {
    let k = try kinds(#"f"{xs[1:2]}""#)
    guard case .interpolated(let pieces) = k[0] else { return XCTFail() }
    XCTAssertEqual(pieces, [.expression(start: 3, end: 10, spec: nil, conversion: nil, label: nil)])
  }

  func testInterpolationConversionsAndSelfDocumentingFields() throws {
    // f"{x!r:>5}{y = }{a != b}{s['k:}']}"
    let k = try kinds(#"f"{x!r:>5}{y = }{a != b}{s['k:}']}""#)
    guard case .interpolated(let pieces) = k[0] else { return XCTFail("not interpolated: \(k)") }
    XCTAssertEqual(
      pieces,
      [
        .expression(start: 3, end: 4, spec: ">5", conversion: "r", label: nil),
        // `{y = }`: the text "y = " is shown, the expression is `y`, shown by its display form.
        .expression(start: 11, end: 13, spec: nil, conversion: "r", label: "y = "),
        .expression(start: 17, end: 23, spec: nil, conversion: nil, label: nil),
        .expression(start: 25, end: 33, spec: nil, conversion: nil, label: nil),
      ])
    XCTAssertEqual(lexError(#"f"{x!q}""#)?.message, "expected 'r' or 's' after '!' in an f-string field ({x!r} or {x!s}); use 'not' for negation")
  }

  func testUnexpectedCharacters() {
    XCTAssertEqual(lexError("a $ b")?.message, "unexpected character '$'")
    XCTAssertEqual(lexError("a && b")?.message, "unexpected character '&'; use 'and' / 'or'")
    XCTAssertEqual(lexError("a $ b")?.location.column, 3)
  }

  func testColumnsCountUnicodeScalars() {
    XCTAssertEqual(lexError("é = $")?.location.column, 5)
  }

  func testEndTokenSitsAfterLastToken() throws {
    let tokens = try Lexer.tokenize(SourceFile(name: "t", text: "x =\n\n  # c\n"))
    XCTAssertEqual(tokens.last?.offset, 3)
  }
}
