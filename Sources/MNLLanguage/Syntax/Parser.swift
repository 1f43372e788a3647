/// Recursive-descent parser. Statements end at a line break or ';'. Inside parentheses,
/// brackets and record braces, line breaks are ignored; inside blocks they end statements.
struct Parser {
  let file: SourceFile
  private var tokens: [Token]
  private var pos = 0
  /// One entry per open bracket: true when line breaks end statements there (blocks).
  private var lineSensitive: [Bool] = [true]
  private var depth = 0
  private static let maxDepth = 200

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

  private var current: Token { tokens[min(pos, tokens.count - 1)] }
  private var previous: Token { tokens[max(0, min(pos - 1, tokens.count - 1))] }

  private func location(_ token: Token) -> SourceLocation { SourceLocation(file: file, offset: token.offset) }
  private var here: SourceLocation { location(current) }

  private mutating func advance() -> Token {
    let t = current
    if pos < tokens.count - 1 { pos += 1 }
    return t
  }

  private func check(_ symbol: Symbol) -> Bool { current.kind == .symbol(symbol) }
  private func check(_ keyword: Keyword) -> Bool { current.kind == .keyword(keyword) }

  private mutating func match(_ symbol: Symbol) -> Bool {
    if check(symbol) {
      _ = advance()
      return true
    }
    return false
  }

  private mutating func match(_ keyword: Keyword) -> Bool {
    if check(keyword) {
      _ = advance()
      return true
    }
    return false
  }

  private func error(_ message: String, at token: Token? = nil) -> Diagnostic {
    let t = token ?? current
    var d = Diagnostic(message, at: location(t))
    d.isAtEndOfInput = t.kind == .end
    return d
  }

  /// "expected X, found Y"
  private func expected(_ what: String) -> Diagnostic {
    error("expected \(what), found \(current.quoted)")
  }

  private mutating func expect(_ symbol: Symbol, _ what: String) throws {
    guard match(symbol) else { throw expected(what) }
  }

