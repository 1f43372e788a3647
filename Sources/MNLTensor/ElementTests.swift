/// Elementwise classification of values (NumPy's isnan/isfinite/isinf) and `clip`.

public enum ElementTest: String, Sendable {
  case isnan, isfinite, isinf

  func holds(_ v: Float) -> Bool {
    switch self {
    case .isnan: v.isNaN
    case .isfinite: v.isFinite
    case .isinf: v.isInfinite
    }
  }
}

/// A bool tensor of x's shape saying where the test holds. Integers and bools are always
/// finite (never NaN or infinite), as in NumPy.
public func elementTest(_ test: ElementTest, _ x: Tensor) -> Tensor {
  guard x.dtype == .float32 else {
    return Tensor(shape: x.shape, repeating: test == .isfinite ? 1 : 0, dtype: .bool)
  }
  let v = x.values
  return Tensor(shape: x.shape, integers: v.map { test.holds($0) ? 1 : 0 }, dtype: .bool)
}

/// NumPy's clip: `minimum(maximum(x, lo), hi)` with broadcasting, either bound optional
/// (neither: x itself, as NumPy 2). NaN in x stays NaN. A lower bound above the upper one
/// gives `hi`, as NumPy. The operands' dtypes promote as in `maximum`/`minimum`.
public func clip(_ x: Tensor, lo: Tensor?, hi: Tensor?) throws -> Tensor {
  var result = x
  if let lo { result = try binary(.maximum, result, lo) }
  if let hi { result = try binary(.minimum, result, hi) }
  return result
}

/// NumPy's allclose: every |a − b| ≤ atol + rtol·|b| after broadcasting; NaN is never close
/// (unless `equalNaN` and both are NaN); equal infinities are close.
public func allClose(
  _ a: Tensor, _ b: Tensor, rtol: Double, atol: Double, equalNaN: Bool = false
) throws -> Bool {
  let shape = try broadcastShapes(a.shape, b.shape, op: "allclose")
  let (x, y) = (try a.broadcast(to: shape).doubleValues, try b.broadcast(to: shape).doubleValues)
  for (p, q) in zip(x, y) {
    if p.isNaN || q.isNaN {
      if equalNaN && p.isNaN && q.isNaN { continue }
      return false
    }
    if p == q { continue }
    if !(abs(p - q) <= atol + rtol * abs(q)) { return false }
  }
  return true
}

/// `n` evenly spaced float32 values from `start` to `stop` (NumPy's linspace): the last is
/// `stop` when `endpoint`, else the values stop one step short. Computed in Double.
public func linspace(_ start: Double, _ stop: Double, count n: Int, endpoint: Bool = true) throws -> Tensor {
  guard n >= 0 else { throw TensorError("linspace: the number of samples must be non-negative, got \(n)") }
  try validateShape([n])
  guard start.isFinite, stop.isFinite else {
    throw TensorError("linspace needs finite start and stop (got \(start), \(stop))")
  }
  let divisions = endpoint ? n - 1 : n
  let step = divisions > 0 ? (stop - start) / Double(divisions) : 0
  var values = (0..<n).map { Float(start + Double($0) * step) }
  if endpoint && n > 1 { values[n - 1] = Float(stop) }
  return try Tensor(shape: [n], values: values)
}
