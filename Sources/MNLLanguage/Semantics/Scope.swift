/// Name resolution. Variables are function-scoped, as in Python: a name assigned anywhere in a
/// function body (or a parameter, loop variable, nested `fn` name) is local to that function,
/// unless the function declares it `nonlocal` (an enclosing function's variable) or `global`;
/// other names refer to an enclosing function's locals, then to globals. Top-level names are
/// globals. Each local gets a slot number in its function's frame.
///
/// While the compiler walks a function in source order, each scope also tracks which of its
/// variables may have been assigned so far (a read of one that cannot have been is reported
/// before the program runs) and which certainly have been (those reads need no check; the
/// others check the frame's assigned flag when they run).
final class Scope {
  let parent: Scope?
  /// The top level: its names are globals, not slots.
  let isTopLevel: Bool
  private(set) var slots: [String: Int] = [:]
  private(set) var slotCount = 0
  var loopDepth = 0
  let isFunction: Bool
  /// The function's name for messages (nil for anonymous functions and comprehensions).
  let functionName: String?
  /// Names declared `global` / `nonlocal` in this function.
  private(set) var globalNames: Set<String> = []
  private(set) var nonlocalNames: Set<String> = []
  /// Locals of this scope that some path may have assigned at the point being compiled.
  private var maybeAssigned: Set<String> = []
  /// Locals of this scope that every path has assigned at the point being compiled (code that
  /// may not run restores the set it started with; see `Compiler.mayNotRun`).
  var definitelyAssigned: Set<String> = []
  /// `catch e { … }`: while its block compiles, `e` names a hidden variable of its own
  /// (a slot here, or a hidden global at top level), so the error stays inside the block.
  private var catchVariables: [String: String] = [:]

  init(parent: Scope?, isTopLevel: Bool, isFunction: Bool, functionName: String? = nil) {
    self.parent = parent
    self.isTopLevel = isTopLevel
    self.isFunction = isFunction
    self.functionName = functionName
  }

  @discardableResult
  func declare(_ name: String) -> Int {
    if let s = slots[name] { return s }
    slots[name] = slotCount
    slotCount += 1
    return slotCount - 1
  }

  func declareGlobal(_ name: String) { globalNames.insert(name) }
  func declareNonlocal(_ name: String) { nonlocalNames.insert(name) }

  enum Resolution {
    case local(depth: Int, slot: Int)
    case global(String)
  }

  func resolve(_ name: String) -> Resolution {
    let name = variableName(name)
    var scope: Scope? = self
    var depth = 0
    while let s = scope, !s.isTopLevel {
      if s.globalNames.contains(name) { return .global(name) }
      if let slot = s.slots[name] { return .local(depth: depth, slot: slot) }
      depth += 1
      scope = s.parent
    }
    return .global(name)
  }

  /// True when the enclosing function declared `name` global (so comprehensions inside it
  /// assign the global too).
  func isDeclaredGlobal(_ name: String) -> Bool {
    var scope: Scope? = self
    while let s = scope, !s.isTopLevel {
      if s.globalNames.contains(name) { return true }
      if s.isFunction { return false }
      scope = s.parent
    }
    return false
  }

  private func scope(at depth: Int) -> Scope {
    var s = self
    for _ in 0..<depth { s = s.parent ?? s }
    return s
  }

  /// Records that `name` may be assigned from here on (in the scope that owns it).
  func noteAssigned(_ name: String) {
    if case .local(let depth, _) = resolve(name) { scope(at: depth).maybeAssigned.insert(variableName(name)) }
  }

  /// Records that `name` is assigned here, in this scope, on the path being compiled.
  func noteDefinitelyAssigned(_ name: String) {
    noteAssigned(name)
    if case .local(0, _) = resolve(name) { definitelyAssigned.insert(variableName(name)) }
  }

  /// True when the local `name` (resolved at `depth`) certainly has a value at this point. A
  /// variable never loses its value, so this also holds for a nested function created here.
  func isCertainlyAssigned(_ name: String, depth: Int) -> Bool {
    scope(at: depth).definitelyAssigned.contains(variableName(name))
  }

  /// True when a read of the local `name` (resolved at `depth`) at this point cannot find it
  /// assigned. Reads from a nested function are never certain: it may run later.
  func isCertainlyUnassigned(_ name: String, depth: Int) -> Bool {
    let name = variableName(name)
    var s = self
    for _ in 0..<depth {
      if s.isFunction { return false }
      s = s.parent ?? s
    }
    return !s.maybeAssigned.contains(name)
  }

  /// The variable `name` stands for here: the hidden name of a catch variable whose block is
  /// being compiled, unless a nearer function has a variable of that name of its own.
  func variableName(_ name: String) -> String {
    var scope: Scope? = self
    while let s = scope {
      if let hidden = s.catchVariables[name] { return hidden }
      if s.isTopLevel || s.slots[name] != nil || s.globalNames.contains(name) {
        return name
      }
      scope = s.parent
    }
    return name
  }

  /// Starts a catch block binding `name` to the variable `hiddenName`; returns what to pass to
  /// `endCatch`.
  func beginCatch(_ name: String, hiddenName: String) -> String? {
    let previous = catchVariables[name]
    if !isTopLevel { declare(hiddenName) }
    catchVariables[name] = hiddenName
    return previous
  }

  /// Ends the catch block: `name` means what it meant before it.
  func endCatch(_ name: String, previous: String?) {
    catchVariables[name] = previous
  }

  /// How messages name the function owning the local at `depth`: "f", "fn" for an anonymous
  /// function, "a list comprehension" at top level.
  func ownerDescription(depth: Int) -> String {
    var s: Scope? = scope(at: depth)
    while let current = s, !current.isTopLevel {
      if current.isFunction { return current.functionName ?? "fn" }
      s = current.parent
    }
    return "a list comprehension"
  }

  /// Every name visible from here through enclosing functions (for suggestions).
  var visibleLocalNames: [String] {
    var names: [String] = []
    var scope: Scope? = self
    while let s = scope, !s.isTopLevel {
      names += s.slots.keys
      scope = s.parent
    }
    return names
  }
}
