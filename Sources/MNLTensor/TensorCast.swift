/// Conversion between dtypes, NumPy's `astype` without its silent wrap-arounds:
/// - float32 → integer truncates toward zero; NaN, ±inf and values outside the target's range
///   are errors (NumPy gives arbitrary numbers),
/// - integer → narrower integer is an error for values that do not fit (NumPy wraps),
/// - anything → bool is the non-zero test (NaN is true), bool → numbers is 0 or 1,
/// - integer → float32 rounds to the nearest Float (exact up to 2^24).

/// `x` converted to `dtype`.
public func cast(_ x: Tensor, to dtype: DType) throws -> Tensor {
  if x.dtype == dtype { return x }
  switch dtype {
  case .float32:
    return x.convertedToFloat32()
  case .bool:
    return Tensor(shape: x.shape, integers: (0..<x.count).map { x.isNonZero($0) ? 1 : 0 }, dtype: .bool)
  case .int64, .int32, .uint8:
    let range = dtype.integerRange
    var integers = [Int64](repeating: 0, count: x.count)
    if x.dtype == .float32 {
      for (i, v) in x.withUnsafeBufferPointer(Array.init).enumerated() {
        guard v.isFinite, let whole = Int64(exactly: v.rounded(.towardZero)), range.contains(whole) else {
          throw castError(String(describing: v), at: i, of: x, to: dtype)
        }
        integers[i] = whole
      }
    } else {
      for (i, v) in x.integerValues.enumerated() {
        guard range.contains(v) else { throw castError(String(v), at: i, of: x, to: dtype) }
        integers[i] = v
      }
    }
    return Tensor(shape: x.shape, integers: integers, dtype: dtype)
  }
}

private func castError(_ value: String, at index: Int, of x: Tensor, to dtype: DType) -> TensorError {
  let range = dtype.integerRange
  return TensorError(
    "cannot cast \(value) (element \(index) of \(x.dtype.withArticle) tensor) to \(dtype.rawValue): "
      + "\(dtype.rawValue) holds whole numbers from \(range.lowerBound) to \(range.upperBound)")
}
