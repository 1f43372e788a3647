import MNLInterrupt

/// A module loaded by `use`: compiled once, run the first time a `use` of it executes.
final class LoadedModule {
  let path: String
  var code: Code?
  var executed = false
  init(path: String) { self.path = path }
}

/// Compiles the syntax tree into Swift closures over resolved variable slots: names are looked
/// up once here, never while the program runs. Statements are compiled in `Compiler+Statements`,
/// expressions in `Compiler+Expressions`, calls in `Compiler+Calls`, assignments in
/// `Compiler+Assignments`.
final class Compiler {
  let rt: Runtime
  let file: SourceFile
  var scope: Scope
  /// REPL cells may refer to globals a later cell defines; scripts are checked before running.
  let checksNamesStatically: Bool
  /// Global names read by the code, checked once the whole program is compiled.
  var globalReads: [(name: String, location: SourceLocation, locals: [String])] = []

  init(runtime: Runtime, file: SourceFile, checksNamesStatically: Bool) {
    self.rt = runtime
    self.file = file
    self.scope = Scope(parent: nil, isTopLevel: true, isFunction: false)
    self.checksNamesStatically = checksNamesStatically
  }

  /// Compiles a script, module or cell; its value is that of its last statement.
  func compileProgram(_ statements: [Stmt]) throws -> Code {
    var assigned: [String] = []
    AssignedNames.collect(statements, into: &assigned)
    rt.declaredGlobals.formUnion(assigned)
    let code = try block(statements)
    if checksNamesStatically {
      for read in globalReads where !isKnownGlobal(read.name) {
        let candidates = read.locals + Array(rt.declaredGlobals) + rt.globals.definedNames + ["true", "false", "none"]
        throw Diagnostic(
          "unknown name '\(read.name)'\(Suggestions.hint(for: read.name, in: candidates))", at: read.location)
      }
    }
    return code
  }

  func isKnownGlobal(_ name: String) -> Bool {
    rt.declaredGlobals.contains(name) || rt.globals.value(name) != nil
  }

  /// A block: runs statements until one signals break/continue/return; its value is the last one's.
  func block(_ statements: [Stmt]) throws -> Code {
    let c = rt.control
    // Short blocks avoid holding their code in an array: closures taken out of an array are
    // called through an extra reabstraction thunk.
    switch statements.count {
    case 0: return { _ in .none }
    case 1: return try statement(statements[0])
    case 2:
      let a = try statement(statements[0])
      let b = try statement(statements[1])
      return { f in
        let v = try a(f)
        if c.pointee.signal != .normal { return v }
        return try b(f)
      }
    default:
      let codes = try statements.map(statement)
      return { f in
        var last = Value.none
        for code in codes {
          last = try code(f)
          if c.pointee.signal != .normal { return last }
        }
        return last
      }
    }
  }

  func block(_ b: Block) throws -> Code { try block(b.statements) }

  /// Compiles code that may not run (a branch, a loop body, the right side of `and`/`or`):
  /// the variables it assigns are not certainly assigned after it.
  func mayNotRun<T>(_ body: () throws -> T) rethrows -> T {
    let s = scope
    let saved = s.definitelyAssigned
    defer { s.definitelyAssigned = saved }
    return try body()
  }

  /// Evaluates a condition to a Bool (Python-style truth), locating errors at `loc`.
  func condition(_ e: Expr) throws -> (Frame) throws -> Bool {
    let code = try expression(e)
    let loc = e.location
    return { f in
      let v = try code(f)
      if case .bool(let b) = v { return b }
      do { return try Operators.truthy(v) } catch { throw Diagnostic.wrap(error, at: loc) }
    }
  }
}
