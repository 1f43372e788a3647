/// NumPy broadcasting: the result shape of two operands, stride maps that read a smaller
/// operand as if it were expanded, `broadcast(to:)`, and its adjoint `sumToShape(_:)`.
import MNLKernels

/// The NumPy broadcast of two shapes: aligned from the right, each pair of dimensions must be
/// equal or contain a 1. `op` names the operation in the error, e.g. "+".
public func broadcastShapes(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
  if a == b { return a }
  let rank = max(a.count, b.count)
  var result = [Int](repeating: 1, count: rank)
  for axis in 0..<rank {
    let da = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
    let db = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
    if da == db || db == 1 {
      result[axis] = da
    } else if da == 1 {
      result[axis] = db
    } else {
      throw TensorError("cannot broadcast \(formatShape(a)) with \(formatShape(b)) in \(op)")
    }
  }
  // [n, 1] with [1, n] is n² elements: refuse before allocating.
  do { try validateShape(result) } catch {
    throw TensorError("\(op) of \(formatShape(a)) and \(formatShape(b)) gives shape \(formatShape(result)), too large")
  }
  return result
}

/// Row-major element strides of a contiguous tensor of `shape`.
func contiguousStrides(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  var step = 1
  for axis in stride(from: shape.count - 1, through: 0, by: -1) {
    strides[axis] = step
    step *= shape[axis]
  }
  return strides
}

/// Strides that read a contiguous tensor of `shape` as a tensor of the (broadcast) `target`
/// shape: aligned from the right, 0 on axes where `shape` has 1 or is missing.
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
  let own = contiguousStrides(shape)
  let lead = target.count - shape.count
  return (0..<target.count).map { axis in
    axis < lead || shape[axis - lead] == 1 ? 0 : own[axis - lead]
  }
}

/// Drops size-1 axes and merges neighbouring axes that every stride list walks contiguously,
/// so broadcast kernels get the longest possible inner runs. Never returns an empty shape.
func coalesceAxes(_ shape: [Int], _ strideLists: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
  var outShape: [Int] = []
  var outStrides: [[Int]] = strideLists.map { _ in [] }
  for axis in 0..<shape.count where shape[axis] != 1 {
    if let lastSize = outShape.last {
      let mergeable = strideLists.indices.allSatisfy { list in
        outStrides[list][outStrides[list].count - 1] == strideLists[list][axis] * shape[axis]
      }
      if mergeable {
        outShape[outShape.count - 1] = lastSize * shape[axis]
        for list in strideLists.indices {
          outStrides[list][outStrides[list].count - 1] = strideLists[list][axis]
        }
        continue
      }
    }
    outShape.append(shape[axis])
    for list in strideLists.indices { outStrides[list].append(strideLists[list][axis]) }
  }
  if outShape.isEmpty { return ([1], strideLists.map { _ in [0] }) }
  return (outShape, outStrides)
}

extension Tensor {
  /// This tensor expanded to `target` by NumPy broadcasting (a copy unless the shape is equal).
  public func broadcast(to target: [Int]) throws -> Tensor {
    if shape == target { return self }
    try validateShape(target)
    guard (try? broadcastShapes(shape, target, op: "broadcast")) == target else {
      throw TensorError("cannot broadcast \(formatShape(shape)) to \(formatShape(target))")
    }
    var result = Tensor(uninitializedShape: target, dtype: dtype)
    if result.count == 0 { return result }
    let (runShape, strides) = coalesceAxes(
      target, [broadcastStrides(shape, to: target), contiguousStrides(target)])
    result.withUnsafeMutableRawStorage { out in
      copyStridedElements(
        dtype, from: storage.raw, srcStrides: strides[0], to: out, dstStrides: strides[1],
        shape: runShape)
    }
    return result
  }

  /// The adjoint of `broadcast(to:)`: sums over the axes that broadcasting `target` to this
  /// tensor's shape would have expanded ("unbroadcast" for gradients).
  public func sumToShape(_ target: [Int]) throws -> Tensor {
    if shape == target { return self }
    guard (try? broadcastShapes(target, shape, op: "sum to shape")) == shape else {
      throw TensorError("cannot sum \(formatShape(shape)) to shape \(formatShape(target))")
    }
    let lead = rank - target.count
    let axes = (0..<rank).filter { axis in
      axis < lead || (target[axis - lead] == 1 && shape[axis] != 1)
    }
    let summed = try reduce(.sum, self, axes: axes, keepDims: true)
    return summed.reshaped(unchecked: target)
  }
}

/// Resolves a possibly negative axis against `rank`, or throws naming the op.
func normalizeAxis(_ axis: Int, rank: Int, op: String) throws -> Int {
  let resolved = axis < 0 ? axis + rank : axis
  guard resolved >= 0, resolved < rank else {
    throw TensorError("axis \(axis) is out of range for a tensor of rank \(rank) in \(op)")
  }
  return resolved
}
