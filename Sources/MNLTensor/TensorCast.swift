/// Conversion between dtypes: float32 → integer truncates toward zero, uint8 clamps to 0…255.
import MNLKernels

/// The value `v` becomes when stored in `dtype`.
func castScalar(_ v: Float, to dtype: DType) -> Float {
  let (lower, upper) = dtype.castRange
  if dtype == .float32 { return v }
  if v.isNaN { return 0 }
  return min(max(v.rounded(.towardZero), lower), upper)
}

extension DType {
  /// Clamp range of a cast into this dtype (Int32's limits as the nearest Floats).
  var castRange: (Float, Float) {
    switch self {
    case .float32: (-.infinity, .infinity)
    case .int32: (-2_147_483_648, 2_147_483_520)
    case .uint8: (0, 255)
    }
  }
}

/// `x` converted to `dtype`. Casting to float32 only relabels (values are already Float32).
public func cast(_ x: Tensor, to dtype: DType) -> Tensor {
  if x.dtype == dtype || dtype == .float32 || (x.dtype == .uint8 && dtype == .int32) {
    var relabelled = x
    relabelled.dtype = dtype
    return relabelled
  }
  var result = Tensor(uninitializedShape: x.shape, dtype: dtype)
  let (lower, upper) = dtype.castRange
  result.withUnsafeMutableBufferPointer { out in
    Elementwise.truncateClamped(
      x.storage.pointer, out.baseAddress.unsafelyUnwrapped, count: x.count, lower: lower,
      upper: upper)
  }
  return result
}
