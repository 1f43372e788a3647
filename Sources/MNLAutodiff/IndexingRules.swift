import MNLTensor

extension Variable {
  /// `x[specs]` (NumPy basic indexing). Each element is read at most once, so the gradient
  /// is the output gradient written into zeros at the same region.
  public func indexed(_ specs: [IndexSpec]) throws -> Variable {
    let out = try value.indexed(specs)
    let inputShape = shape
    return recorded(out, [self]) { g, _, _ in
      [try Variable(constant: Tensor(shape: inputShape, repeating: 0)).assigning(specs, g)]
    }
  }

  /// A copy with the region `specs` replaced by `newValue` (broadcast): the functional form of
  /// `x[specs] = newValue` (JAX's `x.at[specs].set(v)`). x's gradient is g with the region
  /// zeroed; newValue's is the region of g, summed back to its shape.
  public func assigning(_ specs: [IndexSpec], _ newValue: Variable) throws -> Variable {
    var out = value
    try out.assign(specs, newValue.value)
    let valueShape = newValue.shape
    return recorded(out, [self, newValue]) { g, _, needs in
      [
        needs[0] ? try g.assigning(specs, Variable(constant: Tensor(scalar: 0))) : nil,
        needs[1] ? try unbroadcast(g.indexed(specs), to: valueShape) : nil,
      ]
    }
  }
}

/// Gathers slices of `x` along `axis` at integer `indices` (any shape). The gradient is a
/// scatter-add, so an index that appears several times collects all of its gradients.
/// `indices` get no gradient.
public func take(_ a: Variable, indices: Variable, axis: Int = 0) throws -> Variable {
  let x = a.value
  let index = indices.value
  let out = try take(x, indices: index, axis: axis)
  let resolvedAxis = axis < 0 ? axis + x.rank : axis
  let inputShape = x.shape
  return recorded(out, [a]) { g, _, _ in
    [try scatterAdd(g, at: index, axis: resolvedAxis, into: inputShape)]
  }
}

/// The adjoint of `take` as a recorded op; its own gradient is `take` again.
func scatterAdd(_ gradient: Variable, at indices: Tensor, axis: Int, into shape: [Int]) throws
  -> Variable
{
  let out = try scatterAdd(gradient.value, at: indices, axis: axis, into: shape)
  return recorded(out, [gradient]) { g, _, _ in
    [try take(g, indices: Variable(constant: indices), axis: axis)]
  }
}

/// Zeros of `shape` plus, for every position j of `indices`, slice j of `gradient` added at
/// slice `indices[j]` along `axis`: the adjoint of `take` (whose forward pass validated the
/// indices; they are checked again here rather than trusted).
func scatterAdd(_ gradient: Tensor, at indices: Tensor, axis: Int, into shape: [Int]) throws
  -> Tensor
{
  let length = shape[axis]
  let outer = shapeCount(Array(shape[..<axis]))
  let inner = shapeCount(Array(shape[(axis + 1)...]))
  var positions: [Int] = []
  positions.reserveCapacity(indices.count)
  // Read exactly (an int64 index past 2^24 has no exact Float).
  for value in try indices.indexValues(for: "take") {
    let position = value < 0 ? value + length : value
    guard position >= 0, position < length else {
      throw TensorError("index \(value) is out of range for an axis of length \(length) in take")
    }
    positions.append(position)
  }
  guard gradient.count == outer * positions.count * inner else {
    throw TensorError(
      "internal autodiff error: take gradient of shape \(formatShape(gradient.shape)) "
        + "does not fit input shape \(formatShape(shape))")
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
