/// Turns source text into tokens. Works on a scalar range of a `SourceFile`, so the
/// expressions inside f-strings are lexed in place with their true locations.
struct Lexer {
  let file: SourceFile
  private let s: [Unicode.Scalar]
  private var i: Int
  private let end: Int
  private var sawNewline = true
  /// Where the last token ended: end-of-input errors point just after it.
  private var lastTokenEnd: Int

  init(file: SourceFile, start: Int = 0, end: Int? = nil) {
    self.file = file
    self.s = file.scalars
    self.i = start
    self.end = min(end ?? file.scalars.count, file.scalars.count)
    self.lastTokenEnd = start
  }

  /// All tokens, ending with `.end`.
  static func tokenize(_ file: SourceFile, start: Int = 0, end: Int? = nil) throws -> [Token] {
    var lexer = Lexer(file: file, start: start, end: end)
    var tokens: [Token] = []
    while true {
      let t = try lexer.next()
      tokens.append(t)
      if t.kind == .end { return tokens }
    }
  }

  private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    let j = i + ahead
    return j < end ? s[j] : nil
  }

  private func error(_ message: String, at offset: Int, atEnd: Bool = false) -> Diagnostic {
    var d = Diagnostic(message, at: SourceLocation(file: file, offset: offset))
    d.isAtEndOfInput = atEnd
    return d
  }

  mutating func next() throws -> Token {
    skipTrivia()
    let newline = sawNewline
    sawNewline = false
    let start = i
    guard let c = peek() else { return Token(kind: .end, offset: lastTokenEnd, startsLine: true) }
    let kind: TokenKind
    if c == "f", peek(1) == "\"" || peek(1) == "'" {
      i += 1
      kind = try lexInterpolated(quote: s[i])
    } else if isIdentifierStart(c) {
      kind = lexWord()
    } else if ("0"..."9").contains(c) {
      kind = try lexNumber()
    } else if c == "\"" || c == "'" {
      kind = .string(try lexString(quote: c))
    } else if c == ".", let d = peek(1), ("0"..."9").contains(d) {
      kind = try lexNumber()
    } else {
      kind = .symbol(try lexSymbol())
    }
    lastTokenEnd = i
    return Token(kind: kind, offset: start, startsLine: newline)
  }

  private mutating func skipTrivia() {
    while let c = peek() {
      if c == "\n" {
        sawNewline = true
        i += 1
      } else if c == " " || c == "\t" || c == "\r" {
        i += 1
      } else if c == "#" {
        while let d = peek(), d != "\n" { i += 1 }
      } else {
        return
      }
    }
  }

  private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
    c == "_" || c.properties.isAlphabetic
  }

  private func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
    isIdentifierStart(c) || ("0"..."9").contains(c)
  }

  private mutating func lexWord() -> TokenKind {
    var word = String.UnicodeScalarView()
    while let c = peek(), isIdentifierPart(c) {
      word.append(c)
      i += 1
    }
    let text = String(word)
    if let k = Keyword(rawValue: text) { return .keyword(k) }
    return .identifier(text)
  }

  private mutating func lexNumber() throws -> TokenKind {
    let start = i
    var digits = ""
    var isFloat = false
    func takeDigits(_ lexer: inout Lexer) {
      while let c = lexer.peek(), ("0"..."9").contains(c) || c == "_" {
        if c != "_" { digits.unicodeScalars.append(c) }
        lexer.i += 1
      }
    }
    if peek() == "0", let x = peek(1), x == "x" || x == "X" {
      i += 2
      var hex = ""
      while let c = peek(), c.properties.isASCIIHexDigit || c == "_" {
        if c != "_" { hex.unicodeScalars.append(c) }
        i += 1
      }
      guard !hex.isEmpty else { throw error("expected hexadecimal digits after '0x'", at: start) }
      guard let v = Int(hex, radix: 16) else { throw error("integer literal is too large", at: start) }
      return .int(v)
    }
    takeDigits(&self)
    // A '.' starts a fraction only if a digit follows: `0..n` is a range, `x.0` is not valid anyway.
    if peek() == ".", let d = peek(1), ("0"..."9").contains(d) {
      isFloat = true
      digits += "."
      i += 1
      takeDigits(&self)
    }
    if let e = peek(), e == "e" || e == "E" {
      var j = 1
      if let sign = peek(1), sign == "+" || sign == "-" { j = 2 }
      if let d = peek(j), ("0"..."9").contains(d) {
        isFloat = true
        digits += "e"
        if j == 2, let sign = peek(1) { digits.unicodeScalars.append(sign) }
        i += j
        takeDigits(&self)
      }
    }
    if let c = peek(), isIdentifierStart(c) {
      throw error("invalid character '\(c)' in number literal", at: i)
    }
    if digits.hasPrefix(".") { digits = "0" + digits }
    if isFloat {
      guard let v = Double(digits) else { throw error("invalid number literal", at: start) }
      return .float(v)
    }
    guard let v = Int(digits) else {
      throw error("integer literal is too large (the limit is \(Int.max))", at: start)
    }
    return .int(v)
  }

  /// Reads one escape sequence after a backslash (which has been consumed).
  private mutating func lexEscape(into out: inout String.UnicodeScalarView) throws {
    let at = i - 1
    guard let e = peek() else { throw error("unterminated string", at: at, atEnd: true) }
    i += 1
    switch e {
    case "n": out.append("\n")
    case "t": out.append("\t")
    case "r": out.append("\r")
    case "0": out.append("\0")
    case "\\": out.append("\\")
    case "\"": out.append("\"")
    case "'": out.append("'")
    case "{": out.append("{")
    case "}": out.append("}")
    case "u":
      guard peek() == "{" else { throw error("expected '{' after \\u", at: at) }
      i += 1
      var hex = ""
      while let c = peek(), c.properties.isASCIIHexDigit, hex.count < 8 {
        hex.unicodeScalars.append(c)
        i += 1
      }
      guard peek() == "}", let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
        throw error("invalid unicode escape; write \\u{XXXX}", at: at)
      }
      i += 1
      out.append(scalar)
    default:
      throw error("unknown escape sequence '\\\(e)'", at: at)
    }
  }

  private mutating func lexString(quote: Unicode.Scalar) throws -> String {
    let start = i
    i += 1
    var out = String.UnicodeScalarView()
    while true {
      guard let c = peek(), c != "\n" else { throw error("unterminated string", at: start, atEnd: peek() == nil) }
      i += 1
      if c == quote { return String(out) }
      if c == "\\" { try lexEscape(into: &out) } else { out.append(c) }
    }
  }

  /// f"text {expr} text {expr:spec}"; `{{` and `}}` are literal braces.
  private mutating func lexInterpolated(quote: Unicode.Scalar) throws -> TokenKind {
    let start = i - 1
    i += 1
    var pieces: [InterpolationPiece] = []
    var text = String.UnicodeScalarView()
    while true {
      guard let c = peek(), c != "\n" else { throw error("unterminated string", at: start, atEnd: peek() == nil) }
      i += 1
      if c == quote { break }
      if c == "\\" {
        try lexEscape(into: &text)
      } else if c == "{" && peek() == "{" {
        i += 1
        text.append("{")
      } else if c == "}" && peek() == "}" {
        i += 1
        text.append("}")
      } else if c == "}" {
        throw error("single '}' in f-string; write '}}' for a literal brace", at: i - 1)
      } else if c == "{" {
        if !text.isEmpty { pieces.append(.text(String(text))) }
        text = String.UnicodeScalarView()
        pieces.append(try lexEmbedded(openedAt: i - 1, quote: quote))
      } else {
        text.append(c)
      }
    }
    if !text.isEmpty || pieces.isEmpty { pieces.append(.text(String(text))) }
    return .interpolated(pieces)
  }

  /// The field inside `{…}` of an f-string: an expression, then optionally `=` (the field shows
  /// its own text: `{x=}` gives "x=1"), a conversion `!r` / `!s`, and a format spec after ':'.
  private mutating func lexEmbedded(openedAt: Int, quote: Unicode.Scalar) throws -> InterpolationPiece {
    let exprStart = i
    var depth = 0
    var exprEnd: Int?
    var spec: String?
    var conversion: Character?
    func unclosed(_ lexer: Lexer) -> Diagnostic {
      lexer.error("expected '}' to close the f-string expression", at: openedAt, atEnd: lexer.peek() == nil)
    }
    expression: while true {
      guard let c = peek(), c != "\n", c != quote else { throw unclosed(self) }
      switch c {
      case "(", "[", "{": depth += 1
      case ")", "]": if depth > 0 { depth -= 1 }
      case "}" where depth > 0: depth -= 1
      case "}":
        exprEnd = i
        i += 1
        break expression
      case ":" where depth == 0:
        exprEnd = i
        spec = ""
        i += 1
        break expression
      case "!" where depth == 0 && peek(1) != "=":
        guard let k = peek(1), k == "r" || k == "s", peek(2) == ":" || peek(2) == "}" else {
          throw error("expected 'r' or 's' after '!' in an f-string field ({x!r} or {x!s}); use 'not' for negation", at: i)
        }
        exprEnd = i
        conversion = Character(k)
        i += 2
        if peek() == ":" { spec = "" }
        i += 1
        break expression
      case "\"", "'":
        // A string inside the expression (quoted differently from the f-string): its ':' and
        // braces are text.
        i += 1
        while let d = peek(), d != c {
          guard d != "\n", d != quote else { throw unclosed(self) }
          i += d == "\\" ? 2 : 1
        }
      default: break
      }
      i += 1
    }
    if spec != nil {
      while true {
        guard let c = peek(), c != "\n", c != quote else { throw unclosed(self) }
        i += 1
        if c == "}" { break }
        spec?.unicodeScalars.append(c)
      }
    }
    var endOffset = exprEnd ?? i - 1
    // `{x=}`: the text up to and including '=' (and the spaces after it) is shown before the value.
    var label: String?
    var last = endOffset - 1
    while last > exprStart, s[last] == " " { last -= 1 }
    if last > exprStart, s[last] == "=", !"=!<>".unicodeScalars.contains(s[last - 1]) {
      var text = String.UnicodeScalarView()
      text.append(contentsOf: s[exprStart..<endOffset])
      label = String(text)
      endOffset = last
      if conversion == nil && spec == nil { conversion = "r" }
    }
    if s[exprStart..<endOffset].allSatisfy({ $0 == " " }) {
      throw error("empty expression in f-string", at: openedAt)
    }
    return .expression(start: exprStart, end: endOffset, spec: spec, conversion: conversion, label: label)
  }

  private mutating func lexSymbol() throws -> Symbol {
    let c = s[i]
    let two: String = peek(1).map { String(c) + String($0) } ?? ""
    if !two.isEmpty, let sym = Symbol(rawValue: two) {
      i += 2
      return sym
    }
    if let sym = Symbol(rawValue: String(c)) {
      i += 1
      return sym
    }
    if c == "!" { throw error("unexpected character '!'; use 'not' for negation", at: i) }
    if c == "&" || c == "|" { throw error("unexpected character '\(c)'; use 'and' / 'or'", at: i) }
    throw error("unexpected character '\(c)'", at: i)
  }
}
