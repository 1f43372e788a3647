/// Sorting along an axis (NumPy's sort/argsort, PyTorch's topk) and the gather/scatter along
/// an axis that moves values by the resulting indices.
///
/// Orders are stable: equal elements keep their order in both directions. NaN counts as the
/// largest value, so ascending order puts NaNs last (NumPy) and descending order first
/// (torch.sort(descending=True), torch.topk).

/// Indices (int64, x's shape) that sort `x` along `axis` (nil: the flattened tensor).
public func argsort(_ x: Tensor, axis: Int? = -1, descending: Bool = false) throws -> Tensor {
  // NumPy's argsort of a 0-d array is [0] whatever the axis (its sort refuses an axis).
  let vector = x.rank == 0 ? x.reshaped(unchecked: [1]) : x
  let (x, a) = try vector.alongAxis(axis, op: "argsort")
  let lanes = AxisLanes(shape: x.shape, axis: a)
  var out = [Int64](repeating: 0, count: x.count)
  var order = [Int](repeating: 0, count: lanes.length)
  func sortLanes<T>(_ values: [T], less: (T, T) -> Bool) {
    var lane = [T]()
    lane.reserveCapacity(lanes.length)
    for l in 0..<lanes.count {
      let start = lanes.start(l)
      lane.removeAll(keepingCapacity: true)
      for i in 0..<lanes.length { lane.append(values[start + i * lanes.inner]) }
      for i in 0..<lanes.length { order[i] = i }
      // Ties break by position, which makes the order stable whatever the algorithm.
      order.sort { p, q in
        less(lane[p], lane[q]) || (!less(lane[q], lane[p]) && p < q)
      }
      for i in 0..<lanes.length { out[start + i * lanes.inner] = Int64(order[i]) }
    }
  }
  if x.dtype != .int64 && lanes.length <= Int(UInt32.max) {
    // Fast path: each element as one UInt64, its order-preserving 32-bit key above its
    // position, sorted with the plain integer sort (equal keys keep position order: stable).
    let keys = sortKeys(x, descending: descending)
    var packed = [UInt64](repeating: 0, count: lanes.length)
    for l in 0..<lanes.count {
      let start = lanes.start(l)
      for i in 0..<lanes.length {
        packed[i] = UInt64(keys[start + i * lanes.inner]) << 32 | UInt64(i)
      }
      packed.sort()
      for i in 0..<lanes.length { out[start + i * lanes.inner] = Int64(packed[i] & 0xFFFF_FFFF) }
    }
  } else if x.dtype == .float32 {
    let values = x.values
    // NaN above everything; -0 and 0 are equal.
    let ascending: (Float, Float) -> Bool = { p, q in q.isNaN ? !p.isNaN : p < q }
    sortLanes(values, less: descending ? { p, q in ascending(q, p) } : ascending)
  } else {
    sortLanes(x.integerValues, less: descending ? { $0 > $1 } : { $0 < $1 })
  }
  return Tensor(shape: x.shape, integers: out, dtype: .int64)
}

/// Unsigned 32-bit keys in the order argsort wants (complemented for descending) for float32,
/// int32, uint8 and bool elements: floats by their IEEE bits with the sign folded so that the
/// unsigned order is the numeric one, -0 as 0 and every NaN as one key above +inf.
private func sortKeys(_ x: Tensor, descending: Bool) -> [UInt32] {
  var keys: [UInt32]
  if x.dtype == .float32 {
    keys = x.values.map { v in
      if v.isNaN { return UInt32.max }
      let bits = (v == 0 ? Float(0) : v).bitPattern
      return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }
  } else {
    keys = x.integerValues.map { UInt32(bitPattern: Int32(truncatingIfNeeded: $0)) ^ 0x8000_0000 }
  }
  if descending { for i in keys.indices { keys[i] = ~keys[i] } }
  return keys
}

/// `x` sorted along `axis` (nil: flattened), ascending unless `descending`.
public func sort(_ x: Tensor, axis: Int? = -1, descending: Bool = false) throws -> Tensor {
  let (flat, a) = try x.alongAxis(axis, op: "sort")
  return try takeAlongAxis(flat, indices: argsort(flat, axis: a, descending: descending), axis: a)
}

