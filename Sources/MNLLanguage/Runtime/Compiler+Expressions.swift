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

    case .comprehension(let element, let clauses):
      return try comprehension(element, clauses, at: loc)

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
      let right = try mayNotRun { try expression(b) }
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
      let right = try mayNotRun { try expression(b) }
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
      // After the `if`, a variable is certainly assigned if both branches assign it.
      let s = scope
      let before = s.definitelyAssigned
      let yes = try block(then)
      let afterThen = s.definitelyAssigned
      s.definitelyAssigned = before
      let no = try otherwise.map { try block($0) } ?? { _ in .none }
      s.definitelyAssigned = afterThen.intersection(s.definitelyAssigned)
      return { f in try test(f) ? try yes(f) : try no(f) }

    case .block(let b):
      return try block(b)

    case .tryCatch(let t):
      return try tryCatch(t, at: loc)
    }
  }

  /// A variable read: a frame slot, or a global's fixed storage. A local read before it is
  /// assigned is reported here when that is certain; reads that certainly follow an assignment
  /// load the slot directly; the others check the frame's assigned flag when they run.
  func variable(_ name: String, at loc: SourceLocation) throws -> Code {
    switch scope.resolve(name) {
    case .local(let depth, let slot):
      // Made once here: the closures stay small, which keeps the hot path fast.
      let unassigned = Compiler.unassigned(name, in: try checkAssignedLocal(name, depth: depth, at: loc), at: loc)
      if scope.isCertainlyAssigned(name, depth: depth) {
        switch depth {
        case 0: return { f in f.slots[slot] }
        case 1: return { f in f.ancestor(1).slots[slot] }
        default: return { f in f.ancestor(depth).slots[slot] }
        }
      }
      switch depth {
      case 0:
        return { f in
          if f.assigned[slot] { return f.slots[slot] }
          throw unassigned
        }
      default:
        return { f in
          let frame = f.ancestor(depth)
          if frame.assigned[slot] { return frame.slots[slot] }
          throw unassigned
        }
      }
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

  /// Throws if no path can have assigned the local `name` before this read; returns how
  /// messages name the function owning it.
  func checkAssignedLocal(_ name: String, depth: Int, at loc: SourceLocation) throws -> String {
    let owner = scope.ownerDescription(depth: depth)
    if scope.isCertainlyUnassigned(name, depth: depth) { throw Compiler.unassigned(name, in: owner, at: loc) }
    return owner
  }

  /// "'x' is used before it is assigned in f"
  static func unassigned(_ name: String, in owner: String, at loc: SourceLocation) -> Diagnostic {
    Diagnostic("'\(name)' is used before it is assigned in \(owner)", at: loc)
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
      throw ScriptError("\(o.typeNameWithArticle) has no field '\(name)'\(Suggestions.hint(for: name, in: names))")
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
      case value(Code, String?, Character?, SourceLocation)
    }
    let pieces: [Piece] = try parts.map { part in
      switch part {
      case .text(let s): return .text(s)
      case .value(let e, let spec, let conversion): return .value(try expression(e), spec, conversion, e.location)
      }
    }
    return { f in
      var out = ""
      for p in pieces {
        switch p {
        case .text(let s): out += s
        case .value(let code, let spec, let conversion, let loc):
          var v = try code(f)
          if let conversion { v = Formatting.convert(v, conversion) }
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
    let fscope = Scope(parent: scope, isTopLevel: false, isFunction: true, functionName: decl.name)
    for p in decl.parameters {
      fscope.declare(p.name)
    }
    try declareNonlocalsAndGlobals(decl, in: fscope)
    var assigned: [String] = []
    AssignedNames.collect(decl.body.statements, into: &assigned)
    for name in assigned where !fscope.nonlocalNames.contains(name) && !fscope.globalNames.contains(name) {
      fscope.declare(name)
    }
    for p in decl.parameters { fscope.noteDefinitelyAssigned(p.name) }
    // A nested function may assign these at any call: their reads are checked when they run.
    for name in Declarations.nestedNonlocalNames(decl.body.statements) { fscope.noteAssigned(name) }
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

  /// Checks the function's `nonlocal` and `global` declarations against the enclosing scopes.
  private func declareNonlocalsAndGlobals(_ decl: FunctionDecl, in fscope: Scope) throws {
    let declarations = Declarations.of(decl.body.statements)
    let parameters = Set(decl.parameters.map(\.name))
    let function = decl.name ?? "fn"
    for (name, loc) in declarations.globals {
      if parameters.contains(name) {
        throw Diagnostic("'\(name)' is a parameter of \(function) and cannot also be global", at: loc)
      }
      fscope.declareGlobal(name)
      rt.declaredGlobals.insert(name)
    }
    for (name, loc) in declarations.nonlocals {
      if parameters.contains(name) {
        throw Diagnostic("'\(name)' is a parameter of \(function) and cannot also be nonlocal", at: loc)
      }
      if fscope.globalNames.contains(name) {
        throw Diagnostic("'\(name)' is declared both global and nonlocal in \(function)", at: loc)
      }
      guard case .local = scope.resolve(name) else {
        let hint = Suggestions.hint(for: name, in: scope.visibleLocalNames)
        throw Diagnostic(
          "'nonlocal \(name)': no enclosing function has a variable '\(name)'\(hint)", at: loc,
          notes: scope.isTopLevel
            ? ["to assign a top-level variable from a function, declare it 'global \(name)'"] : [])
      }
      fscope.declareNonlocal(name)
    }
  }

  /// `[element for a, b in xs if cond for c in ys …]`: the clauses nest left to right, as in
  /// Python. The first iterable is evaluated outside; the variables live in a frame of their own.
  private func comprehension(_ element: Expr, _ clauses: [ComprehensionClause], at loc: SourceLocation) throws -> Code {
    guard case .forIn(_, let firstIterable)? = clauses.first else {
      throw Diagnostic("a list comprehension starts with 'for'", at: loc)
    }
    let firstItems = try expression(firstIterable)
    let cscope = Scope(parent: scope, isTopLevel: false, isFunction: false)
    var allVariables: [String] = []
    for case .forIn(let variables, _) in clauses { allVariables += variables }
    for name in allVariables {
      cscope.declare(name)
      // Inner clauses repeat, so any variable may hold a value from an earlier round.
      cscope.noteAssigned(name)
    }
    let saved = scope
    scope = cscope
    defer { scope = saved }
    /// The variables of clauses before `index` are assigned when later parts run.
    func assignedBefore(_ index: Int) -> Set<String> {
      var names: Set<String> = []
      for case .forIn(let variables, _) in clauses.prefix(index) { names.formUnion(variables) }
      return names
    }

    /// Runs the remaining clauses for the current variable values, appending elements to `out`.
    typealias Stage = (Frame, inout [Value]) throws -> Void
    cscope.definitelyAssigned = assignedBefore(clauses.count)
    let make = try expression(element)
    var next: Stage = { f, out in out.append(try make(f)) }
    for (index, clause) in clauses.enumerated().dropFirst().reversed() {
      let inner = next
      cscope.definitelyAssigned = assignedBefore(index)
      switch clause {
      case .filter(let cond):
        let test = try condition(cond)
        next = { f, out in if try test(f) { try inner(f, &out) } }
      case .forIn(let variables, let iterable):
        let items = try expression(iterable)
        let bind = binder(variables, in: cscope, at: iterable.location)
        next = { f, out in
          for item in try bind.elements(try items(f)) {
            if Interrupt.isRequested { throw Runtime.interrupted(loc) }
            try bind.assign(f, item)
            try inner(f, &out)
          }
        }
      }
    }
    guard case .forIn(let firstVariables, _) = clauses[0] else { return { _ in .list([]) } }
    let bindFirst = binder(firstVariables, in: cscope, at: firstIterable.location)
    let body = next
    return { f in
      let elements = try bindFirst.elements(try firstItems(f))
      let inner = Frame(count: cscope.slotCount, parent: f)
      var out: [Value] = []
      out.reserveCapacity(elements.count)
      for item in elements {
        if Interrupt.isRequested { throw Runtime.interrupted(loc) }
        try bindFirst.assign(inner, item)
        try body(inner, &out)
      }
      return .list(ListObject(out))
    }
  }

  /// How a comprehension clause gets its elements and stores each into its variables.
  private func binder(_ variables: [String], in cscope: Scope, at iterLoc: SourceLocation)
    -> (elements: (Value) throws -> [Value], assign: (Frame, Value) throws -> Void)
  {
    let slots = variables.map { cscope.declare($0) }
    let elements: (Value) throws -> [Value] = { source in
      do { return try Indexing.elements(source) } catch { throw Diagnostic.wrap(error, at: iterLoc) }
    }
    if slots.count == 1 {
      let slot = slots[0]
      return (elements, { f, item in f.store(slot, item) })
    }
    return (
      elements,
      { f, item in
        let parts = try Compiler.unpack(item, count: slots.count, at: iterLoc)
        for k in 0..<slots.count { f.store(slots[k], parts[k]) }
      }
    )
  }
}
