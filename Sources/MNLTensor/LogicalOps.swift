/// Elementwise logic on tensors (NumPy's logical_and/or/xor/not: any dtype, non-zero is
/// true, the result is bool), whole-tensor any/all, and `nonzero`.

public enum LogicalOp: String, Sendable, CaseIterable {
  case and, or, xor
}

/// `a op b` elementwise with broadcasting, as a bool tensor.
public func logical(_ op: LogicalOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
  let shape = try broadcastShapes(a.shape, b.shape, op: "logical_\(op.rawValue)")
  let x = try a.broadcast(to: shape)
  let y = try b.broadcast(to: shape)
  let bits: [Int64] = (0..<x.count).map { i in
    let (p, q) = (x.isNonZero(i), y.isNonZero(i))
    let truth =
      switch op {
      case .and: p && q
      case .or: p || q
      case .xor: p != q
      }
    return truth ? 1 : 0
  }
  return Tensor(shape: shape, integers: bits, dtype: .bool)
}

/// `not x` elementwise, as a bool tensor.
public func logicalNot(_ x: Tensor) -> Tensor {
  Tensor(shape: x.shape, integers: (0..<x.count).map { x.isNonZero($0) ? 0 : 1 }, dtype: .bool)
}

extension Tensor {
  /// Some element is non-zero (false for an empty tensor).
  public var anyNonZero: Bool { (0..<count).contains { isNonZero($0) } }

  /// Every element is non-zero (true for an empty tensor).
  public var allNonZero: Bool { (0..<count).allSatisfy { isNonZero($0) } }
}

/// NumPy's nonzero: for each axis, the int64 positions of the non-zero elements along it
/// (row-major order), one 1-D tensor per axis. A 0-d tensor is treated as 1-D.
public func nonzero(_ x: Tensor) -> [Tensor] {
  let shape = x.isScalar ? [1] : x.shape
  let strides = contiguousStrides(shape)
  let flat = (0..<x.count).filter { x.isNonZero($0) }
  return shape.indices.map { axis in
    let positions = flat.map { Int64(($0 / strides[axis]) % shape[axis]) }
    return Tensor(shape: [positions.count], integers: positions, dtype: .defaultInteger)
  }
}
