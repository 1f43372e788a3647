/// Shape operations: reshape (with one inferred -1), transpose, squeeze/expandDims,
/// concat, stack and take (gather along an axis by an index list).
import MNLKernels

extension Tensor {
  /// Same elements in a new shape; one dimension may be -1 and is inferred.
  public func reshaped(_ newShape: [Int]) throws -> Tensor {
    let fail = { (why: String) in
      TensorError(
        "cannot reshape \(formatShape(self.shape)) (\(self.count) elements) to \(formatShape(newShape)): \(why)")
    }
    let inferred = newShape.indices.filter { newShape[$0] == -1 }
    guard inferred.count <= 1 else { throw fail("only one dimension can be -1") }
    guard newShape.allSatisfy({ $0 >= -1 }) else { throw fail("negative dimension") }
    var resolved = newShape
    if let slot = inferred.first {
      var known = newShape
      known[slot] = 1
      try validateShape(known)
      let product = shapeCount(known)
      guard product > 0, count % product == 0 else {
        throw fail("the other dimensions do not divide the element count")
      }
      resolved[slot] = count / product
    } else {
      try validateShape(newShape)
      guard shapeCount(newShape) == count else { throw fail("element counts differ") }
    }
    return reshaped(unchecked: resolved)
  }

  /// Axes permuted: result axis i is input axis perm[i]. Default: axes reversed.
  public func transposed(_ perm: [Int]? = nil) throws -> Tensor {
    let order = perm ?? Array((0..<rank).reversed())
    let resolved = try order.map { try normalizeAxis($0, rank: rank, op: "transpose") }
    guard order.count == rank, Set(resolved).count == rank else {
      throw TensorError(
        "transpose needs a permutation of 0..\(rank), got \(order) for shape \(formatShape(shape))")
    }
    if resolved == Array(0..<rank) { return self }
    let outShape = resolved.map { shape[$0] }
    var result = Tensor(uninitializedShape: outShape, dtype: dtype)
    if count == 0 { return result }
    if dtype != .float32 {
      let own = contiguousStrides(shape)
      let (runShape, strides) = coalesceAxes(
        outShape, [resolved.map { own[$0] }, contiguousStrides(outShape)])
      result.withUnsafeMutableRawStorage { out in
        copyStridedElements(
          dtype, from: storage.raw, srcStrides: strides[0], to: out, dstStrides: strides[1],
          shape: runShape)
      }
      return result
    }
    result.withUnsafeMutableBufferPointer { out in
      let dst = out.baseAddress.unsafelyUnwrapped
      if rank == 2 {
        Elementwise.transpose2D(storage.pointer, rows: shape[0], columns: shape[1], dst)
      } else {
        let own = contiguousStrides(shape)
        let (runShape, strides) = coalesceAxes(
          outShape, [resolved.map { own[$0] }, contiguousStrides(outShape)])
        Elementwise.copyStrided(
          storage.pointer, srcStrides: strides[0], dst, dstStrides: strides[1], shape: runShape)
      }
    }
    return result
  }

  /// Removes size-1 axes (all of them, or the given ones, which must have size 1).
  public func squeezed(axes: [Int]? = nil) throws -> Tensor {
    let remove: [Int]
    if let axes {
      remove = try normalizeAxes(axes, rank: rank, op: "squeeze")
      for axis in remove where shape[axis] != 1 {
        throw TensorError("cannot squeeze axis \(axis) of size \(shape[axis]) in \(formatShape(shape))")
      }
    } else {
      remove = shape.indices.filter { shape[$0] == 1 }
    }
    return reshaped(unchecked: reducedShape(shape, axes: remove, keepDims: false))
  }

  /// A new size-1 axis at `axis` (0…rank; negative counts from the end of the result).
  public func expandingDims(at axis: Int) throws -> Tensor {
    let a = try normalizeAxis(axis, rank: rank + 1, op: "expand_dims")
    var newShape = shape
    newShape.insert(1, at: a)
    return reshaped(unchecked: newShape)
  }
}

