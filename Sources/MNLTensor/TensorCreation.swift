/// Tensor constructors: zeros, ones, full, arange, eye.
extension Tensor {
  public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
    try full(shape, value: 0, dtype: dtype)
  }

  public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
    try full(shape, value: 1, dtype: dtype)
  }

  /// Every element equal to `value`; for integer and bool dtypes it must be a value of the
  /// dtype (a whole number in range).
  public static func full(_ shape: [Int], value: Float, dtype: DType = .float32) throws -> Tensor {
    try validateShape(shape)
    if dtype == .float32 { return Tensor(shape: shape, repeating: value, dtype: dtype) }
    return try full(shape, integer: exactInteger(value, for: dtype, op: "full"), dtype: dtype)
  }

  /// Every element equal to the integer `value`, which must fit `dtype` (float32 rounds).
  public static func full(_ shape: [Int], integer value: Int64, dtype: DType) throws -> Tensor {
    try validateShape(shape)
    if dtype == .float32 { return Tensor(shape: shape, repeating: Float(value), dtype: dtype) }
    guard dtype.integerRange.contains(value) else {
      throw TensorError("full: \(value) is not a value of \(dtype.rawValue)")
    }
    return Tensor(shape: shape, repeatingInteger: value, dtype: dtype)
  }

  /// start, start+step, … up to but excluding `end` (NumPy's arange). Without `dtype`, the
  /// default integer dtype when start, end and step are all whole numbers, else float32; with
  /// an integer `dtype` every value must be one of that dtype. Exact integers past 2^24 need
  /// `arange(integerStart:end:step:)`.
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
    let values = (0..<count).map { start + Float($0) * step }
    let whole = [start, end, step].allSatisfy { $0 == $0.rounded() }
    return try Tensor(shape: [count], values: values, dtype: dtype ?? (whole ? .defaultInteger : .float32))
  }

  /// start, start+step, … up to but excluding `end` with exact integers, in `dtype` (the
  /// default integer dtype unless given; every value must fit it).
  public static func arange(integerStart start: Int64, end: Int64, step: Int64 = 1, dtype: DType? = nil)
    throws -> Tensor
  {
    guard step != 0 else { throw TensorError("arange needs a non-zero step") }
    // Counting in Double avoids overflow of end - start; counts this large are refused anyway.
    let span = ((Double(end) - Double(start)) / Double(step)).rounded(.up)
    guard span <= Double(maxElementCount) else {
      throw TensorError("arange(\(start), \(end), \(step)) has too many elements")
    }
    // The Double count can be off by one near 2^53: step exactly and stop at `end`.
    let bound = span > 0 ? Int(span) + 1 : 0
    var integers: [Int64] = []
    var v = start
    for _ in 0..<bound {
      if step > 0 ? v >= end : v <= end { break }
      integers.append(v)
      let (next, overflow) = v.addingReportingOverflow(step)
      if overflow { break }
      v = next
    }
    let count = integers.count
    let resolved = dtype ?? .defaultInteger
    if resolved == .float32 { return try Tensor(shape: [count], values: integers.map(Float.init)) }
    for v in integers where !resolved.integerRange.contains(v) {
      throw TensorError("arange: \(v) is not a value of \(resolved.rawValue)")
    }
    return Tensor(shape: [count], integers: integers, dtype: resolved)
  }

  /// The n×n identity matrix.
  public static func eye(_ n: Int, dtype: DType = .float32) throws -> Tensor {
    try validateShape([n, n])
    var integers = [Int64](repeating: 0, count: n * n)
    for i in 0..<n { integers[i * n + i] = 1 }
    if dtype == .float32 { return try Tensor(shape: [n, n], values: integers.map(Float.init)) }
    return Tensor(shape: [n, n], integers: integers, dtype: dtype)
  }
}
