import MNLTensor

/// Gathers slices of `x` along `axis` at integer `indices` (any shape). The gradient is a
/// scatter-add, so an index that appears several times collects all of its gradients.
/// `indices` get no gradient.
public func take(_ a: Variable, indices: Variable, axis: Int) throws -> Variable {
  let x = a.value
  let index = indices.value
  let out = try take(x, indices: index, axis: axis)
  let resolvedAxis = axis < 0 ? axis + x.rank : axis
  let inputShape = x.shape
  return try recorded(out, [a]) { g, _ in
    [try scatterAdd(g, at: index, axis: resolvedAxis, into: inputShape)]
  }
}

/// Zeros of `shape` plus, for every position j of `indices`, slice j of `gradient` added at
/// slice `indices[j]` along `axis`: the adjoint of `take`.
func scatterAdd(_ gradient: Tensor, at indices: Tensor, axis: Int, into shape: [Int]) throws
  -> Tensor
{
  guard shape.indices.contains(axis) else {
    throw TensorError("internal autodiff error: take axis \(axis) for shape \(formatShape(shape))")
  }
  let length = shape[axis]
  let outer = shapeCount(Array(shape[..<axis]))
  let inner = shapeCount(Array(shape[(axis + 1)...]))
  var positions: [Int] = []
  positions.reserveCapacity(indices.count)
  for value in indices.values {
    let position = value < 0 ? value + Float(length) : value
    guard position >= 0, position < Float(length), position == position.rounded() else {
      throw TensorError("index \(value) is out of range for an axis of length \(length)")
    }
    positions.append(Int(position))
  }
  guard gradient.count == outer * positions.count * inner else {
    throw TensorError(
      "internal autodiff error: take gradient of shape \(formatShape(gradient.shape)) "
        + "does not match input shape \(formatShape(shape))")
  }
  var result = Tensor(shape: shape, repeating: 0)
  result.withUnsafeMutableBufferPointer { destination in
    gradient.withUnsafeBufferPointer { source in
      for o in 0..<outer {
        for (j, position) in positions.enumerated() {
          let from = (o * positions.count + j) * inner
          let to = (o * length + position) * inner
          for e in 0..<inner { destination[to + e] += source[from + e] }
        }
      }
    }
  }
  return result
}
