/// Recursive-descent parser (statements here, expressions in Parser+Expressions.swift).
/// Statements end at a line break or `;`. Inside parentheses,
/// brackets and record braces, line breaks are ignored; inside blocks they end statements.
struct Parser {
  let file: SourceFile
  var tokens: [Token]
  var pos = 0
  /// One entry per open bracket: true when line breaks end statements there (blocks).
  var lineSensitive: [Bool] = [true]
  var depth = 0
  static let maxDepth = 200

  init(file: SourceFile, tokens: [Token]) {
    self.file = file
    self.tokens = tokens
  }

  /// Parses a whole file or REPL cell.
  static func parseProgram(_ file: SourceFile) throws -> [Stmt] {
    var parser = Parser(file: file, tokens: try Lexer.tokenize(file))
    return try parser.program()
  }

  // MARK: - Token helpers

  var current: Token { tokens[min(pos, tokens.count - 1)] }
  var previous: Token { tokens[max(0, min(pos - 1, tokens.count - 1))] }

  func location(_ token: Token) -> SourceLocation { SourceLocation(file: file, offset: token.offset) }
  var here: SourceLocation { location(current) }

  mutating func advance() -> Token {
    let t = current
    if pos < tokens.count - 1 { pos += 1 }
    return t
  }

  func check(_ symbol: Symbol) -> Bool { current.kind == .symbol(symbol) }
  func check(_ keyword: Keyword) -> Bool { current.kind == .keyword(keyword) }

  mutating func match(_ symbol: Symbol) -> Bool {
    if check(symbol) {
      _ = advance()
      return true
    }
    return false
  }

  mutating func match(_ keyword: Keyword) -> Bool {
    if check(keyword) {
      _ = advance()
      return true
    }
    return false
  }

  func error(_ message: String, at token: Token? = nil) -> Diagnostic {
    let t = token ?? current
    var d = Diagnostic(message, at: location(t))
    d.isAtEndOfInput = t.kind == .end
    return d
  }

  /// "expected X, found Y"
  func expected(_ what: String) -> Diagnostic {
    error("expected \(what), found \(current.quoted)")
  }

  mutating func expect(_ symbol: Symbol, _ what: String) throws {
    guard match(symbol) else { throw expected(what) }
  }

  mutating func identifier(_ what: String) throws -> String {
    if case .identifier(let name) = current.kind {
      _ = advance()
      return name
    }
    if case .keyword(let k) = current.kind {
      throw error("expected \(what), found keyword '\(k.rawValue)'")
    }
    throw expected(what)
  }

  /// A line break before the current token ends the construct (inside blocks only).
  var atLineBreak: Bool { (lineSensitive.last ?? true) && current.startsLine }

  mutating func nested<T>(sensitive: Bool, _ body: (inout Parser) throws -> T) throws -> T {
    depth += 1
    guard depth <= Parser.maxDepth else { throw error("code is nested too deeply") }
    lineSensitive.append(sensitive)
    defer {
      lineSensitive.removeLast()
      depth -= 1
    }
    return try body(&self)
  }

  // MARK: - Statements

  mutating func program() throws -> [Stmt] {
    var statements: [Stmt] = []
    while true {
      while match(.semicolon) {}
      if current.kind == .end { return statements }
      statements.append(try statement())
      try endOfStatement()
    }
  }

  mutating func endOfStatement() throws {
    if match(.semicolon) || current.kind == .end || check(.rightBrace) || current.startsLine { return }
    // A statement ending in a block may be followed on the same line: `fn f() { … } f()`.
    if previous.kind == .symbol(.rightBrace) { return }
    throw expected("a line break or ';' after the statement")
  }

