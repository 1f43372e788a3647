/// Unary elementwise operations (negate, exp, log, relu, …) and the ReLU gradient.
import MNLKernels

public enum UnaryOp: String, Sendable, CaseIterable {
  case negate, exp, log, sqrt, abs, tanh, sigmoid, relu, square, sign, floor, reciprocal

  var kernel: ElementwiseUnaryKind {
    switch self {
    case .negate: .negate
    case .exp: .exp
    case .log: .log
    case .sqrt: .sqrt
    case .abs: .abs
    case .tanh: .tanh
    case .sigmoid: .sigmoid
    case .relu: .relu
    case .square: .square
    case .sign: .sign
    case .floor: .floor
    case .reciprocal: .reciprocal
    }
  }

  /// abs, relu, sign, floor, negate and square keep integer and bool dtypes (computed
  /// exactly; negating a bool is an error, as in NumPy); the rest give float32.
  func resultType(_ input: DType) -> DType {
    guard input != .float32 else { return .float32 }
    switch self {
    case .abs, .relu, .sign, .floor, .negate, .square: return input
    default: return .float32
    }
  }
}

/// `op(x)` elementwise. Integer results that do not fit the dtype (-int32.min, 16^2 in
/// uint8) are errors; `-` of a bool tensor is an error (use logical_not).
public func checkedUnary(_ op: UnaryOp, _ x: Tensor) throws -> Tensor {
  let dtype = op.resultType(x.dtype)
  if dtype == .float32 { return floatUnary(op, x.convertedToFloat32()) }
  if x.dtype == .bool && op == .negate {
    throw TensorError("cannot negate a bool tensor; use logical_not(x) to flip it")
  }
  let range = dtype.integerRange
  let out = try x.integerValues.map { v -> Int64 in
    let (result, overflow): (Int64, Bool) =
      switch op {
      case .abs: v == .min ? (0, true) : (Swift.abs(v), false)
      case .relu: (max(v, 0), false)
      case .sign: (v > 0 ? 1 : (v < 0 ? -1 : 0), false)
      case .floor: (v, false)
      case .negate: (0 as Int64).subtractingReportingOverflow(v)
      case .square: v.multipliedReportingOverflow(by: v)
      default: (0, true)
      }
    guard !overflow, range.contains(result) else {
      throw TensorError(
        "integer overflow: \(op.rawValue)(\(v)) does not fit \(dtype.rawValue) "
          + "(\(range.lowerBound) to \(range.upperBound)); \(dtype.widerAdvice)")
    }
    return result
  }
  return Tensor(shape: x.shape, integers: out, dtype: dtype)
}

/// `op(x)` elementwise, for callers that cannot handle an error: like `checkedUnary`, but an
/// integer result that would overflow is computed in float32 instead.
public func unary(_ op: UnaryOp, _ x: Tensor) -> Tensor {
  if x.dtype == .float32 { return floatUnary(op, x) }
  return (try? checkedUnary(op, x)) ?? floatUnary(op, x.convertedToFloat32())
}

private func floatUnary(_ op: UnaryOp, _ x: Tensor) -> Tensor {
  var result = Tensor(uninitializedShape: x.shape, dtype: .float32)
  result.withUnsafeMutableBufferPointer { out in
    Elementwise.unary(op.kernel, x.storage.pointer, out.baseAddress.unsafelyUnwrapped, count: x.count)
  }
  return result
}

/// ReLU's backward pass: `grad` where `input > 0`, else 0 (same shapes required).
public func reluGradient(_ grad: Tensor, input: Tensor) throws -> Tensor {
  guard grad.shape == input.shape else {
    throw TensorError.shapeMismatch("the relu gradient", grad.shape, input.shape, infix: "vs")
  }
  let (grad, input) = (grad.convertedToFloat32(), input.convertedToFloat32())
  var result = Tensor(uninitializedShape: grad.shape)
  result.withUnsafeMutableBufferPointer { out in
    Elementwise.reluGradient(
      grad.storage.pointer, input: input.storage.pointer, out.baseAddress.unsafelyUnwrapped,
      count: out.count)
  }
  return result
}
