/// Whole-tensor equality (shape, dtype and elements) and approximate comparison for tests.
extension Tensor: Equatable {
  /// Equal shapes, dtypes and elements (NaN ≠ NaN, as for Float).
  public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
    guard lhs.shape == rhs.shape, lhs.dtype == rhs.dtype else { return false }
    if lhs.dtype != .float32 {
      return lhs.storage === rhs.storage || lhs.integerValues == rhs.integerValues
    }
    if lhs.storage === rhs.storage { return !lhs.values.contains { $0.isNaN } }
    for i in 0..<lhs.count where lhs.storage.pointer[i] != rhs.storage.pointer[i] { return false }
    return true
  }

  /// NumPy's allclose: equal shapes and |a − b| ≤ atol + rtol·|b| everywhere (NaNs equal when
  /// `equalNaN`). The dtype is not compared (integers are compared as Floats).
  public func isClose(
    to other: Tensor, relativeTolerance rtol: Float = 1e-5, absoluteTolerance atol: Float = 1e-6,
    equalNaN: Bool = false
  ) -> Bool {
    guard shape == other.shape else { return false }
    let (lhs, rhs) = (values, other.values)
    for i in 0..<count {
      let a = lhs[i]
      let b = rhs[i]
      if a.isNaN || b.isNaN {
        if equalNaN && a.isNaN && b.isNaN { continue }
        return false
      }
      if a == b { continue }  // equal infinities
      if !(abs(a - b) <= atol + rtol * abs(b)) { return false }
    }
    return true
  }
}

/// `a.isClose(to: b, ...)` as a free function, like NumPy's `allclose`.
public func allClose(
  _ a: Tensor, _ b: Tensor, relativeTolerance: Float = 1e-5, absoluteTolerance: Float = 1e-6
) -> Bool {
  a.isClose(to: b, relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance)
}
