import MNLInterrupt

extension Compiler {
  func expression(_ e: Expr) throws -> Code {
    let loc = e.location
    switch e.kind {
    case .literal(let v):
      return { _ in v }

    case .name(let name):
      return try variable(name, at: loc)

    case .interpolated(let parts):
      return try interpolation(parts)

    case .list(let items):
      let codes = try items.map(expression)
      return { f in
        var out: [Value] = []
        out.reserveCapacity(codes.count)
        for c in codes { out.append(try c(f)) }
        return .list(ListObject(out))
      }

    case .record(let fields):
      let codes = try fields.map { ($0.0, try expression($0.1)) }
      return { f in
        let r = RecordObject()
        for (k, c) in codes { r[k] = try c(f) }
        return .record(r)
      }

    case .comprehension(let element, let variables, let iterable, let cond):
      return try comprehension(element, variables, iterable, cond, at: loc)

    case .unary(let op, let operandExpr):
      let operand = try expression(operandExpr)
      return { f in
        let v = try operand(f)
        do {
          if op == .negate {
            if case .float(let d) = v { return .float(-d) }
            return try Operators.negate(v)
          }
          return try Operators.plus(v)
        } catch {
          throw Diagnostic.wrap(error, at: loc)
        }
      }

    case .not(let operandExpr):
      let test = try condition(operandExpr)
      return { f in .bool(!(try test(f))) }

    case .and(let a, let b):
      let left = try expression(a)
      let right = try expression(b)
      return { f in
        let l = try left(f)
        let truth: Bool
        if case .bool(let x) = l { truth = x } else {
          do { truth = try Operators.truthy(l) } catch { throw Diagnostic.wrap(error, at: a.location) }
        }
        return truth ? try right(f) : l
      }

    case .or(let a, let b):
      let left = try expression(a)
      let right = try expression(b)
      return { f in
        let l = try left(f)
        let truth: Bool
        if case .bool(let x) = l { truth = x } else {
          do { truth = try Operators.truthy(l) } catch { throw Diagnostic.wrap(error, at: a.location) }
        }
        return truth ? l : try right(f)
      }

    case .binary(let op, let a, let b):
      return try binary(op, try expression(a), try expression(b), at: loc)

    case .range(let a, let b):
      let lo = try intOperand(a, "range start")
      let hi = try intOperand(b, "range end")
      return { f in
        let start = try lo(f)
        let end = try hi(f)
        guard end <= start || end.subtractingReportingOverflow(start).partialValue <= 10_000_000,
          !end.subtractingReportingOverflow(start).overflow
        else {
          throw Diagnostic("range \(start)..\(end) is too large to make a list; loop over it with 'for' instead", at: loc)
        }
        return end > start ? .list((start..<end).map { .int($0) }) : .list([])
      }

    case .call(let callee, let args):
      return try call(callee, args)

    case .member(let objectExpr, let name):
      let object = try expression(objectExpr)
      return { f in
        let o = try object(f)
        do { return try Compiler.member(o, name) } catch { throw Diagnostic.wrap(error, at: loc) }
      }

    case .index(let baseExpr, let items):
      let base = try expression(baseExpr)
      if items.count == 1, case .single(let ie) = items[0] {
        let index = try expression(ie)
        return { f in
          let b = try base(f)
          let i = try index(f)
          if case .list(let l) = b, case .int(let k) = i, k >= 0, k < l.items.count { return l.items[k] }
          do { return try Indexing.get(b, [.single(i)]) } catch { throw Diagnostic.wrap(error, at: loc) }
        }
      }
      let indices = try indexValues(items, at: loc)
      return { f in
        let b = try base(f)
        let idx = try indices(f)
        do { return try Indexing.get(b, idx) } catch { throw Diagnostic.wrap(error, at: loc) }
      }

    case .function(let decl):
      return try function(decl)

    case .ifElse(let cond, let then, let otherwise):
      let test = try condition(cond)
      let yes = try block(then)
      let no = try otherwise.map { try block($0) } ?? { _ in .none }
      return { f in try test(f) ? try yes(f) : try no(f) }

    case .block(let b):
      return try block(b)
    }
  }

