import MNLTensor

// Gradient rules of the ops that move elements without changing them: the gradient moves
// the same elements back (with the same ops on variables, so they nest).

extension Variable {
  /// The same elements in a new shape (one -1 is inferred).
  public func reshaped(_ shape: [Int]) throws -> Variable {
    try sameElements(self, value.reshaped(shape))
  }

  /// Without size-1 axes (all, or the given ones).
  public func squeezed(axes: [Int]? = nil) throws -> Variable {
    try sameElements(self, value.squeezed(axes: axes))
  }

  /// With a new size-1 axis at `axis`.
  public func expandingDims(at axis: Int) throws -> Variable {
    try sameElements(self, value.expandingDims(at: axis))
  }

  /// Axes permuted (`perm` nil: reversed). The gradient is transposed back.
  public func transposed(_ perm: [Int]? = nil) throws -> Variable {
    let out = try value.transposed(perm)
    let rank = value.rank
    let forward = perm ?? Array((0..<rank).reversed())
    var inverse = [Int](repeating: 0, count: rank)
    for (i, axis) in forward.enumerated() { inverse[axis < 0 ? axis + rank : axis] = i }
    return recorded(out, [self]) { g, _, _ in [try g.transposed(inverse)] }
  }

  /// Broadcast to `shape`; the gradient is summed back over the broadcast axes.
  public func broadcast(to shape: [Int]) throws -> Variable {
    let out = try value.broadcast(to: shape)
    let inputShape = self.shape
    return recorded(out, [self]) { g, _, _ in [try unbroadcast(g, to: inputShape)] }
  }

  /// Summed over the axes along which `shape` was broadcast to this one (the adjoint of
  /// `broadcast(to:)`, whose gradient it is).
  public func summed(toShape shape: [Int]) throws -> Variable {
    let out = try value.sumToShape(shape)
    let inputShape = self.shape
    return recorded(out, [self]) { g, _, _ in [try g.broadcast(to: inputShape)] }
  }
}

/// Records `out`, which holds `a`'s elements in the same order under another shape.
private func sameElements(_ a: Variable, _ out: Tensor) throws -> Variable {
  let inputShape = a.shape
  return recorded(out, [a]) { g, _, _ in [try g.reshaped(inputShape)] }
}

/// `x` converted to `dtype`. Only a cast to float32 passes the gradient through (unchanged);
/// a cast to an integer type is a constant.
public func cast(_ a: Variable, to dtype: DType) throws -> Variable {
  let out = try cast(a.value, to: dtype)
  guard dtype == .float32 else { return Variable(constant: out) }
  return recorded(out, [a]) { g, _, _ in [g] }
}

/// Tensors joined along an existing `axis`; each input gets its slab of the gradient back.
public func concat(_ parts: [Variable], axis: Int) throws -> Variable {
  let out = try concat(parts.map(\.value), axis: axis)
  let resolvedAxis = axis < 0 ? axis + out.rank : axis
  let sizes = parts.map { $0.shape[resolvedAxis] }
  return recorded(out, parts) { g, _, needs in
    var start = 0
    var result: [Variable?] = []
    for (i, size) in sizes.enumerated() {
      let slab: [IndexSpec] = leadingAll(resolvedAxis) + [.range(start: start, end: start + size, step: 1)]
      result.append(needs[i] ? try g.indexed(slab) : nil)
      start += size
    }
    return result
  }
}

/// Tensors of one shape stacked along a new `axis`; input i gets the gradient's slice i.
public func stack(_ parts: [Variable], axis: Int) throws -> Variable {
  let out = try stack(parts.map(\.value), axis: axis)
  let resolvedAxis = axis < 0 ? axis + out.rank : axis
  return recorded(out, parts) { g, _, needs in
    try needs.indices.map { i in
      needs[i] ? try g.indexed(leadingAll(resolvedAxis) + [.index(i)]) : nil
    }
  }
}

/// `:` for each of the first `count` axes.
private func leadingAll(_ count: Int) -> [IndexSpec] {
  [IndexSpec](repeating: .all, count: count)
}
