/// Collects the names a block assigns (not looking into nested functions or comprehensions).
enum AssignedNames {
  static func collect(_ statements: [Stmt], into names: inout [String]) {
    for s in statements { collect(s, into: &names) }
  }

  static func collect(_ s: Stmt, into names: inout [String]) {
    switch s.kind {
    case .expression(let e): collect(e, into: &names)
    case .assign(let targets, let value):
      for t in targets {
        if case .name(let n) = t.kind { names.append(n) } else { collect(t, into: &names) }
      }
      collect(value, into: &names)
    case .compoundAssign(let target, _, let value):
      if case .name(let n) = target.kind { names.append(n) } else { collect(target, into: &names) }
      collect(value, into: &names)
    case .whileLoop(let c, let body):
      collect(c, into: &names)
      collect(body.statements, into: &names)
    case .forLoop(let vars, let iterable, let body):
      names += vars
      collect(iterable, into: &names)
      collect(body.statements, into: &names)
    case .returnValue(let e): if let e { collect(e, into: &names) }
    case .function(let decl): if let n = decl.name { names.append(n) }
    case .breakLoop, .continueLoop, .use, .declare: break
    }
  }

  /// Blocks can sit inside expressions (`x = if c { y = 1; y } else { 2 }`).
  static func collect(_ e: Expr, into names: inout [String]) {
    switch e.kind {
    case .literal, .name, .function, .comprehension: break
    case .interpolated(let parts):
      for case .value(let v, _, _) in parts { collect(v, into: &names) }
    case .list(let items): for i in items { collect(i, into: &names) }
    case .record(let fields): for (_, v) in fields { collect(v, into: &names) }
    case .unary(_, let a), .not(let a), .member(let a, _): collect(a, into: &names)
    case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b), .range(let a, let b):
      collect(a, into: &names)
      collect(b, into: &names)
    case .call(let callee, let args):
      collect(callee, into: &names)
      for a in args { collect(a.value, into: &names) }
    case .index(let base, let items):
      collect(base, into: &names)
      for item in items {
        switch item {
        case .single(let x): collect(x, into: &names)
        case .slice(let a, let b, let c):
          for x in [a, b, c].compactMap({ $0 }) { collect(x, into: &names) }
        }
      }
    case .ifElse(let c, let t, let o):
      collect(c, into: &names)
      collect(t.statements, into: &names)
      if let o { collect(o.statements, into: &names) }
    case .block(let b): collect(b.statements, into: &names)
    case .tryCatch(let t):
      // The catch variable is not among them: it belongs to its block alone.
      for b in [t.body, t.handler, t.cleanup].compactMap({ $0 }) { collect(b.statements, into: &names) }
    }
  }
}
