/// The `nonlocal` / `global` declarations of a function body.
struct Declarations {
  var nonlocals: [(name: String, location: SourceLocation)] = []
  var globals: [(name: String, location: SourceLocation)] = []

  /// Declarations directly in `statements` (in nested blocks and loops, not in nested functions).
  static func of(_ statements: [Stmt]) -> Declarations {
    var d = Declarations()
    SyntaxWalk.statements(statements, intoFunctions: false) { s in
      guard case .declare(let kind, let names) = s.kind else { return }
      for name in names {
        if kind == .nonlocal { d.nonlocals.append((name, s.location)) } else { d.globals.append((name, s.location)) }
      }
    }
    return d
  }

  /// Names that functions nested anywhere in `statements` declare `nonlocal`: calling such a
  /// function may assign them, so their reads are checked when they run.
  static func nestedNonlocalNames(_ statements: [Stmt]) -> Set<String> {
    var names: Set<String> = []
    SyntaxWalk.statements(statements, intoFunctions: true) { s in
      if case .declare(.nonlocal, let declared) = s.kind { names.formUnion(declared) }
    }
    return names
  }
}

/// Visits every statement of a syntax tree, including those in blocks inside expressions.
enum SyntaxWalk {
  static func statements(_ statements: [Stmt], intoFunctions: Bool, _ visit: (Stmt) -> Void) {
    for s in statements { statement(s, intoFunctions, visit) }
  }

  private static func statement(_ s: Stmt, _ deep: Bool, _ visit: (Stmt) -> Void) {
    visit(s)
    switch s.kind {
    case .expression(let e): expression(e, deep, visit)
    case .assign(let targets, let value):
      for t in targets { expression(t, deep, visit) }
      expression(value, deep, visit)
    case .compoundAssign(let target, _, let value):
      expression(target, deep, visit)
      expression(value, deep, visit)
    case .whileLoop(let c, let body):
      expression(c, deep, visit)
      statements(body.statements, intoFunctions: deep, visit)
    case .forLoop(_, let iterable, let body):
      expression(iterable, deep, visit)
      statements(body.statements, intoFunctions: deep, visit)
    case .returnValue(let e): if let e { expression(e, deep, visit) }
    case .function(let decl): function(decl, deep, visit)
    case .breakLoop, .continueLoop, .use, .declare: break
    }
  }

  private static func function(_ decl: FunctionDecl, _ deep: Bool, _ visit: (Stmt) -> Void) {
    for p in decl.parameters { if let d = p.defaultValue { expression(d, deep, visit) } }
    if deep { statements(decl.body.statements, intoFunctions: deep, visit) }
  }

  private static func expression(_ e: Expr, _ deep: Bool, _ visit: (Stmt) -> Void) {
    switch e.kind {
    case .literal, .name: break
    case .interpolated(let parts):
      for case .value(let v, _, _) in parts { expression(v, deep, visit) }
    case .list(let items): for i in items { expression(i, deep, visit) }
    case .record(let fields): for (_, v) in fields { expression(v, deep, visit) }
    case .comprehension(let element, let clauses):
      // A comprehension's body is a scope of its own: like a function, only walked when deep.
      guard deep else {
        if case .forIn(_, let iterable)? = clauses.first { expression(iterable, deep, visit) }
        return
      }
      expression(element, deep, visit)
      for clause in clauses {
        switch clause {
        case .forIn(_, let iterable): expression(iterable, deep, visit)
        case .filter(let c): expression(c, deep, visit)
        }
      }
    case .unary(_, let a), .not(let a), .member(let a, _): expression(a, deep, visit)
    case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b), .range(let a, let b):
      expression(a, deep, visit)
      expression(b, deep, visit)
    case .call(let callee, let args):
      expression(callee, deep, visit)
      for a in args { expression(a.value, deep, visit) }
    case .index(let base, let items):
      expression(base, deep, visit)
      for item in items {
        switch item {
        case .single(let x): expression(x, deep, visit)
        case .slice(let a, let b, let c):
          for x in [a, b, c].compactMap({ $0 }) { expression(x, deep, visit) }
        }
      }
    case .function(let decl): function(decl, deep, visit)
    case .ifElse(let c, let t, let o):
      expression(c, deep, visit)
      statements(t.statements, intoFunctions: deep, visit)
      if let o { statements(o.statements, intoFunctions: deep, visit) }
    case .block(let b): statements(b.statements, intoFunctions: deep, visit)
    case .tryCatch(let t):
      for b in [t.body, t.handler, t.cleanup].compactMap({ $0 }) { statements(b.statements, intoFunctions: deep, visit) }
    }
  }
}
