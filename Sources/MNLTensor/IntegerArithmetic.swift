/// Exact elementwise arithmetic and comparison for integer and bool tensors, computed in
/// Int64. Overflow rule: a result the result dtype cannot hold is an error naming the operands
/// (NumPy wraps around silently; a uint8 image minus 128 would give garbage). Plain Swift
/// loops: integer tensors are labels, indices and counts, not the training hot path.

/// Both operands broadcast to `shape`, widened to Int64.
func broadcastIntegers(_ a: Tensor, _ b: Tensor, shape: [Int]) throws -> ([Int64], [Int64]) {
  (try a.broadcast(to: shape).integerValues, try b.broadcast(to: shape).integerValues)
}

func integerOverflow(_ op: String, _ x: Int64, _ y: Int64, _ dtype: DType) -> TensorError {
  let range = dtype.integerRange
  return TensorError(
    "integer overflow: \(x) \(op) \(y) does not fit \(dtype.rawValue) (\(range.lowerBound) to "
      + "\(range.upperBound)); \(dtype.widerAdvice)")
}

extension DType {
  /// What to do about a result this dtype cannot hold.
  var widerAdvice: String {
    self == .int64 ? "cast to float32 first (approximate)" : "cast to a wider dtype (int64 or float32) first"
  }

  /// "an int64", "a float32": the dtype with its article, for messages.
  public var withArticle: String {
    (self == .int64 || self == .int32 ? "an " : "a ") + rawValue
  }
}

/// +, -, *, **, maximum and minimum on integer/bool operands with an integer/bool result.
func integerBinary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, shape: [Int], dtype: DType) throws -> Tensor {
  let (x, y) = try broadcastIntegers(a, b, shape: shape)
  let range = dtype.integerRange
  var out = [Int64](repeating: 0, count: x.count)
  for i in 0..<x.count {
    let (p, q) = (x[i], y[i])
    let (value, overflow): (Int64, Bool) =
      switch op {
      case .add: p.addingReportingOverflow(q)
      case .subtract: p.subtractingReportingOverflow(q)
      case .multiply: p.multipliedReportingOverflow(by: q)
      case .maximum: (max(p, q), false)
      case .minimum: (min(p, q), false)
      case .power: try integerPower(p, q)
      default: (0, true)  // comparisons and / never reach here
      }
    guard !overflow, range.contains(value) else { throw integerOverflow(op.symbol, p, q, dtype) }
    out[i] = value
  }
  return Tensor(shape: shape, integers: out, dtype: dtype)
}

/// base ** exponent by repeated squaring, reporting overflow. A negative exponent is an error
/// (its result is a fraction), as in NumPy.
private func integerPower(_ base: Int64, _ exponent: Int64) throws -> (Int64, Bool) {
  guard exponent >= 0 else {
    throw TensorError(
      "integers to negative integer powers are not allowed (\(base) ** \(exponent)); "
        + "cast the base to float32 first")
  }
  var result: Int64 = 1
  var b = base
  var e = exponent
  while e > 0 {
    if e & 1 == 1 {
      let (v, o) = result.multipliedReportingOverflow(by: b)
      if o { return (0, true) }
      result = v
    }
    e >>= 1
    if e > 0 {
      let (v, o) = b.multipliedReportingOverflow(by: b)
      // Squaring past Int64 only matters if a later bit uses it; |b| > 1 then overflows anyway.
      if o { return (0, true) }
      b = v
    }
  }
  return (result, false)
}

/// Comparisons where at least one operand is not float32: integers compare exactly in Int64,
/// integers against floats in Double (exact for integers up to 2^53).
func compareExactly(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, shape: [Int]) throws -> Tensor {
  let a = try a.broadcast(to: shape)
  let b = try b.broadcast(to: shape)
  let bits: [Int64]
  if a.dtype != .float32 && b.dtype != .float32 {
    let (x, y) = (a.integerValues, b.integerValues)
    bits = (0..<x.count).map { compare(op, x[$0], y[$0]) ? 1 : 0 }
  } else {
    let (x, y) = (a.doubleValues, b.doubleValues)
    bits = (0..<x.count).map { compare(op, x[$0], y[$0]) ? 1 : 0 }
  }
  return Tensor(shape: shape, integers: bits, dtype: .bool)
}

private func compare<T: Comparable>(_ op: BinaryOp, _ x: T, _ y: T) -> Bool {
  switch op {
  case .equal: x == y
  case .notEqual: x != y
  case .less: x < y
  case .lessEqual: x <= y
  case .greater: x > y
  case .greaterEqual: x >= y
  default: false
  }
}
