/// Binary elementwise operations with NumPy broadcasting and `whereSelect`: float32 operands
/// use the float kernels; other dtypes go through IntegerArithmetic.swift. Result dtypes are
/// in Promotion.swift.
import MNLKernels

/// Binary elementwise operations. Comparisons give bool tensors; see `resultType` for the rest.
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
}

/// `a op b` elementwise, broadcasting like NumPy. Throws when the shapes cannot broadcast and,
/// for integer results, when a value does not fit the result dtype (no wrap-around) or an
/// integer power has a negative exponent. float32 operands go through the float kernels;
/// integer and bool operands are computed exactly in Int64.
public func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
  let shape = try broadcastShapes(a.shape, b.shape, op: op.symbol)
  if a.dtype == .float32 && b.dtype == .float32 {
    let result = floatBinary(op, a, b, shape: shape)
    return op.isComparison ? boolFromFloatMask(result) : result
  }
  if op.isComparison { return try compareExactly(op, a, b, shape: shape) }
  let dtype = op.resultType(a.dtype, b.dtype)
  if dtype == .float32 {
    return floatBinary(op, a.convertedToFloat32(), b.convertedToFloat32(), shape: shape)
  }
  return try integerBinary(op, a, b, shape: shape, dtype: dtype)
}

/// The float kernels on two float32 tensors; comparisons give 0/1 floats here.
private func floatBinary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
  var result = Tensor(uninitializedShape: shape, dtype: .float32)
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

/// A bool tensor from a float32 one: true where the element is non-zero.
func boolFromFloatMask(_ mask: Tensor) -> Tensor {
  let result = Tensor(uninitializedShape: mask.shape, dtype: .bool)
  let out = result.storage.raw.assumingMemoryBound(to: UInt8.self)
  let src = mask.storage.pointer
  for i in 0..<mask.count { out[i] = src[i] != 0 ? 1 : 0 }
  return result
}

/// Elementwise `cond != 0 ? a : b`, all three broadcast together (any dtype of `cond`; NaN
/// counts as true). The result has the promoted dtype of `a` and `b`.
public func whereSelect(_ cond: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
  let ab = try broadcastShapes(a.shape, b.shape, op: "where")
  let shape = try broadcastShapes(cond.shape, ab, op: "where")
  let c = try cond.broadcast(to: shape)
  let dtype = DType.promoted(a.dtype, b.dtype)
  guard dtype == .float32 else {
    let x = try cast(a, to: dtype).broadcast(to: shape).integerValues
    let y = try cast(b, to: dtype).broadcast(to: shape).integerValues
    let picked = (0..<c.count).map { c.isNonZero($0) ? x[$0] : y[$0] }
    return Tensor(shape: shape, integers: picked, dtype: dtype)
  }
  let floatCond = c.dtype == .float32 ? c : try cast(try cast(c, to: .bool), to: .float32)
  let x = try a.convertedToFloat32().broadcast(to: shape)
  let y = try b.convertedToFloat32().broadcast(to: shape)
  var result = Tensor(uninitializedShape: shape, dtype: .float32)
  result.withUnsafeMutableBufferPointer { out in
    Elementwise.select(
      floatCond.storage.pointer, x.storage.pointer, y.storage.pointer, out.baseAddress.unsafelyUnwrapped,
      count: out.count)
  }
  return result
}
