import MNLInterrupt

/// Runs mnl code. One interpreter holds one set of globals (built-ins, `args`, user variables
/// and loaded modules); REPL cells share them.
///
/// The API the CLI and the REPL use:
/// - `runScript(source:path:)` runs a whole script (names are checked before it runs);
/// - `evaluateCell(source:name:)` runs one REPL cell and returns the value of its last
///   expression statement (nil when the cell ends in another statement or the value is none);
///   a failing cell leaves every global as it was at the moment of the error;
/// - `globalNames`, `global(_:)`, `setGlobal(_:_:)` inspect and change globals;
/// - `builtinDoc(_:)` gives a built-in's signature and one-line doc (`:help`), `functionDoc(_:)`
///   a function written in mnl with its doc comment (Runtime/FunctionDocs.swift);
/// - `call(_:_:keywords:)` calls a function value (for built-ins written in Swift);
/// - `register(_:)` adds a built-in to this interpreter.
/// Errors are thrown as `Diagnostic` (render with `.rendered`); `exit(n)` in a script throws
/// `ExitRequest`. Ctrl-C: set `Interrupt.request()`; running code stops with "interrupted"
/// at the next loop iteration or call (the caller clears the flag).
/// Code runs on a thread with a 512 MB stack; calls block until it finishes.
public final class Interpreter {
  public let arguments: [String]
  public let scriptPath: String?
  public let output: OutputSink
  /// Set by a notebook or kernel: pictures go there as MIME bundles (Notebook/RichDisplay.swift).
  public var richDisplay: (any RichDisplay)?
  var displayCounter = 0
  let globals = Globals()
  let runtime: Runtime
  private let root = Frame(count: 0, parent: nil)

  public init(arguments: [String] = [], scriptPath: String? = nil, output: OutputSink = .standardOutput) {
    self.arguments = arguments
    self.scriptPath = scriptPath
    self.output = output
    runtime = Runtime(globals: globals)
    runtime.interpreter = self
    for group in Builtins.standardGroups {
      for b in group { register(b) }
    }
    globals.slot("args").pointee = .list(arguments.map { .string($0) })
  }

  deinit {
    // Values may hold closures that hold the runtime: drop them to break the cycle. Deeply
    // nested values are released recursively, so release them on a large stack.
    let globals = self.globals
    let runtime = self.runtime
    try? LargeStack.run {
      globals.clear()
      runtime.modules = [:]
    }
  }

  /// True while code of this interpreter runs (on its large-stack thread).
  private var isRunning = false

  /// The most nested calls allowed before "stack depth exceeded".
  public var maxCallDepth: Int {
    get { runtime.maxDepth }
    set { runtime.maxDepth = max(1, min(newValue, 100_000)) }
  }

  /// Adds (or replaces) a built-in function in this interpreter's globals.
  public func register(_ builtin: BuiltinFunction) {
    globals.slot(builtin.name).pointee = .builtin(builtin)
    runtime.builtinsByName[builtin.name] = builtin
  }

  /// Runs a script. Unknown names anywhere in it are reported before anything runs.
  public func runScript(source: String, path: String) throws {
    let file = SourceFile(name: path, text: source)
    defer { output.flush() }
    _ = try execute(file, isCell: false)
  }

  /// Runs a REPL cell; returns the value of its last statement if that is an expression
  /// (nil if it is not, or if the value is none).
  public func evaluateCell(source: String, name: String) throws -> Value? {
    let file = SourceFile(name: name, text: source)
    defer { output.flush() }
    return try execute(file, isCell: true)
  }

  private func execute(_ file: SourceFile, isCell: Bool) throws -> Value? {
    let rt = runtime
    let root = self.root
    let box = LargeStack.Box<Value?>(nil)
    try LargeStack.run {
      rt.reset()
      self.isRunning = true
      defer {
        rt.reset()
        self.isRunning = false
      }
      let statements = try Parser.parseProgram(file)
      let compiler = Compiler(runtime: rt, file: file, checksNamesStatically: !isCell)
      let code = try compiler.compileProgram(statements)
      let value = try code(root)
      if isCell, case .expression = statements.last?.kind, case let v = value {
        if case .none = v {} else { box.value = v }
      }
    }
    return box.value
  }

  /// Names of all defined globals (user variables, functions and built-ins), sorted.
  public var globalNames: [String] { globals.definedNames.sorted() }

  public func global(_ name: String) -> Value? { globals.value(name) }

  public func setGlobal(_ name: String, _ value: Value) {
    globals.slot(name).pointee = value
  }

  /// Signature and one-line description of a built-in, e.g. ("len(x)", "Number of elements …").
  public func builtinDoc(_ name: String) -> (signature: String, doc: String)? {
    guard case .builtin(let b)? = globals.value(name) else { return nil }
    return (b.signature, b.doc)
  }

  /// Calls a function or built-in value with arguments (from Swift code such as built-ins).
  public func call(_ callee: Value, _ arguments: [Value], keywords: [(String, Value)] = [], at location: SourceLocation? = nil) throws -> Value {
    let loc = location ?? SourceLocation(file: SourceFile(name: "<call>", text: ""), line: 1, column: 1)
    if isRunning { return try runtime.call(callee, positional: arguments, keywords: keywords, at: loc) }
    // Called from outside (e.g. the REPL): run on the large stack like any code.
    let rt = runtime
    return try LargeStack.run {
      isRunning = true
      defer {
        isRunning = false
        rt.reset()
      }
      return try rt.call(callee, positional: arguments, keywords: keywords, at: loc)
    }
  }
}
