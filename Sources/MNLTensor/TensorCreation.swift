/// Tensor constructors: zeros, ones, full, arange, eye.
extension Tensor {
  public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
    try full(shape, value: 0, dtype: dtype)
  }

  public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
    try full(shape, value: 1, dtype: dtype)
  }

  /// Every element equal to `value` (rounded toward zero for integer dtypes).
  public static func full(_ shape: [Int], value: Float, dtype: DType = .float32) throws -> Tensor {
    try validateShape(shape)
    let stored = dtype.isInteger ? castScalar(value, to: dtype) : value
    return Tensor(shape: shape, repeating: stored, dtype: dtype)
  }

  /// start, start+step, … up to but excluding `end` (NumPy's arange). The dtype is int32 when
  /// start, end and step are all whole numbers, unless `dtype` says otherwise.
  public static func arange(start: Float = 0, end: Float, step: Float = 1, dtype: DType? = nil)
    throws -> Tensor
  {
    guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
      throw TensorError("arange needs finite start, end and a non-zero step (got \(start), \(end), \(step))")
    }
    let span = ((Double(end) - Double(start)) / Double(step)).rounded(.up)
    guard span <= Double(maxElementCount) else {
      throw TensorError("arange(\(start), \(end), \(step)) has too many elements")
    }
    // A step pointing away from end gives a negative span (down to -1e38): no elements.
    let count = span > 0 ? Int(span) : 0
    let whole = [start, end, step].allSatisfy { $0 == $0.rounded() }
    let resolved = dtype ?? (whole ? .int32 : .float32)
    var result = Tensor(uninitializedShape: [count], dtype: resolved)
    result.withUnsafeMutableBufferPointer { out in
      for i in 0..<count {
        let v = start + Float(i) * step
        out[i] = resolved.isInteger ? castScalar(v, to: resolved) : v
      }
    }
    return result
  }

  /// The n×n identity matrix.
  public static func eye(_ n: Int, dtype: DType = .float32) throws -> Tensor {
    var result = try zeros([n, n], dtype: dtype)
    result.withUnsafeMutableBufferPointer { out in
      for i in 0..<n { out[i * n + i] = 1 }
    }
    return result
  }
}
