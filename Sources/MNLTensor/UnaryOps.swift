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

  /// Integer inputs stay integer where the result is always whole (uint8 becomes int32 when
  /// the result may leave 0…255); the rest give float32.
  func resultType(_ input: DType) -> DType {
    guard input.isInteger else { return .float32 }
    switch self {
    case .abs, .relu, .sign, .floor: return input
    case .negate, .square: return .int32
    default: return .float32
    }
  }
}

/// `op(x)` elementwise.
public func unary(_ op: UnaryOp, _ x: Tensor) -> Tensor {
  var result = Tensor(uninitializedShape: x.shape, dtype: op.resultType(x.dtype))
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
  var result = Tensor(uninitializedShape: grad.shape)
  result.withUnsafeMutableBufferPointer { out in
    Elementwise.reluGradient(
      grad.storage.pointer, input: input.storage.pointer, out.baseAddress.unsafelyUnwrapped,
      count: out.count)
  }
  return result
}
