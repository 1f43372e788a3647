/// An index component after evaluation: `x[i]`, `x[a:b:c]` (missing bounds are nil).
public enum IndexValue {
  case single(Value)
  case slice(start: Int?, end: Int?, step: Int?)
}

/// Operations on values the core does not know (tensors, autodiff variables, host objects).
///
/// Every operator, index, `len`, display, truth test, iteration and field access whose operand
/// is not a core value (or a binary operator mixing one with a core value) is offered to the
/// installed extensions in order; the first non-nil answer wins. Each method has a default that
/// returns nil ("not mine"), so an extension implements only what it supports. Throw
/// `ScriptError` (or any error with a readable description); the interpreter adds the location.
///
/// Install one by adding it to `standardValueExtensions` (Builtins/Registry.swift), or at run
/// time with `ValueExtensions.install(_:)` before creating interpreters.
public protocol ValueExtension: Sendable {
  func binary(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws -> Value?
  func unary(_ op: UnaryOperator, _ operand: Value) throws -> Value?
  func index(_ base: Value, _ indices: [IndexValue]) throws -> Value?
  /// Returns false if `base` is not yours; mutate `base` in place (it is written back to the variable).
  func setIndex(_ base: inout Value, _ indices: [IndexValue], to newValue: Value) throws -> Bool
  func length(of value: Value) throws -> Int?
  /// The text shown by print/str (and the REPL).
  func describe(_ value: Value) -> String?
  /// `x.name` for non-record values (`t.shape`); nil lets `x.name(args)` fall back to the
  /// built-in `name(x, args)`.
  func member(_ base: Value, _ name: String) throws -> Value?
  func memberNames(of value: Value) -> [String]
  func truth(_ value: Value) throws -> Bool?
  /// The elements `for x in value` visits.
  func iterate(_ value: Value) throws -> [Value]?
  /// `int(x)`, `float(x)`, `bool(x)` of an extension value (`type` is "int", "float" or "bool").
  func convert(_ value: Value, to type: String) throws -> Value?
}

extension ValueExtension {
  public func binary(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws -> Value? { nil }
  public func unary(_ op: UnaryOperator, _ operand: Value) throws -> Value? { nil }
  public func index(_ base: Value, _ indices: [IndexValue]) throws -> Value? { nil }
  public func setIndex(_ base: inout Value, _ indices: [IndexValue], to newValue: Value) throws -> Bool { false }
  public func length(of value: Value) throws -> Int? { nil }
  public func describe(_ value: Value) -> String? { nil }
  public func member(_ base: Value, _ name: String) throws -> Value? { nil }
  public func memberNames(of value: Value) -> [String] { [] }
  public func truth(_ value: Value) throws -> Bool? { nil }
  public func iterate(_ value: Value) throws -> [Value]? { nil }
  public func convert(_ value: Value, to type: String) throws -> Value? { nil }
}

/// The process-wide list of installed extensions.
public enum ValueExtensions {
  /// Written only by `install` (before interpreters run); read on slow paths.
  nonisolated(unsafe) static var installed: [any ValueExtension] = standardValueExtensions

  /// Adds an extension (consulted after the ones already installed). Call before running scripts.
  public static func install(_ ext: any ValueExtension) { installed.append(ext) }

  static func first<T>(_ body: (any ValueExtension) throws -> T?) rethrows -> T? {
    for ext in installed {
      if let r = try body(ext) { return r }
    }
    return nil
  }
}
