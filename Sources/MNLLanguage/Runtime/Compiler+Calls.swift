extension Compiler {
  /// A call. Positional-only calls of user functions write arguments straight into the new
  /// frame; `x.name(args)` calls a record's function field, or else the function `name(x, args)`.
  func call(_ calleeExpr: Expr, _ args: [Argument]) throws -> Code {
    // Errors and tracebacks point at the function's name.
    let loc = calleeExpr.location
    // The callee is compiled first, as it runs first (assignments are tracked in source order).
    let callee: Code
    if case .member(let objectExpr, _) = calleeExpr.kind {
      callee = try expression(objectExpr)
    } else {
      callee = try expression(calleeExpr)
    }
    let positionalCodes = try args.filter { $0.label == nil }.map { try expression($0.value) }
    let keywordCodes = try args.compactMap { a in try a.label.map { ($0, try expression(a.value)) } }
    let rt = self.rt

    func evaluateKeywords(_ f: Frame) throws -> [(String, Value)] {
      try keywordCodes.map { ($0.0, try $0.1(f)) }
    }

    if case .member(_, let name) = calleeExpr.kind {
      let object = callee
      let function = rt.globals.slot(name)
      let memberLoc = calleeExpr.location
      return { f in
        let o = try object(f)
        var positional: [Value] = []
        positional.reserveCapacity(positionalCodes.count + 1)
        for c in positionalCodes { positional.append(try c(f)) }
        let keywords = try evaluateKeywords(f)
        if let method = try Compiler.method(o, name, at: memberLoc) {
          return try rt.call(method, positional: positional, keywords: keywords, at: loc)
        }
        switch function.pointee {
        case .some(let g) where Compiler.isCallable(g):
          return try rt.call(g, positional: [o] + positional, keywords: keywords, at: loc)
        default:
          let callables = rt.globals.definedNames.filter { rt.globals.value($0).map(Compiler.isCallable) ?? false }
          let fields: [String]
          if case .record(let r) = o { fields = r.keys } else { fields = [] }
          let hint = Suggestions.hint(for: name, in: callables + fields)
          throw Diagnostic("\(o.typeNameWithArticle) has no method '\(name)'\(hint)", at: memberLoc)
        }
      }
    }

    if keywordCodes.isEmpty {
      let n = positionalCodes.count
      return { f in
        let c = try callee(f)
        if case .function(let fn) = c, fn.compiled.parameterNames.count == n {
          let frame = Frame(count: fn.compiled.slotCount, parent: fn.captured, parameterCount: n)
          for i in 0..<n { frame.slots[i] = try positionalCodes[i](f) }
          return try rt.run(fn, frame: frame, at: loc)
        }
        var positional: [Value] = []
        positional.reserveCapacity(n)
        for code in positionalCodes { positional.append(try code(f)) }
        return try rt.call(c, positional: positional, keywords: [], at: loc)
      }
    }
    return { f in
      let c = try callee(f)
      var positional: [Value] = []
      for code in positionalCodes { positional.append(try code(f)) }
      return try rt.call(c, positional: positional, keywords: try evaluateKeywords(f), at: loc)
    }
  }

  static func isCallable(_ v: Value) -> Bool {
    switch v {
    case .function, .builtin: return true
    default: return false
    }
  }

  /// A callable field of `o` named `name`, if any.
  static func method(_ o: Value, _ name: String, at loc: SourceLocation) throws -> Value? {
    do {
      switch o {
      case .record(let r): return r[name]
      case .object(let obj):
        if let v = try obj.field(name) { return v }
        return try ValueExtensions.first { try $0.member(o, name) }
      default:
        if o.isCoreValue { return nil }
        return try ValueExtensions.first { try $0.member(o, name) }
      }
    } catch {
      throw Diagnostic.wrap(error, at: loc)
    }
  }
}