  private mutating func identifier(_ what: String) throws -> String {
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
  private var atLineBreak: Bool { (lineSensitive.last ?? true) && current.startsLine }

  private mutating func nested<T>(sensitive: Bool, _ body: (inout Parser) throws -> T) throws -> T {
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

  private mutating func endOfStatement() throws {
    if match(.semicolon) || current.kind == .end || check(.rightBrace) || current.startsLine { return }
    // A statement ending in a block may be followed on the same line: `fn f() { … } f()`.
    if previous.kind == .symbol(.rightBrace) { return }
    throw expected("a line break or ';' after the statement")
  }

  private mutating func block(_ what: String) throws -> Block {
    let open = here
    guard match(.leftBrace) else { throw expected("'{' to start \(what)") }
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

  private mutating func statement() throws -> Stmt {
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
  private mutating func tupleOrExpression() throws -> Expr {
    let first = try expression()
    guard check(.comma) else { return first }
    var items = [first]
    while match(.comma) { items.append(try expression()) }
    return Expr(.list(items), first.location)
  }

  private func validateTarget(_ e: Expr) throws {
    switch e.kind {
    case .name, .member, .index: return
    default:
      throw Diagnostic(
        "cannot assign to this expression; expected a name, a field (r.x) or an element (xs[i])",
        at: e.location)
    }
  }

  /// After `{`: a record if `}` or `name:` / `"key":` follows.
  private func looksLikeRecord() -> Bool {
    guard pos + 2 < tokens.count else { return pos + 1 < tokens.count && tokens[pos + 1].kind == .symbol(.rightBrace) }
    let next = tokens[pos + 1].kind
    if next == .symbol(.rightBrace) { return true }
    switch next {
    case .identifier, .string: return tokens[pos + 2].kind == .symbol(.colon)
    default: return false
    }
  }

  private mutating func functionRest(name: String?, location: SourceLocation) throws -> FunctionDecl {
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

  // MARK: - Expressions

  mutating func expression() throws -> Expr {
    try nested(sensitive: lineSensitive.last ?? true) { p in try p.or() }
  }

  private mutating func or() throws -> Expr {
    var left = try and()
    while !atLineBreak, check(.or) {
      let loc = here
      _ = advance()
      left = Expr(.or(left, try and()), loc)
    }
    return left
  }

  private mutating func and() throws -> Expr {
    var left = try not()
    while !atLineBreak, check(.and) {
      let loc = here
      _ = advance()
      left = Expr(.and(left, try not()), loc)
    }
    return left
  }

  private mutating func not() throws -> Expr {
    if check(.not) {
      let loc = here
      _ = advance()
      return Expr(.not(try nested(sensitive: lineSensitive.last ?? true) { p in try p.not() }), loc)
    }
    return try comparison()
  }

  private mutating func comparisonOperator() -> (BinaryOperator, negated: Bool)? {
    if atLineBreak { return nil }
    switch current.kind {
    case .symbol(.equalEqual): return (.equal, false)
    case .symbol(.bangEqual): return (.notEqual, false)
    case .symbol(.less): return (.less, false)
    case .symbol(.lessEqual): return (.lessEqual, false)
    case .symbol(.greater): return (.greater, false)
    case .symbol(.greaterEqual): return (.greaterEqual, false)
    case .keyword(.in): return (.contains, false)
    case .keyword(.not):
      if pos + 1 < tokens.count, tokens[pos + 1].kind == .keyword(.in) { return (.contains, true) }
      return nil
    default: return nil
    }
  }

  private mutating func comparison() throws -> Expr {
    let left = try range()
    guard let (op, negated) = comparisonOperator() else { return left }
    let loc = here
    _ = advance()
    if negated { _ = advance() }
    let right = try range()
    if comparisonOperator() != nil {
      throw error("comparisons cannot be chained; combine them with 'and'")
    }
    let e = Expr(.binary(op, left, right), loc)
    return negated ? Expr(.not(e), loc) : e
  }

  private mutating func range() throws -> Expr {
    let left = try additive()
    if !atLineBreak, check(.dotDot) {
      let loc = here
      _ = advance()
      return Expr(.range(left, try additive()), loc)
    }
    return left
  }

  private mutating func additive() throws -> Expr {
    var left = try multiplicative()
    while !atLineBreak {
      let op: BinaryOperator
      if check(.plus) { op = .add } else if check(.minus) { op = .subtract } else { break }
      let loc = here
      _ = advance()
      left = Expr(.binary(op, left, try multiplicative()), loc)
    }
    return left
  }

  private mutating func multiplicative() throws -> Expr {
    var left = try unary()
    while !atLineBreak {
      let op: BinaryOperator
      switch current.kind {
      case .symbol(.star): op = .multiply
      case .symbol(.slash): op = .divide
      case .symbol(.slashSlash): op = .floorDivide
      case .symbol(.percent): op = .modulo
      case .symbol(.at): op = .matmul
      default: return left
      }
      let loc = here
      _ = advance()
      left = Expr(.binary(op, left, try unary()), loc)
    }
    return left
  }

  private mutating func unary() throws -> Expr {
    if check(.minus) || check(.plus) {
      let op: UnaryOperator = check(.minus) ? .negate : .plus
      let loc = here
      _ = advance()
      let operand = try nested(sensitive: lineSensitive.last ?? true) { p in try p.unary() }
      // Fold negative literals so `-9223372036854775808`-style limits and constants stay cheap.
      if op == .negate, case .literal(.float(let v)) = operand.kind { return Expr(.literal(.float(-v)), loc) }
      if op == .negate, case .literal(.int(let v)) = operand.kind { return Expr(.literal(.int(-v)), loc) }
      return Expr(.unary(op, operand), loc)
    }
    return try power()
  }

  private mutating func power() throws -> Expr {
    let base = try postfix()
    if !atLineBreak, check(.starStar) {
      let loc = here
      _ = advance()
      // Right-associative, and binds tighter than a unary minus on its left: -2 ** 2 == -4.
      let exponent = try nested(sensitive: lineSensitive.last ?? true) { p in try p.unary() }
      return Expr(.binary(.power, base, exponent), loc)
    }
    return base
  }

  private mutating func postfix() throws -> Expr {
    var e = try primary()
    while true {
      if check(.dot) {
        _ = advance()
        let loc = here
        let name = try identifier("a field name after '.'")
        e = Expr(.member(e, name), loc)
      } else if !current.startsLine, check(.leftParen) {
        _ = advance()
        e = Expr(.call(e, try arguments()), e.location)
      } else if !current.startsLine, check(.leftBracket) {
        let loc = here
        _ = advance()
        e = Expr(.index(e, try indices()), loc)
      } else {
        return e
      }
    }
  }

  private mutating func arguments() throws -> [Argument] {
    try nested(sensitive: false) { p in
      var args: [Argument] = []
      var sawKeyword = false
      while !p.check(.rightParen) {
        let loc = p.here
        var label: String?
        // `name: value`, or Python's `name=value`.
        if case .identifier(let name) = p.current.kind, p.pos + 1 < p.tokens.count,
          p.tokens[p.pos + 1].kind == .symbol(.colon) || p.tokens[p.pos + 1].kind == .symbol(.equal)
        {
          label = name
          _ = p.advance()
          _ = p.advance()
          if args.contains(where: { $0.label == name }) {
            throw Diagnostic("keyword argument '\(name)' is given twice", at: loc)
          }
          sawKeyword = true
        } else if sawKeyword {
          throw p.error("positional argument after a keyword argument")
        }
        args.append(Argument(label: label, value: try p.expression(), location: loc))
        if !p.match(.comma) { break }
      }
      try p.expect(.rightParen, "',' or ')' after the arguments")
      return args
    }
  }

  private mutating func indices() throws -> [IndexExpr] {
    try nested(sensitive: false) { p in
      var items: [IndexExpr] = []
      repeat {
        if p.check(.rightBracket) && !items.isEmpty { break }
        items.append(try p.indexItem())
      } while p.match(.comma)
      try p.expect(.rightBracket, "',' or ']' after the index")
      return items
    }
  }

  private mutating func indexItem() throws -> IndexExpr {
    var start: Expr?
    if !check(.colon) {
      start = try expression()
      if !check(.colon) { return .single(start ?? Expr(.literal(.none), here)) }
    }
    _ = advance()  // ':'
    var end: Expr?
    var step: Expr?
    if !check(.colon) && !check(.comma) && !check(.rightBracket) { end = try expression() }
    if match(.colon) {
      if !check(.comma) && !check(.rightBracket) { step = try expression() }
    }
    return .slice(start: start, end: end, step: step)
  }

  private mutating func primary() throws -> Expr {
    let t = current
    let loc = location(t)
    switch t.kind {
    case .int(let v):
      _ = advance()
      return Expr(.literal(.int(v)), loc)
    case .float(let v):
      _ = advance()
      return Expr(.literal(.float(v)), loc)
    case .string(let s):
      _ = advance()
      return Expr(.literal(.string(s)), loc)
    case .interpolated(let pieces):
      _ = advance()
      return Expr(.interpolated(try interpolation(pieces)), loc)
    case .identifier(let name):
      _ = advance()
      return Expr(.name(name), loc)
    case .keyword(.true):
      _ = advance()
      return Expr(.literal(.bool(true)), loc)
    case .keyword(.false):
      _ = advance()
      return Expr(.literal(.bool(false)), loc)
    case .keyword(.none):
      _ = advance()
      return Expr(.literal(.none), loc)
    case .keyword(.fn):
      _ = advance()
      return Expr(.function(try functionRest(name: nil, location: loc)), loc)
    case .keyword(.if):
      return try ifExpression()
    case .symbol(.leftParen):
      _ = advance()
      return try nested(sensitive: false) { p in
        let e = try p.expression()
        try p.expect(.rightParen, "')' to close '('")
        return e
      }
    case .symbol(.leftBracket):
      _ = advance()
      return try listLiteral(loc)
    case .symbol(.leftBrace):
      if !looksLikeRecord() { return Expr(.block(try block("a block")), loc) }
      _ = advance()
      return try recordLiteral(loc)
    case .end:
      throw error("expected an expression, found end of input")
    default:
      throw expected("an expression")
    }
  }

  private mutating func ifExpression() throws -> Expr {
    let loc = here
    _ = advance()  // 'if'
    let condition = try expression()
    let then = try block("the 'if' body")
    if case .identifier("elif") = current.kind { throw error("write 'else if' instead of 'elif'") }
    // `else` may sit on the next line after the closing brace.
    if check(.else) {
      _ = advance()
      if check(.if) {
        let elseIf = try ifExpression()
        let b = Block(statements: [Stmt(.expression(elseIf), elseIf.location)], location: elseIf.location)
        return Expr(.ifElse(condition: condition, then: then, otherwise: b), loc)
      }
      return Expr(.ifElse(condition: condition, then: then, otherwise: try block("the 'else' body")), loc)
    }
    return Expr(.ifElse(condition: condition, then: then, otherwise: nil), loc)
  }

  private mutating func listLiteral(_ loc: SourceLocation) throws -> Expr {
    try nested(sensitive: false) { p in
      var items: [Expr] = []
      if p.match(.rightBracket) { return Expr(.list([]), loc) }
      let first = try p.expression()
      if p.match(.for) {
        var variables = [try p.identifier("a loop variable name")]
        while p.match(.comma) { variables.append(try p.identifier("a loop variable name")) }
        guard p.match(.in) else { throw p.expected("'in' in the list comprehension") }
        let iterable = try p.expression()
        var condition: Expr?
        if p.match(.if) { condition = try p.expression() }
        try p.expect(.rightBracket, "']' to close the list comprehension")
        return Expr(
          .comprehension(element: first, variables: variables, iterable: iterable, condition: condition), loc)
      }
      items.append(first)
      while p.match(.comma) {
        if p.check(.rightBracket) { break }
        items.append(try p.expression())
      }
      try p.expect(.rightBracket, "',' or ']' in the list")
      return Expr(.list(items), loc)
    }
  }

  private mutating func recordLiteral(_ loc: SourceLocation) throws -> Expr {
    try nested(sensitive: false) { p in
      var fields: [(String, Expr)] = []
      while !p.check(.rightBrace) {
        let keyLoc = p.here
        let key: String
        switch p.current.kind {
        case .identifier(let name): key = name
        case .string(let s): key = s
        case .keyword(let k): key = k.rawValue
        default: throw p.expected("a field name in the record")
        }
        _ = p.advance()
        if fields.contains(where: { $0.0 == key }) {
          throw Diagnostic("field '\(key)' appears twice in the record", at: keyLoc)
        }
        try p.expect(.colon, "':' after the field name")
        fields.append((key, try p.expression()))
        if !p.match(.comma) { break }
      }
      try p.expect(.rightBrace, "',' or '}' in the record")
      return Expr(.record(fields), loc)
    }
  }

  /// Parses each `{expr}` of an f-string from its place in the source.
  private mutating func interpolation(_ pieces: [InterpolationPiece]) throws -> [InterpolatedPart] {
    var parts: [InterpolatedPart] = []
    for piece in pieces {
      switch piece {
      case .text(let s): parts.append(.text(s))
      case .expression(let start, let end, let spec):
        var sub = Parser(file: file, tokens: try Lexer.tokenize(file, start: start, end: end))
        sub.depth = depth
        let e = try sub.nested(sensitive: false) { p in try p.expression() }
        guard sub.current.kind == .end else {
          throw sub.error("expected '}' or ':' after the f-string expression, found \(sub.current.quoted)")
        }
        parts.append(.value(e, spec: spec))
      }
    }
    return parts
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
