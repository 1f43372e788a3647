import MNLAutodiff
import MNLTensor

/// How tensors live among script values.
///
/// A plain tensor is `Value.tensor`. Inside a function being differentiated (`grad`,
/// `value_and_grad`) tensors that depend on the parameters are `TracedTensor` objects: they
/// behave like tensors (`type(x)` is "tensor") but every operation on them is recorded for the
/// backward pass. Numbers and nested lists convert to tensors wherever a tensor is expected.

/// A tensor that autodiff is tracing.
final class TracedTensor: MNLObject {
  let variable: Variable
  init(_ variable: Variable) { self.variable = variable }
  var typeName: String { "tensor" }
  func display() -> String { variable.value.description }
}

/// A tensor operand of a built-in: a plain value, or one being traced.
enum TensorArg {
  case plain(Tensor)
  case traced(Variable)

  var tensor: Tensor {
    switch self {
    case .plain(let t): return t
    case .traced(let v): return v.value
    }
  }

  var variable: Variable {
    switch self {
    case .plain(let t): return Variable(constant: t)
    case .traced(let v): return v
    }
  }

  var isTraced: Bool {
    if case .traced = self { return true }
    return false
  }
}

extension Value {
  /// The tensor operand this value stands for, or nil for values that are not tensor-like.
  /// Numbers become 0-d tensors (ints as int64, bools as bool), nested lists of numbers
  /// become tensors.
  func tensorArg() throws -> TensorArg? {
    switch self {
    case .tensor(let t): return .plain(t)
    case .object(let o as TracedTensor): return .traced(o.variable)
    case .int, .float, .bool, .list: return try tensorFromLiteral(self).map(TensorArg.plain)
    default: return nil
    }
  }

  /// Wraps an op's result: traced when it still depends on a recorded input.
  static func wrap(_ v: Variable) -> Value {
    v.requiresGradient ? .object(TracedTensor(v)) : .tensor(v.value)
  }

  var isTensorLike: Bool {
    switch self {
    case .tensor: return true
    case .object(let o): return o is TracedTensor
    default: return false
    }
  }
}

/// Numbers, bools and (nested, rectangular) lists of them as a tensor; nil for other values.
/// Like NumPy: all-bool data gives bool, ints (and bools) give the default integer dtype,
/// int64, exactly; any float gives float32. 0-d tensors inside a list promote with the rest.
func tensorFromLiteral(_ value: Value) throws -> Tensor? {
  switch value {
  case .int(let i): return Tensor(integer: Int64(i))
  case .float(let d): return Tensor(scalar: Float(d))
  case .bool(let b): return Tensor(integer: b ? 1 : 0, dtype: .bool)
  case .tensor(let t): return t
  case .list:
    var shape: [Int] = []
    var elements: [LiteralElement] = []
    try flatten(value, depth: 0, shape: &shape, into: &elements)
    // An empty list has no elements to decide: float32, like NumPy's float default.
    let dtype = elements.isEmpty ? .float32 : elements.reduce(DType.bool) { DType.promoted($0, $1.dtype) }
    if dtype == .float32 {
      return try Tensor(shape: shape, values: elements.map(\.float), dtype: .float32)
    }
    return Tensor(shape: shape, integers: elements.map(\.integer), dtype: dtype)
  default: return nil
  }
}

/// One number of a literal list, kept exact until the list's dtype is known.
private enum LiteralElement {
  case integer(Int64, DType)
  case float(Float)

  var dtype: DType {
    switch self {
    case .integer(_, let dtype): dtype
    case .float: .float32
    }
  }

  var integer: Int64 {
    switch self {
    case .integer(let v, _): v
    case .float(let f): Int64(exactly: f) ?? 0  // not reached: a float makes the whole list float32
    }
  }

  var float: Float {
    switch self {
    case .integer(let v, _): Float(v)
    case .float(let f): f
    }
  }
}