  /// A variable read: a frame slot, or a global's fixed storage.
  func variable(_ name: String, at loc: SourceLocation) throws -> Code {
    switch scope.resolve(name) {
    case .local(0, let slot):
      return { f in f.slots[slot] }
    case .local(1, let slot):
      return { f in f.ancestor(1).slots[slot] }
    case .local(let depth, let slot):
      return { f in f.ancestor(depth).slots[slot] }
    case .global(let name):
      let p = rt.globals.slot(name)
      let locals = scope.visibleLocalNames
      if checksNamesStatically { globalReads.append((name, loc, locals)) }
      let rt = self.rt
      return { _ in
        if let v = p.pointee { return v }
        throw rt.unknownGlobal(name, at: loc, locals: locals)
      }
    }
  }

  /// `x.name` on a value.
  static func member(_ o: Value, _ name: String) throws -> Value {
    switch o {
    case .record(let r):
      if let v = r[name] { return v }
      throw Indexing.missingField(name, in: r)
    case .object(let obj):
      if let v = try obj.field(name) { return v }
      if let v = try ValueExtensions.first({ try $0.member(o, name) }) { return v }
      throw ScriptError("\(obj.typeName) has no field '\(name)'\(Suggestions.hint(for: name, in: obj.fieldNames))")
    default:
      if !o.isCoreValue, let v = try ValueExtensions.first({ try $0.member(o, name) }) { return v }
      let names = ValueExtensions.installed.flatMap { $0.memberNames(of: o) }
      throw ScriptError("a \(o.typeName) has no field '\(name)'\(Suggestions.hint(for: name, in: names))")
    }
  }

  /// Binary operators with inline fast paths for ints and floats.
  func binary(_ op: BinaryOperator, _ l: @escaping Code, _ r: @escaping Code, at loc: SourceLocation) throws -> Code {
    @inline(__always)
    func slow(_ a: Value, _ b: Value) throws -> Value {
      do { return try Operators.binary(op, a, b) } catch { throw Diagnostic.wrap(error, at: loc) }
    }
    switch op {
    case .add:
      return { f in
        let a = try l(f)
        let b = try r(f)
        switch (a, b) {
        case (.float(let x), .float(let y)): return .float(x + y)
        case (.int(let x), .int(let y)):
          let (v, o) = x.addingReportingOverflow(y)
          if !o { return .int(v) }
        case (.int(let x), .float(let y)): return .float(Double(x) + y)
        case (.float(let x), .int(let y)): return .float(x + Double(y))
        default: break
        }
        return try slow(a, b)
      }
    case .subtract:
      return { f in
        let a = try l(f)
        let b = try r(f)
        switch (a, b) {
        case (.float(let x), .float(let y)): return .float(x - y)
        case (.int(let x), .int(let y)):
          let (v, o) = x.subtractingReportingOverflow(y)
          if !o { return .int(v) }
        default: break
        }
        return try slow(a, b)
      }
    case .multiply:
      return { f in
        let a = try l(f)
        let b = try r(f)
        switch (a, b) {
        case (.float(let x), .float(let y)): return .float(x * y)
        case (.int(let x), .float(let y)): return .float(Double(x) * y)
        case (.float(let x), .int(let y)): return .float(x * Double(y))
        case (.int(let x), .int(let y)):
          let (v, o) = x.multipliedReportingOverflow(by: y)
          if !o { return .int(v) }
        default: break
        }
        return try slow(a, b)
      }
    case .less, .lessEqual, .greater, .greaterEqual:
      return { f in
        let a = try l(f)
        let b = try r(f)
        if case .int(let x) = a, case .int(let y) = b {
          switch op {
          case .less: return .bool(x < y)
          case .lessEqual: return .bool(x <= y)
          case .greater: return .bool(x > y)
          default: return .bool(x >= y)
          }
        }
        return try slow(a, b)
      }
    case .equal, .notEqual:
      let wantEqual = op == .equal
      return { f in
        let a = try l(f)
        let b = try r(f)
        if case .int(let x) = a, case .int(let y) = b { return .bool((x == y) == wantEqual) }
        return try slow(a, b)
      }
    default:
      return { f in try slow(try l(f), try r(f)) }
    }
  }

