/// Binary elementwise operations with NumPy broadcasting, `whereSelect`, and the dtype rules
/// for their results.
import MNLKernels

/// Binary elementwise operations. Comparisons give 0/1 float32 tensors.
public enum BinaryOp: String, Sendable, CaseIterable {
  case add, subtract, multiply, divide, power, maximum, minimum
  case equal, notEqual, less, lessEqual, greater, greaterEqual

  /// How the op is named in error messages ("+", "maximum", …).
  public var symbol: String {
    switch self {
    case .add: "+"
    case .subtract: "-"
    case .multiply: "*"
    case .divide: "/"
    case .power: "**"
    case .maximum: "maximum"
    case .minimum: "minimum"
    case .equal: "=="
    case .notEqual: "!="
    case .less: "<"
    case .lessEqual: "<="
    case .greater: ">"
    case .greaterEqual: ">="
    }
  }

  var kernel: ElementwiseBinaryKind {
    switch self {
    case .add: .add
    case .subtract: .subtract
    case .multiply: .multiply
    case .divide: .divide
    case .power: .power
    case .maximum: .maximum
    case .minimum: .minimum
    case .equal: .equal
    case .notEqual: .notEqual
    case .less: .less
    case .lessEqual: .lessEqual
    case .greater: .greater
    case .greaterEqual: .greaterEqual
    }
  }

  /// int op int stays int32 for +, -, *, maximum, minimum; everything else is float32
  /// (`/` divides like Python 3; `**` may give fractions for negative exponents).
  func resultType(_ a: DType, _ b: DType) -> DType {
    switch self {
    case .add, .subtract, .multiply, .maximum, .minimum:
      a.isInteger && b.isInteger ? .int32 : .float32
    default: .float32
    }
  }
}

/// `a op b` elementwise, broadcasting like NumPy. Throws when the shapes cannot broadcast.
public func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
  let shape = try broadcastShapes(a.shape, b.shape, op: op.symbol)
  var result = Tensor(uninitializedShape: shape, dtype: op.resultType(a.dtype, b.dtype))
  if result.count == 0 { return result }
  result.withUnsafeMutableBufferPointer { out in
    let outBase = out.baseAddress.unsafelyUnwrapped
    let pa = a.storage.pointer
    let pb = b.storage.pointer
    if a.shape == b.shape {
      Elementwise.binary(op.kernel, pa, aStep: 1, pb, bStep: 1, outBase, count: out.count)
    } else if a.count == 1 && b.count == out.count {
      Elementwise.binary(op.kernel, pa, aStep: 0, pb, bStep: 1, outBase, count: out.count)
    } else if b.count == 1 && a.count == out.count {
      Elementwise.binary(op.kernel, pa, aStep: 1, pb, bStep: 0, outBase, count: out.count)
    } else {
      let (runShape, strides) = coalesceAxes(
        shape, [broadcastStrides(a.shape, to: shape), broadcastStrides(b.shape, to: shape)])
      Elementwise.binaryBroadcast(
        op.kernel, pa, aStrides: strides[0], pb, bStrides: strides[1], outBase, shape: runShape)
    }
  }
  return result
}

/// Elementwise `cond != 0 ? a : b`, all three broadcast together. The result is int32 when
/// `a` and `b` are both integer, float32 otherwise.
public func whereSelect(_ cond: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
  let ab = try broadcastShapes(a.shape, b.shape, op: "where")
  let shape = try broadcastShapes(cond.shape, ab, op: "where")
  let c = try cond.broadcast(to: shape)
  let x = try a.broadcast(to: shape)
  let y = try b.broadcast(to: shape)
  let dtype: DType = a.dtype.isInteger && b.dtype.isInteger ? .int32 : .float32
  var result = Tensor(uninitializedShape: shape, dtype: dtype)
  result.withUnsafeMutableBufferPointer { out in
    Elementwise.select(
      c.storage.pointer, x.storage.pointer, y.storage.pointer, out.baseAddress.unsafelyUnwrapped,
      count: out.count)
  }
  return result
}