/// Appends the numbers of a nested list in row-major order, checking that it is rectangular.
private func flatten(
  _ value: Value, depth: Int, shape: inout [Int], into elements: inout [LiteralElement]
) throws {
  guard depth < 32 else { throw ScriptError("tensor(): list nested too deeply") }
  switch value {
  case .list(let list):
    if depth == shape.count {
      // A number already seen at a shallower depth means rows of different ranks.
      if !elements.isEmpty { throw ragged() }
      shape.append(list.items.count)
    } else if depth > shape.count || shape[depth] != list.items.count {
      throw ragged()
    }
    for item in list.items {
      try flatten(item, depth: depth + 1, shape: &shape, into: &elements)
    }
  case .int(let i):
    guard depth == shape.count else { throw ragged() }
    elements.append(.integer(Int64(i), .defaultInteger))
  case .float(let d):
    guard depth == shape.count else { throw ragged() }
    elements.append(.float(Float(d)))
  case .bool(let b):
    guard depth == shape.count else { throw ragged() }
    elements.append(.integer(b ? 1 : 0, .bool))
  case .tensor(let t) where t.count == 1 && t.isScalar:
    guard depth == shape.count else { throw ragged() }
    elements.append(t.dtype == .float32 ? .float(t.storage.pointer[0]) : .integer(t.integerElement(0), t.dtype))
  default:
    throw ScriptError("tensor() expects numbers or nested lists of numbers, found \(value.typeName)")
  }
}

private func ragged() -> ScriptError {
  ScriptError("tensor() needs a rectangular nested list: every row must have the same length")
}

extension CallContext {
  /// Argument `i` as a tensor operand (numbers and lists convert).
  func tensorArg(_ i: Int) throws -> TensorArg {
    if let t = try self[i].tensorArg() { return t }
    throw typeError(i, expected: "a tensor")
  }

  /// Argument `i` as a plain tensor (traced values are read, not recorded).
  func tensor(_ i: Int) throws -> Tensor { try tensorArg(i).tensor }

  /// Argument `i` as a shape: an int, a list of ints, or a 1-D int tensor.
  func shape(_ i: Int) throws -> [Int] {
    let name = i < function.parameters.count ? function.parameters[i].name : "shape"
    let shape: [Int]
    switch self[i] {
    case .int(let n): shape = [n]
    case .list(let l):
      shape = try l.items.map { item in
        guard case .int(let n) = item else {
          throw ScriptError("\(function.name)(): '\(name)' must be a list of ints, found \(item.typeName) inside")
        }
        return n
      }
    case .tensor(let t) where t.rank <= 1 && t.dtype.isInteger: shape = t.integerValues.map { Int($0) }
    default: throw typeError(i, expected: "a shape (a list of ints)")
    }
    return shape
  }

  /// Argument `i` as an optional axis (none → nil).
  func axis(_ i: Int) throws -> Int? {
    if case .none = self[i] { return nil }
    return try int(i)
  }

  /// Argument `i` as optional axes: none, an int, or a list of ints.
  func axes(_ i: Int) throws -> [Int]? {
    switch self[i] {
    case .none: return nil
    case .int(let n): return [n]
    case .list: return try shape(i)
    default: throw typeError(i, expected: "an axis (an int or a list of ints)")
    }
  }

  func bool(_ i: Int) throws -> Bool {
    if case .bool(let b) = self[i] { return b }
    throw typeError(i, expected: "true or false")
  }

  func float(_ i: Int) throws -> Float {
    if let t = try? tensorArg(i).tensor, t.count == 1, let v = t.scalarValue { return v }
    return Float(try double(i))
  }

  func dtype(_ i: Int) throws -> DType {
    let name = try string(i)
    guard let dtype = DType(name: name) else {
      throw ScriptError("unknown dtype '\(name)'; expected \(DType.namesForMessages)")
    }
    return dtype
  }
}

/// Runs a tensor op on plain tensors, or its recorded twin when any operand is traced.
func tensorOp(
  _ args: [TensorArg], plain: ([Tensor]) throws -> Tensor, traced: ([Variable]) throws -> Variable
) throws -> Value {
  if args.contains(where: \.isTraced) { return .wrap(try traced(args.map(\.variable))) }
  return .tensor(try plain(args.map(\.tensor)))
}

extension Value {
  /// A list of ints (or one int) as [Int]; nil otherwise.
  func intList() throws -> [Int]? {
    switch self {
    case .int(let n): return [n]
    case .list(let l):
      var result: [Int] = []
      for item in l.items {
        guard case .int(let n) = item else { return nil }
        result.append(n)
      }
      return result
    default: return nil
    }
  }
}