  /// f"…{expr:spec}…"
  private func interpolation(_ parts: [InterpolatedPart]) throws -> Code {
    enum Piece {
      case text(String)
      case value(Code, String?, SourceLocation)
    }
    let pieces: [Piece] = try parts.map { part in
      switch part {
      case .text(let s): return .text(s)
      case .value(let e, let spec): return .value(try expression(e), spec, e.location)
      }
    }
    return { f in
      var out = ""
      for p in pieces {
        switch p {
        case .text(let s): out += s
        case .value(let code, let spec, let loc):
          let v = try code(f)
          if let spec {
            do { out += try Formatting.format(v, spec: spec) } catch { throw Diagnostic.wrap(error, at: loc) }
          } else {
            out += v.text
          }
        }
      }
      return .string(out)
    }
  }

  /// `fn (params) { body }`: compiles the body in a new scope; evaluating the expression makes a
  /// closure over the current frame, with default values evaluated then.
  func function(_ decl: FunctionDecl) throws -> Code {
    let defaults = try decl.parameters.map { p in try p.defaultValue.map(expression) }
    let fscope = Scope(parent: scope, isTopLevel: false, isFunction: true)
    for p in decl.parameters { fscope.declare(p.name) }
    var assigned: [String] = []
    AssignedNames.collect(decl.body.statements, into: &assigned)
    for name in assigned { fscope.declare(name) }
    let saved = scope
    scope = fscope
    defer { scope = saved }
    let body = try block(decl.body)
    let compiled = CompiledFunction(
      name: decl.name, parameterNames: decl.parameters.map(\.name), slotCount: fscope.slotCount,
      location: decl.location)
    compiled.body = body
    return { f in
      var values: [Value?] = []
      values.reserveCapacity(defaults.count)
      for d in defaults { values.append(try d?(f)) }
      return .function(FunctionObject(compiled: compiled, defaults: values, captured: f))
    }
  }

  /// `[element for a, b in iterable if cond]`: the variables live in a frame of their own.
  private func comprehension(
    _ element: Expr, _ variables: [String], _ iterable: Expr, _ cond: Expr?, at loc: SourceLocation
  ) throws -> Code {
    let items = try expression(iterable)
    let cscope = Scope(parent: scope, isTopLevel: false, isFunction: false)
    let slots = variables.map { cscope.declare($0) }
    let saved = scope
    scope = cscope
    defer { scope = saved }
    let make = try expression(element)
    let test = try cond.map(condition)
    let n = variables.count
    let iterLoc = iterable.location
    return { f in
      let source = try items(f)
      let elements: [Value]
      do { elements = try Indexing.elements(source) } catch { throw Diagnostic.wrap(error, at: iterLoc) }
      let inner = Frame(count: cscope.slotCount, parent: f)
      var out: [Value] = []
      out.reserveCapacity(elements.count)
      for item in elements {
        if Interrupt.isRequested { throw Runtime.interrupted(loc) }
        if n == 1 {
          inner.slots[slots[0]] = item
        } else {
          let parts = try Compiler.unpack(item, count: n, at: iterLoc)
          for k in 0..<n { inner.slots[slots[k]] = parts[k] }
        }
        if let test, try !test(inner) { continue }
        out.append(try make(inner))
      }
      return .list(ListObject(out))
    }
  }
}
