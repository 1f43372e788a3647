import MNLTensor

/// `sum`/`mean`/`max`/`min` of `x` over `axes` (nil: all axes; negative axes count from the end).
/// The gradient of `max`/`min` is shared equally among the positions that attain the extreme
/// value (as in TensorFlow and JAX), so ties do not multiply the gradient.
public func reduce(_ op: ReductionOp, _ a: Variable, axes: [Int]? = nil, keepDims: Bool = false)
  throws -> Variable
{
  let x = a.value
  let out = try reduce(op, x, axes: axes, keepDims: keepDims)
  let reduced = try normalizedAxes(axes, rank: x.rank)
  let kept = keptShape(x.shape, reducing: reduced)
  let inputShape = x.shape
  return recorded(out, [a]) { g, out, _ in
    // The output gradient with the reduced axes kept as 1, so it broadcasts against x.
    let gKept = try g.reshaped(kept)
    switch op {
    case .sum:
      return [try gKept.broadcast(to: inputShape)]
    case .mean:
      let n = reduced.reduce(1) { $0 * inputShape[$1] }
      return [try (gKept / Float(n)).broadcast(to: inputShape)]
    case .max, .min:
      // Which positions attain the extreme is piecewise constant.
      let winners = try binary(.equal, x, out.value.reshaped(unchecked: kept))
      let counts = try reduce(.sum, winners, axes: reduced, keepDims: true)
      return [try (gKept / counts) * winners]
    }
  }
}

/// Population variance (ddof 0) over `axes`, composed of differentiable ops.
public func variance(_ a: Variable, axes: [Int]? = nil, keepDims: Bool = false) throws
  -> Variable
{
  let mean = try reduce(.mean, a, axes: axes, keepDims: true)
  let centred = try binary(.subtract, cast(a, to: .float32), mean)
  return try reduce(.mean, unary(.square, centred), axes: axes, keepDims: keepDims)
}

/// Population standard deviation: the square root of `variance`.
public func standardDeviation(_ a: Variable, axes: [Int]? = nil, keepDims: Bool = false) throws
  -> Variable
{
  try unary(.sqrt, variance(a, axes: axes, keepDims: keepDims))
}

/// `sum(x²) / 2` as a 0-d tensor (TensorFlow's `l2_loss`); its gradient g·x is left for the
/// backward pass to add in place into x's other gradient contributions.
public func l2Loss(_ a: Variable) throws -> Variable {
  recorded(l2Loss(a.value), [a], backward: .scaling(a))
}