  mutating func block(_ what: String) throws -> Block {
    let open = here
    guard match(.leftBrace) else {
      if check(.colon) { throw error("expected '{' to start \(what), found ':' (blocks use braces: if x > 0 { … })") }
      throw expected("'{' to start \(what)")
    }
    return try nested(sensitive: true) { p in
      var statements: [Stmt] = []
      while true {
        while p.match(.semicolon) {}
        if p.match(.rightBrace) { return Block(statements: statements, location: open) }
        if p.current.kind == .end {
          var d = p.error("expected '}' to close the block opened at line \(open.line), found end of input")
          d.isAtEndOfInput = true
          throw d
        }
        statements.append(try p.statement())
        try p.endOfStatement()
      }
    }
  }

  mutating func statement() throws -> Stmt {
    let start = current
    let loc = location(start)
    if case .keyword(let k) = start.kind {
      switch k {
      case .fn:
        if case .identifier = tokens[min(pos + 1, tokens.count - 1)].kind {
          _ = advance()
          let name = try identifier("a function name")
          return Stmt(.function(try functionRest(name: name, location: loc)), loc)
        }
      case .while:
        _ = advance()
        let condition = try expression()
        return Stmt(.whileLoop(condition: condition, body: try block("the loop body")), loc)
      case .for:
        _ = advance()
        var variables = [try identifier("a loop variable name")]
        while match(.comma) { variables.append(try identifier("a loop variable name")) }
        guard match(.in) else { throw expected("'in' after the loop variable") }
        let iterable = try expression()
        return Stmt(.forLoop(variables: variables, iterable: iterable, body: try block("the loop body")), loc)
      case .break:
        _ = advance()
        return Stmt(.breakLoop, loc)
      case .continue:
        _ = advance()
        return Stmt(.continueLoop, loc)
      case .return:
        _ = advance()
        if current.kind == .end || check(.rightBrace) || check(.semicolon) || current.startsLine {
          return Stmt(.returnValue(nil), loc)
        }
        let first = try expression()
        if check(.comma) {
          var items = [first]
          while match(.comma) { items.append(try expression()) }
          return Stmt(.returnValue(Expr(.list(items), first.location)), loc)
        }
        return Stmt(.returnValue(first), loc)
      case .use:
        _ = advance()
        guard case .string(let path) = current.kind else { throw expected("a module name in quotes after 'use'") }
        _ = advance()
        return Stmt(.use(path), loc)
      default:
        break
      }
    }
    if case .identifier(let word) = start.kind, word == "def" || word == "function" || word == "func",
      case .identifier = tokens[min(pos + 1, tokens.count - 1)].kind
    {
      throw error("functions are defined with 'fn': fn name(parameters) { … }")
    }
    // `nonlocal` and `global` are keywords only here, so they stay usable as names elsewhere.
    if case .identifier(let word) = start.kind, let kind = Declaration(rawValue: word),
      case .identifier = tokens[min(pos + 1, tokens.count - 1)].kind,
      !tokens[min(pos + 1, tokens.count - 1)].startsLine
    {
      _ = advance()
      var names = [try identifier("a variable name after '\(word)'")]
      while match(.comma) { names.append(try identifier("a variable name after ','")) }
      return Stmt(.declare(kind, names), loc)
    }
    if check(.leftBrace) && !looksLikeRecord() {
      let b = try block("a block")
      return Stmt(.expression(Expr(.block(b), loc)), loc)
    }
    let first = try expression()
    if check(.comma) {
      var targets = [first]
      while match(.comma) { targets.append(try expression()) }
      if match(.equal) {
        for t in targets { try validateTarget(t) }
        let value = try tupleOrExpression()
        return Stmt(.assign(targets: targets, value: value), loc)
      }
      throw expected("'=' after the assignment targets")
    }
    if match(.equal) {
      try validateTarget(first)
      var value = try tupleOrExpression()
      guard check(.equal) else { return Stmt(.assign(targets: [first], value: value), loc) }
      // `a = b = 0`: assign right to left; inner targets must be names (they are read back).
      var targets = [first]
      while match(.equal) {
        guard case .name = value.kind else {
          throw Diagnostic("in a chained assignment (a = b = value) the inner targets must be names", at: value.location)
        }
        targets.append(value)
        value = try tupleOrExpression()
      }
      var statements = [Stmt(.assign(targets: [targets[targets.count - 1]], value: value), loc)]
      for i in stride(from: targets.count - 2, through: 0, by: -1) {
        statements.append(Stmt(.assign(targets: [targets[i]], value: targets[i + 1]), loc))
      }
      return Stmt(.expression(Expr(.block(Block(statements: statements, location: loc)), loc)), loc)
    }
    let compound: [Symbol: BinaryOperator] = [
      .plusEqual: .add, .minusEqual: .subtract, .starEqual: .multiply, .slashEqual: .divide,
    ]
    if case .symbol(let s) = current.kind, let op = compound[s] {
      // Located at the operator: that is where a type error in `x += e` happens.
      let opLoc = here
      _ = advance()
      try validateTarget(first)
      return Stmt(.compoundAssign(target: first, op: op, value: try expression()), opLoc)
    }
    return Stmt(.expression(first), loc)
  }

