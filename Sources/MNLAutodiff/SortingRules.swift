import MNLTensor

// Sorting moves elements: sort and topk values are `takeAlongAxis` by the sorting indices,
// whose gradient scatters back to where each value came from (the indices are constants).

/// `x` gathered along `axis` by `indices` (NumPy's take_along_axis). Backward: the gradient
/// scatter-added at the same indices (a repeated index collects all of its gradients).
public func takeAlongAxis(_ a: Variable, indices: Tensor, axis: Int) throws -> Variable {
  let out = try takeAlongAxis(a.value, indices: indices, axis: axis)
  let inputShape = a.shape
  return recorded(out, [a]) { g, _, _ in
    [try scatterAddAlongAxis(g, indices: indices, axis: axis, into: inputShape)]
  }
}

/// The adjoint of `takeAlongAxis`; its own gradient is `takeAlongAxis` again.
func scatterAddAlongAxis(_ g: Variable, indices: Tensor, axis: Int, into shape: [Int]) throws -> Variable {
  let out = try scatterAddAlongAxis(g.value, indices: indices, axis: axis, into: shape)
  return recorded(out, [g]) { gg, _, _ in [try takeAlongAxis(gg, indices: indices, axis: axis)] }
}

/// `x` sorted along `axis` (nil: flattened); the gradient follows each value to its origin.
public func sort(_ x: Variable, axis: Int?, descending: Bool = false) throws -> Variable {
  if let axis, x.value.rank == 0 {
    throw TensorError("axis \(axis) is out of range for a 0-d tensor in sort (use axis: none)")
  }
  let source = axis == nil ? try x.reshaped([x.value.count]) : x
  let a = axis ?? 0
  let order = try argsort(source.value, axis: a, descending: descending)
  return try takeAlongAxis(source, indices: order, axis: a)
}

/// The `k` largest values along `axis` (largest first) and their int64 indices; only the
/// values carry a gradient.
public func topk(_ x: Variable, k: Int, axis: Int = -1) throws -> (values: Variable, indices: Tensor) {
  let indices = try topkIndices(x.value, k: k, axis: axis)
  return (try takeAlongAxis(x, indices: indices, axis: axis), indices)
}
