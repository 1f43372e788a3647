import MNLAutodiff
import MNLTensor

/// Operators, indexing, `len`, printing, truth, iteration and fields (`x.shape`) for tensors,
/// traced or not. Installed in `standardValueExtensions`.
struct TensorExtension: ValueExtension {
  func binary(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws -> Value? {
    guard lhs.isTensorLike || rhs.isTensorLike else { return nil }
    guard let a = try lhs.tensorArg(), let b = try rhs.tensorArg() else { return nil }
    if op == .modulo, a.isTraced || b.isTraced {
      // x − floor(x / y)·y: the floor is piecewise constant, the rest is recorded.
      let (x, y) = (a.variable, b.variable)
      let quotient = try MNLAutodiff.unary(.floor, MNLAutodiff.binary(.divide, x, y))
      return .wrap(try x - quotient * y)
    }
    switch op {
    case .matmul:
      return try tensorOp([a, b], plain: { try matmul($0[0], $0[1]) }, traced: { try MNLAutodiff.matmul($0[0], $0[1]) })
    case .floorDivide:
      return .tensor(MNLTensor.unary(.floor, try MNLTensor.binary(.divide, a.tensor, b.tensor)))
    case .modulo:
      let (x, y) = (a.tensor, b.tensor)
      let quotient = MNLTensor.unary(.floor, try MNLTensor.binary(.divide, x, y))
      return .tensor(try MNLTensor.binary(.subtract, x, try MNLTensor.binary(.multiply, quotient, y)))
    case .contains:
      return nil
    default:
      guard let tensorOp = Self.elementwise[op] else { return nil }
      return try MNLLanguage.tensorOp(
        [a, b], plain: { try MNLTensor.binary(tensorOp, $0[0], $0[1]) },
        traced: { try MNLAutodiff.binary(tensorOp, $0[0], $0[1]) })
    }
  }

  private static let elementwise: [BinaryOperator: BinaryOp] = [
    .add: .add, .subtract: .subtract, .multiply: .multiply, .divide: .divide, .power: .power,
    .equal: .equal, .notEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
    .greater: .greater, .greaterEqual: .greaterEqual,
  ]

  func unary(_ op: UnaryOperator, _ operand: Value) throws -> Value? {
    guard operand.isTensorLike, let x = try operand.tensorArg() else { return nil }
    switch op {
    case .plus: return operand
    case .negate:
      return try tensorOp([x], plain: { MNLTensor.unary(.negate, $0[0]) }, traced: { try MNLAutodiff.unary(.negate, $0[0]) })
    }
  }

  func index(_ base: Value, _ indices: [IndexValue]) throws -> Value? {
    guard base.isTensorLike, let x = try base.tensorArg() else { return nil }
    // x[list] / x[int tensor]: gather rows, like NumPy's integer-array indexing on axis 0.
    if indices.count == 1, case .single(let i) = indices[0], let rows = try gatherIndices(i) {
      return try tensorOp(
        [x, .plain(rows)], plain: { try take($0[0], indices: $0[1], axis: 0) },
        traced: { try MNLAutodiff.take($0[0], indices: $0[1], axis: 0) })
    }
    let specs = try indices.map(indexSpec)
    return try tensorOp([x], plain: { try $0[0].indexed(specs) }, traced: { try $0[0].indexed(specs) })
  }

  func setIndex(_ base: inout Value, _ indices: [IndexValue], to newValue: Value) throws -> Bool {
    guard base.isTensorLike, let target = try base.tensorArg() else { return false }
    guard let value = try newValue.tensorArg() else {
      throw ScriptError("cannot assign \(newValue.typeName) into a tensor")
    }
    let specs = try indices.map(indexSpec)
    if target.isTraced || value.isTraced {
      // Inside grad, `x[i] = v` is the functional update x.at[i].set(v) (as in JAX): the
      // variable gets a new traced tensor, and the gradient flows to both x and v.
      base = .wrap(try target.variable.assigning(specs, value.variable))
      return true
    }
    guard case .tensor(var plain) = base else { return false }
    base = .none  // drop our reference so the assignment below mutates in place (no copy)
    defer { base = .tensor(plain) }  // also on error: the variable keeps its tensor
    try plain.assign(specs, value.tensor)
    return true
  }

  func length(of value: Value) throws -> Int? {
    guard value.isTensorLike, let t = try value.tensorArg()?.tensor else { return nil }
    guard let first = t.shape.first else { throw ScriptError("len() of a 0-d tensor") }
    return first
  }

  func describe(_ value: Value) -> String? {
    guard value.isTensorLike, let t = try? value.tensorArg()?.tensor else { return nil }
    return t.description
  }

  func member(_ base: Value, _ name: String) throws -> Value? {
    guard base.isTensorLike, let x = try base.tensorArg() else { return nil }
    let t = x.tensor
    switch name {
    case "shape": return .list(t.shape.map(Value.int))
    case "dtype": return .string(t.dtype.rawValue)
    case "ndim": return .int(t.rank)
    case "size": return .int(t.count)
    case "T":
      return try tensorOp([x], plain: { try $0[0].transposed() }, traced: { try $0[0].transposed() })
    default: return nil
    }
  }

  func memberNames(of value: Value) -> [String] {
    value.isTensorLike ? ["shape", "dtype", "ndim", "size", "T"] : []
  }

  func truth(_ value: Value) throws -> Bool? {
    guard value.isTensorLike, let t = try value.tensorArg()?.tensor else { return nil }
    guard let v = t.scalarValue else {
      throw ScriptError(
        "the truth value of a tensor with \(t.count) elements is ambiguous",
        note: "use any(x) or all(x), or compare a reduction such as sum(x) > 0")
    }
    return v != 0
  }

  func iterate(_ value: Value) throws -> [Value]? {
    guard value.isTensorLike, let x = try value.tensorArg() else { return nil }
    guard let rows = x.tensor.shape.first else { throw ScriptError("cannot iterate over a 0-d tensor") }
    // Each row is x[i]: recorded like any indexing when x is traced.
    return try (0..<rows).map { i in
      try tensorOp([x], plain: { try $0[0].indexed([.index(i)]) }, traced: { try $0[0].indexed([.index(i)]) })
    }
  }

  func convert(_ value: Value, to type: String) throws -> Value? {
    guard value.isTensorLike, let x = try value.tensorArg() else { return nil }
    let t = x.tensor
    if x.isTraced, type == "float" {
      // int() and bool() are piecewise constant (zero gradient is right); float() is not.
      throw ScriptError(
        "float() cannot convert a tensor that grad is tracing to a number: the gradient would be lost",
        note: "keep it a tensor (a one-element tensor works wherever a number does), or use float(stop_gradient(x)) to read its value as a constant")
    }
    guard let v = t.scalarValue else {
      throw ScriptError(
        "\(type)() needs a tensor with one element, got shape \(formatShape(t.shape))")
    }
    switch type {
    case "int":
      guard let i = Int(exactly: v.rounded(.towardZero)) else { throw ScriptError("cannot convert \(v) to int") }
      return .int(i)
    case "float": return .float(Double(v))
    case "bool": return .bool(v != 0)
    default: return nil
    }
  }
}

/// A script index (`x[i]`, `x[a:b:c]`, `x[none]` for a new axis) as a tensor index.
private func indexSpec(_ index: IndexValue) throws -> IndexSpec {
  switch index {
  case .slice(let start, let end, let step):
    if step == 0 { throw ScriptError("slice step cannot be zero") }
    return .range(start: start, end: end, step: step)
  case .single(.int(let i)): return .index(i)
  case .single(.none): return .newAxis
  case .single(let v):
    if let t = try v.tensorArg()?.tensor, t.count == 1, t.dtype.isInteger, let f = t.scalarValue,
      let i = Int(exactly: f)
    {
      return .index(i)
    }
    throw ScriptError("tensor indices must be ints or slices, not \(v.typeName)")
  }
}

/// An index list for gathering: a list of ints or an int tensor with at least one dimension.
private func gatherIndices(_ v: Value) throws -> Tensor? {
  switch v {
  case .list:
    guard let t = try tensorFromLiteral(v), t.dtype.isInteger || t.count == 0 else {
      throw ScriptError("a list used as an index must hold ints")
    }
    return cast(t, to: .int32)
  case .tensor(let t) where t.rank >= 1:
    guard t.dtype.isInteger else { throw ScriptError("a tensor used as an index must have an integer dtype; use cast(x, \"int32\")") }
    return t
  default: return nil
  }
}
