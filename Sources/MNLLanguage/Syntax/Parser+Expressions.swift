/// Expressions, from the lowest precedence (`or`) to the highest (literals, names, brackets).
extension Parser {
  mutating func expression() throws -> Expr {
    try nested(sensitive: lineSensitive.last ?? true) { p in try p.or() }
  }

  mutating func or() throws -> Expr {
    var left = try and()
    while !atLineBreak, check(.or) {
      let loc = here
      _ = advance()
      left = Expr(.or(left, try and()), loc)
    }
    return left
  }

  mutating func and() throws -> Expr {
    var left = try not()
    while !atLineBreak, check(.and) {
      let loc = here
      _ = advance()
      left = Expr(.and(left, try not()), loc)
    }
    return left
  }

  mutating func not() throws -> Expr {
    if check(.not) {
      let loc = here
      _ = advance()
      return Expr(.not(try nested(sensitive: lineSensitive.last ?? true) { p in try p.not() }), loc)
    }
    return try comparison()
  }

  mutating func comparisonOperator() -> (BinaryOperator, negated: Bool)? {
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

  mutating func comparison() throws -> Expr {
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

  mutating func range() throws -> Expr {
    let left = try additive()
    if !atLineBreak, check(.dotDot) {
      let loc = here
      _ = advance()
      return Expr(.range(left, try additive()), loc)
    }
    return left
  }

  mutating func additive() throws -> Expr {
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

  mutating func multiplicative() throws -> Expr {
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

  mutating func unary() throws -> Expr {
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

  mutating func power() throws -> Expr {
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

  mutating func postfix() throws -> Expr {
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

  mutating func arguments() throws -> [Argument] {
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

  mutating func indices() throws -> [IndexExpr] {
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

  mutating func indexItem() throws -> IndexExpr {
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

  mutating func primary() throws -> Expr {
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
    case .identifier("try") where tokens[min(pos + 1, tokens.count - 1)].kind == .symbol(.leftBrace):
      return try tryExpression()
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
    case .symbol(.slashSlash):
      throw error("expected an expression, found '//' (comments start with '#')")
    default:
      throw expected("an expression")
    }
  }

  mutating func ifExpression() throws -> Expr {
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

  /// `try { … } catch e { … } finally { … }`. `try`, `catch` and `finally` are words only
  /// here (like `nonlocal`), so scripts that use them as names keep working.
  mutating func tryExpression() throws -> Expr {
    let loc = here
    _ = advance()  // 'try'
    let body = try block("the 'try' body")
    var variable: String?
    var handler: Block?
    var cleanup: Block?
    // Like `else`, `catch` and `finally` may start the next line.
    if case .identifier("catch") = current.kind {
      _ = advance()
      if case .identifier(let name) = current.kind {
        _ = advance()
        variable = name
      } else if case .keyword(let k) = current.kind {
        throw error("expected a name for the error after 'catch', found keyword '\(k.rawValue)'")
      }
      handler = try block("the 'catch' body")
    }
    if case .identifier("finally") = current.kind {
      _ = advance()
      cleanup = try block("the 'finally' body")
    }
    if handler == nil && cleanup == nil {
      if case .identifier("except") = current.kind { throw error("write 'catch e { … }' instead of 'except'") }
      var d = expected("'catch' or 'finally' after the 'try' block")
      d.isAtEndOfInput = current.kind == .end
      throw d
    }
    return Expr(.tryCatch(TryCatch(body: body, variable: variable, handler: handler, cleanup: cleanup)), loc)
  }

  mutating func listLiteral(_ loc: SourceLocation) throws -> Expr {
    try nested(sensitive: false) { p in
      var items: [Expr] = []
      if p.match(.rightBracket) { return Expr(.list([]), loc) }
      let first = try p.expression()
      if p.check(.for) {
        var clauses: [ComprehensionClause] = []
        while true {
          if p.match(.for) {
            var variables = [try p.identifier("a loop variable name")]
            while p.match(.comma) { variables.append(try p.identifier("a loop variable name")) }
            guard p.match(.in) else { throw p.expected("'in' in the list comprehension") }
            clauses.append(.forIn(variables: variables, iterable: try p.expression()))
          } else if p.match(.if) {
            clauses.append(.filter(try p.expression()))
          } else {
            break
          }
        }
        try p.expect(.rightBracket, "'for', 'if' or ']' to close the list comprehension")
        return Expr(.comprehension(element: first, clauses: clauses), loc)
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

  mutating func recordLiteral(_ loc: SourceLocation) throws -> Expr {
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
  mutating func interpolation(_ pieces: [InterpolationPiece]) throws -> [InterpolatedPart] {
    var parts: [InterpolatedPart] = []
    for piece in pieces {
      switch piece {
      case .text(let s): parts.append(.text(s))
      case .expression(let start, let end, let spec, let conversion, let label):
        if let label { parts.append(.text(label)) }
        var sub = Parser(file: file, tokens: try Lexer.tokenize(file, start: start, end: end))
        sub.depth = depth
        let e = try sub.nested(sensitive: false) { p in try p.expression() }
        guard sub.current.kind == .end else {
          throw sub.error("expected '}' or ':' after the f-string expression, found \(sub.current.quoted)")
        }
        parts.append(.value(e, spec: spec, conversion: conversion))
      }
    }
    return parts
  }
}
