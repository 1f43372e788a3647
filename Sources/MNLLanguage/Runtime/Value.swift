import MNLTensor

/// A value of the language. Scalars are stored inline; lists and records are shared
/// references (assigning a list aliases it, as in Python); tensors are copy-on-write values.
public enum Value {
  case none
  case bool(Bool)
  /// 64-bit integer; arithmetic that overflows is an error, never a wrap-around.
  case int(Int)
  case float(Double)
  case string(String)
  case list(ListObject)
  case record(RecordObject)
  case function(FunctionObject)
  case builtin(BuiltinFunction)
  case tensor(Tensor)
  /// A host object (data set, checkpoint, autodiff variable …) exposed to scripts.
  case object(any MNLObject)
}

/// A mutable list shared by reference.
public final class ListObject {
  public var items: [Value]
  public init(_ items: [Value]) { self.items = items }
}

/// A record `{name: value, …}`: ordered fields, shared by reference.
public final class RecordObject {
  public private(set) var keys: [String] = []
  private var index: [String: Int] = [:]
  public private(set) var values: [Value] = []

  public init() {}

  public init(_ fields: [(String, Value)]) {
    for (k, v) in fields { self[k] = v }
  }

  public subscript(key: String) -> Value? {
    get { index[key].map { values[$0] } }
    set {
      if let i = index[key] {
        if let v = newValue {
          values[i] = v
        } else {
          removeField(at: i)
        }
      } else if let v = newValue {
        index[key] = keys.count
        keys.append(key)
        values.append(v)
      }
    }
  }

  public var fields: [(String, Value)] { Array(zip(keys, values)) }
  public var count: Int { keys.count }

  private func removeField(at i: Int) {
    keys.remove(at: i)
    values.remove(at: i)
    index = [:]
    for (j, k) in keys.enumerated() { index[k] = j }
  }
}

/// A host object visible to scripts (data sets, checkpoints, …): a type name for `type(x)`
/// and messages, a display form, and optional fields (`x.name`).
public protocol MNLObject: AnyObject {
  var typeName: String { get }
  func display() -> String
  /// The field `name`, or nil if there is none (the caller reports the error).
  func field(_ name: String) throws -> Value?
  /// Names listed by REPL completion.
  var fieldNames: [String] { get }
}

extension MNLObject {
  public func field(_ name: String) throws -> Value? { nil }
  public var fieldNames: [String] { [] }
  public func display() -> String { "<\(typeName)>" }
}

extension Value {
  /// The name `type(x)` returns and error messages use.
  public var typeName: String {
    switch self {
    case .none: return "none"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .string: return "string"
    case .list: return "list"
    case .record: return "record"
    case .function: return "function"
    case .builtin: return "builtin"
    case .tensor: return "tensor"
    case .object(let o): return o.typeName
    }
  }

  /// The type name with its indefinite article, for messages: "an int", "a tensor".
  public var typeNameWithArticle: String {
    let name = typeName
    return ("aeiou".contains(name.first ?? "x") ? "an " : "a ") + name
  }

  /// True for none/bool/int/float/string/list/record/function values: the ones the core
  /// handles itself. Everything else goes through `ValueExtension`.
  var isCoreValue: Bool {
    switch self {
    case .tensor, .object: return false
    default: return true
    }
  }

  public static func list(_ items: [Value]) -> Value { .list(ListObject(items)) }
  public static func record(_ fields: [(String, Value)]) -> Value { .record(RecordObject(fields)) }

  /// Field names for REPL completion: a record's fields, a host object's, an extension's.
  public var memberNames: [String] {
    switch self {
    case .record(let r): return r.keys
    case .object(let o): return o.fieldNames + ValueExtensions.installed.flatMap { $0.memberNames(of: self) }
    default: return isCoreValue ? [] : ValueExtensions.installed.flatMap { $0.memberNames(of: self) }
    }
  }

  /// The number as a Double (ints and floats; bools count as 0/1).
  public var asDouble: Double? {
    switch self {
    case .int(let v): return Double(v)
    case .float(let v): return v
    case .bool(let b): return b ? 1 : 0
    default: return nil
    }
  }
}
