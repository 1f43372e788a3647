import MNLTensor

// Gradient rules of the ops that move elements without changing them: the gradient moves
// the same elements back.

/// `x` with a new shape of the same element count (-1 infers one dimension).
public func reshaped(_ a: Variable, _ shape: [Int]) throws -> Variable {
  let out = try a.value.reshaped(shape)
  let inputShape = a.shape
  return try recorded(out, [a]) { g, _ in [g.reshaped(unchecked: inputShape)] }
}

/// `x` with its axes permuted (`perm` nil: reversed). The gradient is transposed back.
public func transposed(_ a: Variable, _ perm: [Int]?) throws -> Variable {
  let out = try a.value.transposed(perm)
  let forward = perm ?? Array((0..<a.value.rank).reversed())
  var inverse = [Int](repeating: 0, count: forward.count)
  for (i, axis) in forward.enumerated() { inverse[(axis + forward.count) % forward.count] = i }
  return try recorded(out, [a]) { g, _ in [try g.transposed(inverse)] }
}

/// `x` broadcast to `shape`; the gradient is summed back over the broadcast axes.
public func broadcast(_ a: Variable, to shape: [Int]) throws -> Variable {
  let out = try a.value.broadcast(to: shape)
  let inputShape = a.shape
  return try recorded(out, [a]) { g, _ in [try unbroadcast(g, to: inputShape)] }
}

/// `x` converted to `dtype`. Only a cast to float32 passes the gradient through (unchanged);
/// a cast to an integer type is a constant.
public func cast(_ a: Variable, to dtype: DType) throws -> Variable {
  let out = try cast(a.value, to: dtype)
  guard dtype == .float32 else { return Variable(constant: out) }
  return try recorded(out, [a]) { g, _ in [g] }
}

/// Tensors joined along an existing `axis`; each input gets its slab of the gradient back.
public func concat(_ parts: [Variable], axis: Int) throws -> Variable {
  let out = try concat(parts.map(\.value), axis: axis)
  let resolvedAxis = axis < 0 ? axis + out.rank : axis
  let sizes = parts.map { $0.shape.indices.contains(resolvedAxis) ? $0.shape[resolvedAxis] : 0 }
  return try recorded(out, parts) { g, needs in
    var offset = 0
    var result: [Tensor?] = []
    for (i, size) in sizes.enumerated() {
      result.append(needs[i] ? try slab(of: g, axis: resolvedAxis, from: offset, count: size) : nil)
      offset += size
    }
    return result
  }
}

/// Tensors of one shape stacked along a new `axis`; input i gets the gradient's slice i.
public func stack(_ parts: [Variable], axis: Int) throws -> Variable {
  let out = try stack(parts.map(\.value), axis: axis)
  let resolvedAxis = axis < 0 ? axis + out.rank : axis
  let partShapes = parts.map(\.shape)
  return try recorded(out, parts) { g, needs in
    try partShapes.enumerated().map { i, shape in
      needs[i]
        ? try slab(of: g, axis: resolvedAxis, from: i, count: 1).reshaped(unchecked: shape) : nil
    }
  }
}

/// Elements `from..<from+count` along `axis` (a gather of consecutive indices).
private func slab(of x: Tensor, axis: Int, from start: Int, count: Int) throws -> Tensor {
  let indices = try Tensor(shape: [count], values: (start..<start + count).map(Float.init), dtype: .int32)
  return try take(x, indices: indices, axis: axis)
}
