import MNLInterrupt

extension Compiler {
  func statement(_ s: Stmt) throws -> Code {
    let loc = s.location
    let c = rt.control
    switch s.kind {
    case .expression(let e):
      return try expression(e)

    case .assign(let targets, let value):
      let v = try expression(value)
      if targets.count == 1, case .name(let name) = targets[0].kind {
        // Plain `x = e`: store straight into the slot (written out rather than `Frame.store`,
        // which costs an extra copy of the value here).
        scope.noteDefinitelyAssigned(name)
        switch scope.resolve(name) {
        case .local(0, let slot):
          return { f in
            f.slots[slot] = try v(f)
            f.assigned[slot] = true
            return .none
          }
        case .global(let name) where scope.isTopLevel:
          let p = rt.globals.slot(name)
          return { f in
            p.pointee = try v(f)
            return .none
          }
        default: break
        }
      }
      if targets.count == 1 {
        let store = try storer(targets[0])
        return { f in
          try store(f, try v(f))
          return .none
        }
      }
      let stores = try targets.map(storer)
      let n = stores.count
      let valueLoc = value.location
      return { f in
        let items = try Compiler.unpack(try v(f), count: n, at: valueLoc)
        for i in 0..<n { try stores[i](f, items[i]) }
        return .none
      }

    case .compoundAssign(let target, let op, let value):
      if case .name = target.kind {
        // `x += e` is `x = x + e`.
        return try statement(Stmt(.assign(targets: [target], value: Expr(.binary(op, target, value), loc)), loc))
      }
      return try compoundAssignment(target, op, value, at: loc)

    case .whileLoop(let cond, let body):
      // The condition and the body run again after the body: its assignments may reach them.
      noteAssignedInLoop(body.statements)
      let test = try condition(cond)
      scope.loopDepth += 1
      let run = try mayNotRun { try block(body) }
      scope.loopDepth -= 1
      return { f in
        while try test(f) {
          if Interrupt.isRequested { throw Runtime.interrupted(loc) }
          _ = try run(f)
          let sig = c.pointee.signal
          if sig != .normal {
            if sig == .breakLoop {
              c.pointee.signal = .normal
              break
            }
            if sig == .continueLoop { c.pointee.signal = .normal } else { return .none }
          }
        }
        return .none
      }

    case .forLoop(let variables, let iterable, let body):
      return try forLoop(variables, iterable, body, at: loc)

    case .breakLoop, .continueLoop:
      let isBreak: Bool
      if case .breakLoop = s.kind { isBreak = true } else { isBreak = false }
      guard scope.loopDepth > 0 else {
        throw Diagnostic("'\(isBreak ? "break" : "continue")' outside a loop", at: loc)
      }
      let sig: Signal = isBreak ? .breakLoop : .continueLoop
      return { _ in
        c.pointee.signal = sig
        return .none
      }

    case .returnValue(let e):
      guard scope.isFunction else {
        throw Diagnostic(
          scope.isTopLevel ? "'return' outside a function" : "'return' inside a list comprehension", at: loc)
      }
      let v = try e.map(expression) ?? { _ in .none }
      return { f in
        let r = try v(f)
        c.pointee.returnValue = r
        c.pointee.signal = .returnValue
        return .none
      }

    case .function(let decl):
      let make = try function(decl)
      let store = try storer(Expr(.name(decl.name ?? "fn"), decl.location))
      // The statement's value is the function, so `fn outer() { fn inner() {…} }` returns inner.
      return { f in
        let fn = try make(f)
        try store(f, fn)
        return fn
      }

    case .declare(let kind, _):
      // The declaration itself was applied to the whole function when it was compiled.
      guard scope.isFunction else {
        throw Diagnostic(
          scope.isTopLevel
            ? "'\(kind.rawValue)' is only allowed inside a function"
              + (kind == .global ? "; top-level names are already global" : "")
            : "'\(kind.rawValue)' cannot be used inside a list comprehension", at: loc)
      }
      return { _ in .none }

    case .use(let path):
      guard scope.isTopLevel else { throw Diagnostic("'use' is only allowed at the top level", at: loc) }
      guard let interpreter = rt.interpreter else { throw Diagnostic("the interpreter is gone", at: loc) }
      let module = try interpreter.loadModule(path, from: file, at: loc)
      return { f in
        guard !module.executed, let code = module.code else { return .none }
        module.executed = true
        do {
          _ = try code(f)
        } catch var d as Diagnostic {
          d.traceback.append("\(loc.description): in use \"\(path)\"")
          throw d
        }
        return .none
      }
    }
  }

  /// `a, b = value`: value must be a list of exactly `count` items.
  static func unpack(_ v: Value, count: Int, at loc: SourceLocation) throws -> [Value] {
    guard case .list(let l) = v else {
      throw Diagnostic("cannot unpack \(v.typeNameWithArticle) into \(count) variables; expected a list", at: loc)
    }
    guard l.items.count == count else {
      throw Diagnostic("cannot unpack a list of \(l.items.count) items into \(count) variables", at: loc)
    }
    return l.items
  }