  /// `a, b` on the right of '=' makes a list (so `a, b = b, a` swaps).
  mutating func tupleOrExpression() throws -> Expr {
    let first = try expression()
    guard check(.comma) else { return first }
    var items = [first]
    while match(.comma) { items.append(try expression()) }
    return Expr(.list(items), first.location)
  }

  func validateTarget(_ e: Expr) throws {
    switch e.kind {
    case .name, .member, .index: return
    default:
      throw Diagnostic(
        "cannot assign to this expression; expected a name, a field (r.x) or an element (xs[i])",
        at: e.location)
    }
  }

  /// After `{`: a record if `}` or `name:` / `"key":` follows.
  func looksLikeRecord() -> Bool {
    guard pos + 2 < tokens.count else { return pos + 1 < tokens.count && tokens[pos + 1].kind == .symbol(.rightBrace) }
    let next = tokens[pos + 1].kind
    if next == .symbol(.rightBrace) { return true }
    switch next {
    case .identifier, .string: return tokens[pos + 2].kind == .symbol(.colon)
    default: return false
    }
  }

  mutating func functionRest(name: String?, location: SourceLocation) throws -> FunctionDecl {
    guard match(.leftParen) else { throw expected("'(' to start the parameter list") }
    let parameters: [Parameter] = try nested(sensitive: false) { p in
      var params: [Parameter] = []
      var seen = Set<String>()
      if !p.check(.rightParen) {
        repeat {
          if p.check(.rightParen) { break }
          let loc = p.here
          let name = try p.identifier("a parameter name")
          guard seen.insert(name).inserted else {
            throw Diagnostic("duplicate parameter '\(name)'", at: loc)
          }
          var defaultValue: Expr?
          if p.match(.equal) || p.match(.colon) {
            defaultValue = try p.expression()
          } else if params.last?.defaultValue != nil {
            throw Diagnostic("parameter '\(name)' needs a default value because the one before it has one", at: loc)
          }
          params.append(Parameter(name: name, defaultValue: defaultValue, location: loc))
        } while p.match(.comma)
      }
      try p.expect(.rightParen, "',' or ')' in the parameter list")
      return params
    }
    let body = try block("the function body")
    return FunctionDecl(name: name, parameters: parameters, body: body, location: location)
  }
}

/// True when `source` is complete enough to run: no open bracket, string or block at its end.
/// The REPL keeps reading lines (with a `...` prompt) while this is false.
public func isInputComplete(_ source: String) -> Bool {
  let file = SourceFile(name: "<input>", text: source)
  // Parsed on the large stack: long operator chains make deep (but legal) trees.
  let complete = try? LargeStack.run { () -> Bool in
    do {
      _ = try Parser.parseProgram(file)
      return true
    } catch let d as Diagnostic {
      return !d.isAtEndOfInput
    }
  }
  return complete ?? true
}
