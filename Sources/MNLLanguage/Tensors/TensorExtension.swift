import MNLAutodiff
import MNLTensor

/// Operators, indexing, `len`, printing, truth, iteration and fields (`x.shape`) for tensors,
/// traced or not. Installed in `standardValueExtensions`.
struct TensorExtension: ValueExtension {
  func binary(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws -> Value? {
    guard lhs.isTensorLike || rhs.isTensorLike else { return nil }
    guard var a = try lhs.tensorArg(), var b = try rhs.tensorArg() else { return nil }
    // A script number beside a tensor is a "weak" scalar (NumPy's NEP 50): it takes the
    // tensor's dtype, so int32 tensor + 1 stays int32.
    if !lhs.isTensorLike, let weak = try weakScalar(lhs, beside: b.tensor.dtype, op) { a = .plain(weak) }
    if !rhs.isTensorLike, let weak = try weakScalar(rhs, beside: a.tensor.dtype, op) { b = .plain(weak) }
    if op == .modulo, a.isTraced || b.isTraced {
      // x − floor(x / y)·y: the floor is piecewise constant, the rest is recorded.
      let (x, y) = (a.variable, b.variable)
      let quotient = try MNLAutodiff.unary(.floor, MNLAutodiff.binary(.divide, x, y))
      return .wrap(try x - quotient * y)
    }
    switch op {
    case .matmul:
      let (a, b) = try broadcastMatmulBatch(a, b)
      return try tensorOp([a, b], plain: { try matmul($0[0], $0[1]) }, traced: { try MNLAutodiff.matmul($0[0], $0[1]) })
    case .floorDivide:
      return .tensor(try floorDivision(.floorDivide, a.tensor, b.tensor))
    case .modulo:
      return .tensor(try floorDivision(.modulo, a.tensor, b.tensor))
    case .contains:
      return nil
    default:
      guard let tensorOp = Self.elementwise[op] else { return nil }
      return try MNLLanguage.tensorOp(
        [a, b], plain: { try MNLTensor.binary(tensorOp, $0[0], $0[1]) },
        traced: { try MNLAutodiff.binary(tensorOp, $0[0], $0[1]) })
    }
  }

  /// NumPy broadcasts a batch of 1 against any batch in `@` ([1, n, k] @ [b, k, m]); the float
  /// kernel multiplies equal batches, so the batch of 1 is repeated first (recorded under grad,
  /// whose backward pass sums it back). Found by the NumPy differential test.
  private func broadcastMatmulBatch(_ a: TensorArg, _ b: TensorArg) throws -> (TensorArg, TensorArg) {
    let (sa, sb) = (a.tensor.shape, b.tensor.shape)
    guard sa.count == 3, sb.count == 3, sa[0] != sb[0], sa[0] == 1 || sb[0] == 1 else { return (a, b) }
    func widen(_ x: TensorArg, to batch: Int) throws -> TensorArg {
      let shape = [batch] + x.tensor.shape.dropFirst()
      switch x {
      case .plain(let t): return .plain(try t.broadcast(to: shape))
      case .traced(let v): return .traced(try v.broadcast(to: shape))
      }
    }
    return sa[0] == 1 ? (try widen(a, to: sb[0]), b) : (a, try widen(b, to: sa[0]))
  }

  private func weakScalar(_ value: Value, beside dtype: DType, _ op: BinaryOperator) throws -> Tensor? {
    let comparison = [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(op)
    return try WeakScalar.tensor(value, beside: dtype, comparison: comparison, operation: op.rawValue)
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
      return try tensorOp([x], plain: { try checkedUnary(.negate, $0[0]) }, traced: { try MNLAutodiff.unary(.negate, $0[0]) })
    }
  }

  func index(_ base: Value, _ indices: [IndexValue]) throws -> Value? {
    guard base.isTensorLike, let x = try base.tensorArg() else { return nil }
    // x[int list / int tensor]: gather rows, like NumPy's integer-array indexing on axis 0.
    // x[bool tensor]: a mask over x's shape (or its leading axes) selects elements (rows).
    if indices.count == 1, case .single(let i) = indices[0], let array = try arrayIndex(i) {
      switch array {
      case .gather(let rows):
        return try tensorOp(
          [x, .plain(rows)], plain: { try take($0[0], indices: $0[1], axis: 0) },
          traced: { try MNLAutodiff.take($0[0], indices: $0[1], axis: 0) })
      case .mask(let mask):
        let positions = try maskPositions(mask, for: x.tensor)
        let rowsShape = maskRowsShape(x.tensor, maskRank: mask.rank)
        return try tensorOp(
          [x, .plain(positions)], plain: { try take($0[0].reshaped(unchecked: rowsShape), indices: $0[1], axis: 0) },
          traced: { try MNLAutodiff.take($0[0].reshaped(rowsShape), indices: $0[1], axis: 0) })
      }
    }
    let specs = try indices.map(indexSpec)
    return try tensorOp([x], plain: { try $0[0].indexed(specs) }, traced: { try $0[0].indexed(specs) })
  }

  func setIndex(_ base: inout Value, _ indices: [IndexValue], to newValue: Value) throws -> Bool {
    guard base.isTensorLike, let target = try base.tensorArg() else { return false }
    guard let value = try newValue.tensorArg() else {
      throw ScriptError("cannot assign \(newValue.typeName) into a tensor")
    }
    if indices.count == 1, case .single(let i) = indices[0], let array = try arrayIndex(i) {
      guard case .mask(let mask) = array else {
        throw ScriptError(
          "assigning through an index list (x[[i, j]] = v) is not supported",
          note: "assign rows one at a time, or use a bool mask: x[mask] = v")
      }
      if target.isTraced || value.isTraced {
        // Inside grad, x[mask] = v with one value v is where(mask, v, x), recorded.
        guard value.tensor.count == 1, mask.shape == target.tensor.shape else {
          throw ScriptError(
            "inside grad, x[mask] = v needs one value v and a mask of x's shape",
            note: "write where(mask, v, x) to choose elementwise")
        }
        base = .wrap(
          try MNLAutodiff.whereSelect(
            Variable(constant: mask), value.variable.reshaped([]), target.variable))
        return true
      }
      guard case .tensor(var plain) = base else { return false }
      base = .none
      defer { base = .tensor(plain) }
      try plain.assign(mask: mask, value.tensor)
      return true
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
        note: "use any(x) or all(x); for elementwise logic use logical_and, logical_or, logical_not")
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
      if t.dtype != .float32 { return .int(Int(t.integerElement(0))) }
      guard let i = Int(exactly: v.rounded(.towardZero)) else { throw ScriptError("cannot convert \(v) to int") }
      return .int(i)
    case "float": return .float(t.dtype == .float32 ? Double(v) : Double(t.integerElement(0)))
    case "bool": return .bool(t.dtype == .float32 ? v != 0 : t.integerElement(0) != 0)
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
    if let t = try v.tensorArg()?.tensor, t.count == 1, t.isScalar, t.dtype.isInteger {
      return .index(Int(t.integerElement(0)))
    }
    throw ScriptError(
      "tensor indices must be ints, slices, int arrays (to gather) or bool masks, not \(describeIndex(v))")
  }
}

private func describeIndex(_ v: Value) -> String {
  if let t = try? v.tensorArg()?.tensor { return "a \(t.dtype.rawValue) tensor of shape \(formatShape(t.shape))" }
  return v.typeName
}

/// An array used as an index: integers gather rows, bools mask.
private enum ArrayIndex {
  case gather(Tensor)
  case mask(Tensor)
}

/// `x[list]` or `x[tensor]` with at least one dimension: int arrays gather, bool arrays mask,
/// float arrays are an error (they would need rounding to mean anything).
private func arrayIndex(_ v: Value) throws -> ArrayIndex? {
  let t: Tensor
  switch v {
  case .list:
    guard let literal = try? tensorFromLiteral(v) else {
      throw ScriptError("a list used as an index must hold ints (to gather) or bools (a mask)")
    }
    t = literal
  case .tensor(let tensor) where tensor.rank >= 1: t = tensor
  default: return nil
  }
  // A bool tensor is a mask even when it is empty (x[m] of a size-0 x); an empty list has no
  // dtype of its own and gathers nothing, as NumPy's x[[]] does.
  if t.dtype == .bool { return .mask(t) }
  if t.dtype.isInteger { return .gather(t) }
  if t.count == 0, case .list = v { return .gather(Tensor(shape: t.shape, integers: [], dtype: .defaultInteger)) }
  throw ScriptError(
    "cannot index with a float32 \(v.typeName): integer arrays gather, bool arrays mask",
    note: "for a mask compare instead (x[x > 0]); cast(i, \"int64\") truncates floats to integer indices")
}
