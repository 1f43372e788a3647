import MNLAutodiff
import MNLTensor

/// NumPy's NEP 50 for script numbers beside tensors: a number is "weak", it takes the tensor's
/// dtype (uint8 tensor + 1 stays uint8, maximum(x, 0) keeps x's dtype). Operators and the
/// two-argument built-ins (maximum, minimum, equal, where) share these rules.
enum WeakScalar {
  /// The tensor a script int or float stands for beside a tensor of `dtype`; nil for lists
  /// and bools, which convert as ordinary tensors.
  static func tensor(_ value: Value, beside dtype: DType, comparison: Bool, operation: String) throws -> Tensor? {
    switch value {
    case .int(let n):
      let scalarType = try dtype.dtypeForWeakInteger(Int64(n), comparison: comparison, op: operation)
      return scalarType == .float32 ? Tensor(scalar: Float(n)) : Tensor(integer: Int64(n), dtype: scalarType)
    case .float(let d):
      // Compared with integers, a whole float compares exactly as an int64 (16777217.0 would
      // round to 16777216 as a Float32).
      if comparison, dtype != .float32, let whole = exactInt(d) { return Tensor(integer: Int64(whole)) }
      return Tensor(scalar: Float(d))
    default: return nil
    }
  }

  /// The operands of a two-argument tensor function, each script number made weak beside the
  /// other operand when that one is a tensor.
  static func operands(
    _ lhs: Value, _ a: TensorArg, _ rhs: Value, _ b: TensorArg, comparison: Bool, operation: String
  ) throws -> (TensorArg, TensorArg) {
    var (a, b) = (a, b)
    if !lhs.isTensorLike, rhs.isTensorLike,
      let weak = try tensor(lhs, beside: b.tensor.dtype, comparison: comparison, operation: operation)
    {
      a = .plain(weak)
    }
    if !rhs.isTensorLike, lhs.isTensorLike,
      let weak = try tensor(rhs, beside: a.tensor.dtype, comparison: comparison, operation: operation)
    {
      b = .plain(weak)
    }
    return (a, b)
  }
}