/// Joins tensors along an existing axis; all other dimensions must agree.
public func concat(_ xs: [Tensor], axis: Int = 0) throws -> Tensor {
  guard let first = xs.first else { throw TensorError("concat needs at least one tensor") }
  guard first.rank > 0 else { throw TensorError("concat cannot join 0-d tensors; use stack") }
  let a = try normalizeAxis(axis, rank: first.rank, op: "concat")
  var total = 0
  for x in xs {
    var expected = first.shape
    expected[a] = x.rank == first.rank ? x.shape[a] : -1
    guard x.shape == expected else {
      throw TensorError(
        "concat along axis \(axis) needs matching shapes: "
          + xs.map { formatShape($0.shape) }.joined(separator: ", "))
    }
    total += x.shape[a]
  }
  var outShape = first.shape
  outShape[a] = total
  try validateShape(outShape)
  // Mixed dtypes promote, as in NumPy's concatenate.
  let dtype = xs.dropFirst().reduce(first.dtype) { DType.promoted($0, $1.dtype) }
  let parts = try xs.map { try cast($0, to: dtype) }
  var result = Tensor(uninitializedShape: outShape, dtype: dtype)
  let outer = shapeCount(Array(first.shape[..<a]))
  let inner = shapeCount(Array(first.shape[(a + 1)...]))
  let width = dtype.byteWidth
  result.withUnsafeMutableRawStorage { dst in
    let outRow = total * inner
    var offset = 0
    for x in parts {
      let chunk = x.shape[a] * inner
      for o in 0..<outer where chunk > 0 {
        (dst + (o * outRow + offset) * width).copyMemory(
          from: x.storage.raw + o * chunk * width, byteCount: chunk * width)
      }
      offset += chunk
    }
  }
  return result
}

/// Joins equally shaped tensors along a new axis.
public func stack(_ xs: [Tensor], axis: Int = 0) throws -> Tensor {
  guard let first = xs.first else { throw TensorError("stack needs at least one tensor") }
  guard xs.allSatisfy({ $0.shape == first.shape }) else {
    throw TensorError(
      "stack needs equal shapes: " + xs.map { formatShape($0.shape) }.joined(separator: ", "))
  }
  let a = try normalizeAxis(axis, rank: first.rank + 1, op: "stack")
  return try concat(xs.map { try $0.expandingDims(at: a) }, axis: a)
}

/// Gathers slices of `x` along `axis` by integer `indices` (any shape; negative indices count
/// from the end): result shape = x.shape[..<axis] + indices.shape + x.shape[axis+1...].
public func take(_ x: Tensor, indices: Tensor, axis: Int = 0) throws -> Tensor {
  guard x.rank > 0 else { throw TensorError("take needs at least one axis, got a 0-d tensor") }
  let a = try normalizeAxis(axis, rank: x.rank, op: "take")
  let size = x.shape[a]
  var positions = try indices.indexValues(for: "take")
  for (i, index) in positions.enumerated() {
    guard index >= -size, index < size else {
      throw TensorError("index \(index) is out of range for axis \(axis) with size \(size) in take")
    }
    positions[i] = index < 0 ? index + size : index
  }
  let outShape = Array(x.shape[..<a]) + indices.shape + Array(x.shape[(a + 1)...])
  try validateShape(outShape)
  let outer = shapeCount(Array(x.shape[..<a]))
  let inner = shapeCount(Array(x.shape[(a + 1)...]))
  var result = Tensor(uninitializedShape: outShape, dtype: x.dtype)
  let rowBytes = inner * x.dtype.byteWidth
  result.withUnsafeMutableRawStorage { out in
    var dst = out
    guard inner > 0 else { return }
    for o in 0..<outer {
      let block = x.storage.raw + o * size * rowBytes
      for p in positions {
        dst.copyMemory(from: block + p * rowBytes, byteCount: rowBytes)
        dst += rowBytes
      }
    }
  }
  return result
}
