import MNLTensor

/// The running sum along `axis` (nil: flattened), forward or from the end (`reverse`). The
/// gradient of a running sum is the running sum of the gradient in the other direction.
public func cumsum(_ x: Variable, axis: Int?, reverse: Bool = false) throws -> Variable {
  if x.value.rank == 0 { return try cumsum(x.reshaped([1]), axis: axis, reverse: reverse) }
  guard let axis else { return try cumsum(x.reshaped([x.value.count]), axis: 0, reverse: reverse) }
  let out = try scan(.cumsum, x.value, axis: axis, reverse: reverse)
  return recorded(out, [x]) { g, _, _ in [try cumsum(g, axis: axis, reverse: !reverse)] }
}

/// The running product along `axis` (nil: flattened). Without zeros in x the gradient is
/// reverse-cumsum(g·y) / x, recorded with differentiable ops (so it nests). With zeros that
/// formula divides by zero: the gradient is then computed exactly by `cumprodGradient`, and
/// differentiating it again is a located error rather than a wrong number.
public func cumprod(_ x: Variable, axis: Int?) throws -> Variable {
  if x.value.rank == 0 { return try cumprod(x.reshaped([1]), axis: axis) }
  guard let axis else { return try cumprod(x.reshaped([x.value.count]), axis: 0) }
  let out = try scan(.cumprod, x.value, axis: axis)
  let hasZero = x.value.dtype == .float32 ? x.value.values.contains(0) : x.value.integerValues.contains(0)
  return recorded(out, [x]) { g, y, _ in
    if !hasZero {
      return [try binary(.divide, cumsum(binary(.multiply, g, y), axis: axis, reverse: true), x)]
    }
    let exact = try cumprodGradient(x.value, g.value, axis: axis)
    return [recorded(exact, [g, x]) { _, _, _ in
      throw TensorError(
        "the second derivative of cumprod is not supported where its input has a zero element")
    }]
  }
}
