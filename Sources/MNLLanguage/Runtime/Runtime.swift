import MNLInterrupt

/// The state compiled code shares: control signals, call depth, globals, and the machinery
/// for calling functions. Compiled closures capture this (never the `Interpreter`), so an
/// interpreter and its values form no reference cycle through it.
final class Runtime {
  let control: UnsafeMutablePointer<ControlState>
  let globals: Globals
  weak var interpreter: Interpreter?
  /// Deep enough for recursive code of depth 10,000; checked so runaway recursion is an error,
  /// not a crash (interpreters run on a thread with a large stack, see `LargeStack`).
  var maxDepth = 20_000
  /// Names assigned at the top level of any loaded code: these are known globals even before
  /// they run (used for "unknown name" checks).
  var declaredGlobals: Set<String> = []
  /// Modules loaded so far, by absolute path.
  var modules: [String: LoadedModule] = [:]
  var builtinsByName: [String: BuiltinFunction] = [:]
  /// How many `grad` computations are running: while any is, built-ins check that they can
  /// handle the traced tensors they are given (`TracedArguments`).
  var activeGradients = 0
  /// Catch blocks compiled so far: numbers their hidden error variables.
  var catchCount = 0

  init(globals: Globals) {
    self.globals = globals
    control = .allocate(capacity: 1)
    control.initialize(to: ControlState())
  }

  deinit {
    control.deinitialize(count: 1)
    control.deallocate()
  }

  func reset() {
    control.pointee = ControlState()
  }

  static func interrupted(_ loc: SourceLocation) -> Diagnostic {
    Diagnostic("interrupted", at: loc)
  }

  // MARK: - Calling

  /// Runs a user function in a prepared frame (arguments already in their slots).
  @inline(__always)
  func run(_ fn: FunctionObject, frame: Frame, at loc: SourceLocation) throws -> Value {
    let c = control
    c.pointee.depth += 1
    defer { c.pointee.depth -= 1 }
    if c.pointee.depth > maxDepth {
      throw Diagnostic(
        "stack depth exceeded (more than \(maxDepth) nested calls)", at: loc,
        notes: ["is there a recursion without a base case?"])
    }
    if Interrupt.isRequested { throw Runtime.interrupted(loc) }
    do {
      let v = try fn.compiled.body(frame)
      if c.pointee.signal == .returnValue {
        c.pointee.signal = .normal
        let r = c.pointee.returnValue
        c.pointee.returnValue = .none
        return r
      }
      return v
    } catch var d as Diagnostic {
      d.traceback.append("\(loc.description): in \(fn.name)()")
      throw d
    }
  }

  func arityError(_ name: String, params: Int, required: Int, given: Int) -> ScriptError {
    let takes =
      required == params
      ? "\(params) argument\(params == 1 ? "" : "s")"
      : "from \(required) to \(params) arguments"
    return ScriptError("\(name)() takes \(takes) but \(given) \(given == 1 ? "was" : "were") given")
  }

  /// Binds positional and keyword arguments to a user function's parameters and runs it.
  func invoke(
    _ fn: FunctionObject, positional: [Value], keywords: [(String, Value)], at loc: SourceLocation
  ) throws -> Value {
    let names = fn.compiled.parameterNames
    let frame = Frame(count: fn.compiled.slotCount, parent: fn.captured, parameterCount: names.count)
    let required = fn.defaults.firstIndex { $0 != nil } ?? names.count
    guard positional.count <= names.count else {
      throw Diagnostic.wrap(arityError(fn.name, params: names.count, required: required, given: positional.count), at: loc)
    }
    var filled = [Bool](repeating: false, count: names.count)
    for (i, v) in positional.enumerated() {
      frame.slots[i] = v
      filled[i] = true
    }
    for (name, v) in keywords {
      guard let i = names.firstIndex(of: name) else {
        throw Diagnostic(
          "\(fn.name)() has no parameter named '\(name)'\(Suggestions.hint(for: name, in: names))", at: loc)
      }
      if filled[i] { throw Diagnostic("\(fn.name)() got two values for parameter '\(name)'", at: loc) }
      frame.slots[i] = v
      filled[i] = true
    }
    for i in 0..<names.count where !filled[i] {
      guard let d = fn.defaults[i] else {
        throw Diagnostic("\(fn.name)() is missing the argument '\(names[i])'", at: loc)
      }
      frame.slots[i] = d
    }
    return try run(fn, frame: frame, at: loc)
  }

  /// Binds arguments to a built-in's parameters and calls it; its errors get `loc`.
  func invokeBuiltin(
    _ b: BuiltinFunction, positional: [Value], keywords: [(String, Value)], at loc: SourceLocation
  ) throws -> Value {
    guard let interpreter else { throw Diagnostic("the interpreter is gone", at: loc) }
    let params = b.parameters
    var args = [Value?](repeating: nil, count: params.count)
    var rest: [Value] = []
    if b.variadic {
      var p = 0
      for v in positional {
        while p < params.count && params[p].defaultValue != nil { p += 1 }
        if p < params.count {
          args[p] = v
          p += 1
        } else {
          rest.append(v)
        }
      }
    } else {
      guard positional.count <= params.count else {
        let required = params.firstIndex { $0.defaultValue != nil } ?? params.count
        throw Diagnostic.wrap(arityError(b.name, params: params.count, required: required, given: positional.count), at: loc)
      }
      for (i, v) in positional.enumerated() { args[i] = v }
    }
    for (name, v) in keywords {
      guard let i = params.firstIndex(where: { $0.name == name }) else {
        let hint = Suggestions.hint(for: name, in: params.map(\.name))
        throw Diagnostic("\(b.name)() has no parameter named '\(name)'\(hint)", at: loc)
      }
      if args[i] != nil { throw Diagnostic("\(b.name)() got two values for parameter '\(name)'", at: loc) }
      args[i] = v
    }
    var bound: [Value] = []
    bound.reserveCapacity(params.count)
    for (i, p) in params.enumerated() {
      guard let v = args[i] ?? p.defaultValue else {
        throw Diagnostic("\(b.name)() is missing the argument '\(p.name)'", at: loc)
      }
      bound.append(v)
    }
    var context = CallContext(arguments: bound, rest: rest, location: loc, interpreter: interpreter, function: b)
    do {
      if activeGradients > 0 { try TracedArguments.check(context) }
      return try b.body(&context)
    } catch let request as ExitRequest {
      throw request
    } catch {
      throw Diagnostic.wrap(error, fromBuiltin: b.name, at: loc)
    }
  }

  /// Calls any callable value.
  func call(_ callee: Value, positional: [Value], keywords: [(String, Value)], at loc: SourceLocation) throws -> Value {
    switch callee {
    case .function(let fn): return try invoke(fn, positional: positional, keywords: keywords, at: loc)
    case .builtin(let b): return try invokeBuiltin(b, positional: positional, keywords: keywords, at: loc)
    default:
      throw Diagnostic("\(callee.typeNameWithArticle) is not a function and cannot be called", at: loc, kind: "type")
    }
  }

  /// "unknown name 'x'; did you mean 'y'?" at run time (the REPL, or globals never assigned).
  func unknownGlobal(_ name: String, at loc: SourceLocation, locals: [String]) -> Diagnostic {
    if declaredGlobals.contains(name) {
      return Diagnostic("'\(name)' is used before it is assigned", at: loc)
    }
    let hint = Suggestions.hint(for: name, in: locals + globals.definedNames + ["true", "false", "none"])
    return Diagnostic("unknown name '\(name)'\(hint)", at: loc)
  }
}
