import MNLTensor

/// Compiled code: evaluates in a frame and returns the value (statements return `.none`,
/// expression statements their value, so a block's value is its last expression).
typealias Code = (Frame) throws -> Value

/// The compiled, immutable part of a user function, shared by all its closures.
final class CompiledFunction {
  let name: String?
  let parameterNames: [String]
  let slotCount: Int
  var body: Code = { _ in .none }
  let location: SourceLocation

  init(name: String?, parameterNames: [String], slotCount: Int, location: SourceLocation) {
    self.name = name
    self.parameterNames = parameterNames
    self.slotCount = slotCount
    self.location = location
  }
}

/// A function value: compiled code, its default values (evaluated when the `fn` ran),
/// and the frame it closes over.
public final class FunctionObject {
  let compiled: CompiledFunction
  let defaults: [Value?]
  let captured: Frame?

  init(compiled: CompiledFunction, defaults: [Value?], captured: Frame?) {
    self.compiled = compiled
    self.defaults = defaults
    self.captured = captured
  }

  public var name: String { compiled.name ?? "fn" }
  public var parameterNames: [String] { compiled.parameterNames }

  /// "f(a, b = 1)"
  public var signature: String {
    let params = zip(compiled.parameterNames, defaults).map { name, d in
      d.map { "\(name) = \($0.display())" } ?? name
    }
    return "\(compiled.name ?? "fn")(\(params.joined(separator: ", ")))"
  }
}

/// A parameter of a built-in function. A nil default means the argument is required.
public struct BuiltinParameter: @unchecked Sendable {
  public let name: String
  public let defaultValue: Value?
  public init(_ name: String, default defaultValue: Value? = nil) {
    self.name = name
    self.defaultValue = defaultValue
  }
}

/// What a built-in receives: its arguments bound to parameters (defaults filled in), any
/// extra positional arguments (variadic built-ins), the call's location and the interpreter.
public struct CallContext {
  /// One entry per declared parameter, in declaration order.
  public var arguments: [Value]
  /// Positional arguments beyond the declared parameters (only for variadic built-ins).
  public var rest: [Value]
  public let location: SourceLocation
  public unowned let interpreter: Interpreter
  let function: BuiltinFunction

  public subscript(_ i: Int) -> Value { i < arguments.count ? arguments[i] : .none }

  /// Argument `i` as an Int (bools and whole floats are not accepted: ints only).
  public func int(_ i: Int) throws -> Int {
    if case .int(let v) = self[i] { return v }
    throw typeError(i, expected: "an int")
  }

  public func double(_ i: Int) throws -> Double {
    switch self[i] {
    case .int(let v): return Double(v)
    case .float(let v): return v
    default: throw typeError(i, expected: "a number")
    }
  }

  public func string(_ i: Int) throws -> String {
    if case .string(let s) = self[i] { return s }
    throw typeError(i, expected: "a string")
  }

  public func list(_ i: Int) throws -> ListObject {
    if case .list(let l) = self[i] { return l }
    throw typeError(i, expected: "a list")
  }

  public func record(_ i: Int) throws -> RecordObject {
    if case .record(let r) = self[i] { return r }
    throw typeError(i, expected: "a record")
  }

  /// "len() expects argument 'x' to be a list, got int"
  public func typeError(_ i: Int, expected: String) -> ScriptError {
    let name = i < function.parameters.count ? function.parameters[i].name : "\(i + 1)"
    return ScriptError("\(function.name)() expects '\(name)' to be \(expected), got \(self[i].typeName)", kind: "type")
  }
}

/// Signature of a built-in's implementation.
public typealias BuiltinBody = @Sendable (inout CallContext) throws -> Value

/// A function implemented in Swift. Register groups of these in Builtins/Registry.swift, or
/// per interpreter with `Interpreter.register(_:)`.
public final class BuiltinFunction: @unchecked Sendable {
  public let name: String
  public let parameters: [BuiltinParameter]
  /// Accepts extra positional arguments (passed in `CallContext.rest`).
  public let variadic: Bool
  /// One-line description shown by `:help` in the REPL.
  public let doc: String
  let body: BuiltinBody

  public init(
    _ name: String, _ parameters: [BuiltinParameter] = [], variadic: Bool = false, doc: String,
    body: @escaping BuiltinBody
  ) {
    self.name = name
    self.parameters = parameters
    self.variadic = variadic
    self.doc = doc
    self.body = body
  }

  /// "print(values..., sep = \" \", end = \"\\n\")"
  public var signature: String {
    var parts = parameters.map { p in p.defaultValue.map { "\(p.name) = \($0.display())" } ?? p.name }
    if variadic { parts.insert("...", at: parameters.firstIndex { $0.defaultValue != nil } ?? parts.count) }
    return "\(name)(\(parts.joined(separator: ", ")))"
  }
}
