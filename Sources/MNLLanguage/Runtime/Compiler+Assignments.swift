/// Stores a value into an assignment target.
typealias Store = (Frame, Value) throws -> Void

extension Compiler {
  /// The store for `name`, `r.field` or `xs[i]`.
  func storer(_ target: Expr) throws -> Store {
    let loc = target.location
    switch target.kind {
    case .name(let name):
      var resolution = scope.resolve(name)
      if case .global = resolution, !scope.isTopLevel, !scope.isDeclaredGlobal(name) {
        // Only list-comprehension scopes get here (functions pre-declare what they assign).
        resolution = .local(depth: 0, slot: scope.declare(name))
      }
      scope.noteDefinitelyAssigned(name)
      switch resolution {
      case .local(0, let slot):
        return { f, v in f.store(slot, v) }
      case .local(let depth, let slot):
        return { f, v in f.ancestor(depth).store(slot, v) }
      case .global(let name):
        let p = rt.globals.slot(name)
        return { _, v in p.pointee = v }
      }

    case .member(let objectExpr, let name):
      let object = try expression(objectExpr)
      return { f, v in
        let o = try object(f)
        guard case .record(let r) = o else {
          throw Diagnostic("cannot set field '\(name)' on \(o.typeNameWithArticle); only records have settable fields", at: loc)
        }
        r[name] = v
      }

    case .index(let baseExpr, let items):
      let indices = try indexValues(items, at: loc)
      let update = try updater(baseExpr)
      return { f, v in
        let idx = try indices(f)
        try update(f) { base in
          do { try Indexing.set(&base, idx, v) } catch { throw Diagnostic.wrap(error, at: loc) }
        }
      }

    default:
      throw Diagnostic("cannot assign to this expression", at: loc)
    }
  }

  /// Read-modify-write access to the value of `e`. Lists and records change in place; tensors
  /// are values, so the changed value is stored back. A variable is taken out of its slot while
  /// it changes, so a tensor held only there is not copied.
  func updater(_ e: Expr) throws -> (Frame, (inout Value) throws -> Void) throws -> Void {
    if case .name(let name) = e.kind {
      switch scope.resolve(name) {
      case .local(let depth, let slot):
        let loc = e.location
        let owner = try checkAssignedLocal(name, depth: depth, at: loc)
        return { f, change in
          let frame = f.ancestor(depth)
          guard frame.assigned[slot] else { throw Compiler.unassigned(name, in: owner, at: loc) }
          var v = frame.slots[slot]
          frame.slots[slot] = .none
          defer { frame.slots[slot] = v }
          try change(&v)
        }
      case .global(let name):
        let p = rt.globals.slot(name)
        let loc = e.location
        let locals = scope.visibleLocalNames
        let rt = self.rt
        if checksNamesStatically { globalReads.append((name, loc, locals)) }
        return { _, change in
          guard var v = p.pointee else { throw rt.unknownGlobal(name, at: loc, locals: locals) }
          p.pointee = nil
          defer { p.pointee = v }
          try change(&v)
        }
      }
    }
    let read = try expression(e)
    let writeBack: Store?
    switch e.kind {
    case .member, .index: writeBack = try storer(e)
    default: writeBack = nil
    }
    return { f, change in
      var v = try read(f)
      try change(&v)
      if !v.isCoreValue, let writeBack { try writeBack(f, v) }
    }
  }

  func compoundAssignment(_ target: Expr, _ op: BinaryOperator, _ value: Expr, at loc: SourceLocation) throws -> Code {
    switch target.kind {
    case .name, .member:
      // `x += e` is `x = x + e` (the target has no side effects to repeat).
      let combined = try expression(Expr(.binary(op, target, value), loc))
      let store = try storer(target)
      return { f in
        try store(f, try combined(f))
        return .none
      }
    case .index(let baseExpr, let items):
      let indices = try indexValues(items, at: loc)
      let update = try updater(baseExpr)
      let v = try expression(value)
      return { f in
        let idx = try indices(f)
        // Evaluated before the target is taken out of its variable: `xs[0] += xs[1]` reads xs.
        let operand = try v(f)
        try update(f) { base in
          do {
            let old = try Indexing.get(base, idx)
            try Indexing.set(&base, idx, try Operators.binary(op, old, operand))
          } catch {
            throw Diagnostic.wrap(error, at: loc)
          }
        }
        return .none
      }
    default:
      throw Diagnostic("cannot assign to this expression", at: target.location)
    }
  }

  /// Evaluates `[i]`, `[a:b]`, `[:, j]` index lists.
  func indexValues(_ items: [IndexExpr], at location: SourceLocation) throws -> (Frame) throws -> [IndexValue] {
    enum Part {
      case single(Code)
      case slice(Code?, Code?, Code?, SourceLocation)
    }
    let parts: [Part] = try items.map { item in
      switch item {
      case .single(let e): return .single(try expression(e))
      case .slice(let a, let b, let c):
        let loc = (a ?? b ?? c)?.location ?? location
        return .slice(try a.map(expression), try b.map(expression), try c.map(expression), loc)
      }
    }
    func bound(_ code: Code?, _ f: Frame, _ loc: SourceLocation) throws -> Int? {
      guard let code else { return nil }
      switch try code(f) {
      case .int(let i): return i
      case .none: return nil
      case let v: throw Diagnostic("slice bounds must be ints, got \(v.typeName)", at: loc)
      }
    }
    return { f in
      var out: [IndexValue] = []
      out.reserveCapacity(parts.count)
      for p in parts {
        switch p {
        case .single(let code): out.append(.single(try code(f)))
        case .slice(let a, let b, let c, let loc):
          out.append(.slice(start: try bound(a, f, loc), end: try bound(b, f, loc), step: try bound(c, f, loc)))
        }
      }
      return out
    }
  }
}