/// The indices of the `k` largest elements along `axis`, largest first (ties: the earlier
/// position first; NaN is largest). The values are `takeAlongAxis(x, indices, axis)`.
public func topkIndices(_ x: Tensor, k: Int, axis: Int = -1) throws -> Tensor {
  guard x.rank > 0 else { throw TensorError("topk needs at least one axis, got a 0-d tensor") }
  let a = try normalizeAxis(axis, rank: x.rank, op: "topk")
  guard k >= 0, k <= x.shape[a] else {
    throw TensorError(
      "topk: k = \(k) is out of range for axis \(axis) of length \(x.shape[a]) (shape \(formatShape(x.shape)))")
  }
  let order = try argsort(x, axis: a, descending: true)
  var specs = [IndexSpec](repeating: .all, count: a)
  specs.append(.range(start: 0, end: k, step: 1))
  return try order.indexed(specs)
}

/// NumPy's take_along_axis: `result[..., j, ...] = x[..., indices[..., j, ...], ...]` along
/// `axis`; `indices` has x's rank and shape except along `axis` (any length there). Negative
/// indices count from the end.
public func takeAlongAxis(_ x: Tensor, indices: Tensor, axis: Int) throws -> Tensor {
  let a = try checkAlongAxis(x.shape, indices, axis: axis, op: "take_along_axis")
  let positions = try alongAxisPositions(indices, length: x.shape[a], op: "take_along_axis")
  let source = AxisLanes(shape: x.shape, axis: a)
  let target = AxisLanes(shape: indices.shape, axis: a)
  var result = Tensor(uninitializedShape: indices.shape, dtype: x.dtype)
  let width = x.dtype.byteWidth
  result.withUnsafeMutableRawStorage { out in
    for l in 0..<target.count {
      let (from, to) = (source.start(l), target.start(l))
      for j in 0..<target.length {
        let t = to + j * target.inner
        let s = from + positions[t] * source.inner
        (out + t * width).copyMemory(from: x.storage.raw + s * width, byteCount: width)
      }
    }
  }
  return result
}

/// The adjoint of `takeAlongAxis`: zeros of `shape` (float32) with each element of `values`
/// added at the position `indices` names along `axis`.
public func scatterAddAlongAxis(_ values: Tensor, indices: Tensor, axis: Int, into shape: [Int])
  throws -> Tensor
{
  let a = try checkAlongAxis(shape, indices, axis: axis, op: "scatter_add_along_axis")
  guard values.shape == indices.shape else {
    throw TensorError.shapeMismatch("scatter_add_along_axis", values.shape, indices.shape, infix: "at")
  }
  let positions = try alongAxisPositions(indices, length: shape[a], op: "scatter_add_along_axis")
  let target = AxisLanes(shape: shape, axis: a)
  let source = AxisLanes(shape: indices.shape, axis: a)
  var result = Tensor(shape: shape, repeating: 0)
  let v = values.values
  result.withUnsafeMutableBufferPointer { out in
    for l in 0..<source.count {
      let (from, to) = (source.start(l), target.start(l))
      for j in 0..<source.length {
        let s = from + j * source.inner
        out[to + positions[s] * target.inner] += v[s]
      }
    }
  }
  return result
}

/// Resolves `axis` and checks that `indices` matches `shape` off that axis.
private func checkAlongAxis(_ shape: [Int], _ indices: Tensor, axis: Int, op: String) throws -> Int {
  guard !shape.isEmpty else { throw TensorError("\(op) needs at least one axis, got a 0-d tensor") }
  let a = try normalizeAxis(axis, rank: shape.count, op: op)
  var expected = shape
  if indices.rank == shape.count { expected[a] = indices.shape[a] }
  guard indices.shape == expected else {
    throw TensorError(
      "\(op): indices of shape \(formatShape(indices.shape)) do not match \(formatShape(shape)) "
        + "off axis \(axis)")
  }
  return a
}

/// The index elements as non-negative positions below `length`.
private func alongAxisPositions(_ indices: Tensor, length: Int, op: String) throws -> [Int] {
  var positions = try indices.indexValues(for: op)
  for (i, p) in positions.enumerated() {
    guard p >= -length, p < length else {
      throw TensorError("index \(p) is out of range for an axis of length \(length) in \(op)")
    }
    if p < 0 { positions[i] = p + length }
  }
  return positions
}
