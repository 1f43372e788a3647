import MNLTensor

/// `sum`/`mean`/`max`/`min` of `x` over `axes` (nil: all axes; negative axes count from the end).
/// The gradient of `max`/`min` is shared equally among the positions that attain the extreme
/// value (as in TensorFlow and JAX), so ties do not double the gradient.
public func reduce(_ op: ReductionOp, _ a: Variable, axes: [Int]?, keepDims: Bool) throws
  -> Variable
{
  let x = a.value
  let out = try reduce(op, x, axes: axes, keepDims: keepDims)
  let reduced = try normalizedAxes(axes, rank: x.rank)
  let kept = keptShape(x.shape, reducing: reduced)
  return try recorded(out, [a]) { g, _ in
    // The output gradient with the reduced axes kept as 1, so it broadcasts against x.
    let gKept = g.reshaped(unchecked: kept)
    switch op {
    case .sum:
      return [try gKept.broadcast(to: x.shape)]
    case .mean:
      let n = shapeCount(kept) == 0 ? 0 : x.count / shapeCount(kept)
      return [try mul(gKept, n == 0 ? 0 : 1 / Float(n)).broadcast(to: x.shape)]
    case .max, .min:
      let winners = try mask(.equal, x, out.reshaped(unchecked: kept))
      let counts = try reduce(.sum, winners, axes: reduced, keepDims: true)
      return [try mul(winners, div(gKept, counts))]
    }
  }
}

/// `sum(x²) / 2` as a 0-d tensor (TensorFlow's `l2_loss`).
public func l2Loss(_ a: Variable) throws -> Variable {
  let x = a.value
  return try recorded(l2Loss(x), [a]) { g, _ in [try mul(x, g)] }
}