  /// Names a loop body assigns may already hold a value when an earlier part of it runs again.
  func noteAssignedInLoop(_ body: [Stmt]) {
    var names: [String] = []
    AssignedNames.collect(body, into: &names)
    for name in names { scope.noteAssigned(name) }
  }

  private func forLoop(_ variables: [String], _ iterable: Expr, _ body: Block, at loc: SourceLocation) throws -> Code {
    let c = rt.control
    // The iterable is compiled first: it is evaluated once, before any variable is assigned.
    let rangeBounds: (start: (Frame) throws -> Int, end: (Frame) throws -> Int)?
    if case .range(let lo, let hi) = iterable.kind, variables.count == 1 {
      rangeBounds = (try intOperand(lo, "range start"), try intOperand(hi, "range end"))
    } else {
      rangeBounds = nil
    }
    let items = rangeBounds == nil ? try expression(iterable) : { _ in .none }
    noteAssignedInLoop(body.statements)
    scope.loopDepth += 1
    // The variables are certainly assigned in the body, not after a loop that may not run.
    let (stores, run) = try mayNotRun {
      (try variables.map { try storer(Expr(.name($0), loc)) }, try block(body))
    }
    scope.loopDepth -= 1

    /// Runs the body once; returns false to leave the loop (break, or a return unwinding).
    @inline(__always)
    func step(_ f: Frame) throws -> Bool {
      if Interrupt.isRequested { throw Runtime.interrupted(loc) }
      _ = try run(f)
      let sig = c.pointee.signal
      if sig == .normal { return true }
      if sig == .continueLoop {
        c.pointee.signal = .normal
        return true
      }
      if sig == .breakLoop { c.pointee.signal = .normal }
      return false
    }

    // `for i in a..b`: counts without building a list; a single variable slot is stored directly.
    if let (start, end) = rangeBounds {
      if case .local(0, let slot) = scope.resolve(variables[0]) {
        return { f in
          let a = try start(f)
          let b = try end(f)
          var i = a
          while i < b {
            f.slots[slot] = .int(i)
            f.assigned[slot] = true
            if try !step(f) { break }
            i += 1
          }
          return .none
        }
      }
      if case .global(let name) = scope.resolve(variables[0]), scope.isTopLevel {
        let p = rt.globals.slot(name)
        return { f in
          let a = try start(f)
          let b = try end(f)
          var i = a
          while i < b {
            p.pointee = .int(i)
            if try !step(f) { break }
            i += 1
          }
          return .none
        }
      }
      let store = stores[0]
      return { f in
        let a = try start(f)
        let b = try end(f)
        var i = a
        while i < b {
          try store(f, .int(i))
          if try !step(f) { break }
          i += 1
        }
        return .none
      }
    }

    let n = variables.count
    let iterLoc = iterable.location
    // `for i in range(…)` also counts lazily when `range` is the built-in.
    var lazyRange: ((Frame) throws -> (Int, Int, Int)?)?
    if case .call(let callee, let args) = iterable.kind, case .name("range") = callee.kind,
      n == 1, (1...3).contains(args.count), args.allSatisfy({ $0.label == nil })
    {
      let calleeCode = try expression(callee)
      let argCodes = try args.map { try expression($0.value) }
      let builtinRange = rt.builtinsByName["range"]
      lazyRange = { f in
        guard case .builtin(let b) = try calleeCode(f), b === builtinRange else { return nil }
        var ints: [Int] = []
        for (code, arg) in zip(argCodes, args) {
          guard case .int(let v) = try code(f) else {
            throw Diagnostic("range() expects int arguments", at: arg.location)
          }
          ints.append(v)
        }
        switch ints.count {
        case 1: return (0, ints[0], 1)
        case 2: return (ints[0], ints[1], 1)
        default:
          if ints[2] == 0 { throw Diagnostic("range() step cannot be zero", at: iterLoc) }
          return (ints[0], ints[1], ints[2])
        }
      }
    }
    return { f in
      if let lazyRange, let (a, b, st) = try lazyRange(f) {
        var i = a
        while st > 0 ? i < b : i > b {
          try stores[0](f, .int(i))
          if try !step(f) { break }
          let (next, overflow) = i.addingReportingOverflow(st)
          if overflow { break }
          i = next
        }
        return .none
      }
      let v = try items(f)
      let elements: [Value]
      do { elements = try Indexing.elements(v) } catch { throw Diagnostic.wrap(error, at: iterLoc) }
      for item in elements {
        if n == 1 {
          try stores[0](f, item)
        } else {
          let parts = try Compiler.unpack(item, count: n, at: iterLoc)
          for k in 0..<n { try stores[k](f, parts[k]) }
        }
        if try !step(f) { break }
      }
      return .none
    }
  }

  /// An expression that must evaluate to an int (range bounds).
  func intOperand(_ e: Expr, _ what: String) throws -> (Frame) throws -> Int {
    let code = try expression(e)
    let loc = e.location
    return { f in
      let v = try code(f)
      if case .int(let i) = v { return i }
      throw Diagnostic("\(what) must be an int, got \(v.typeName)", at: loc)
    }
  }
}
