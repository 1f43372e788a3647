/// NumPy-style basic indexing: integer indices, (stepped, negative) ranges, `:` and new axes,
/// for reading (`indexed`) and writing with broadcasting (`assign`).

/// One entry of an index expression like `x[1, 2:5, ::-1, newaxis]`.
public enum IndexSpec: Sendable, Equatable {
  /// One position (negative counts from the end); removes the axis.
  case index(Int)
  /// Python's start:end:step (each nil for its default); keeps the axis.
  case range(start: Int?, end: Int?, step: Int?)
  /// `:`, the whole axis.
  case all
  /// A new axis of size 1 (NumPy's `np.newaxis`/`None`).
  case newAxis
}

/// Where an index expression reads: a strided view into the source buffer.
struct IndexRegion {
  var shape: [Int] = []
  var strides: [Int] = []
  var offset = 0
}

extension Tensor {
  func resolveRegion(_ specs: [IndexSpec]) throws -> IndexRegion {
    let consumed = specs.filter { $0 != .newAxis }.count
    guard consumed <= rank else {
      throw TensorError(
        "too many indices for a tensor of shape \(formatShape(shape)): \(consumed) given")
    }
    let own = contiguousStrides(shape)
    var region = IndexRegion()
    var axis = 0
    for spec in specs + [IndexSpec](repeating: .all, count: rank - consumed) {
      switch spec {
      case .newAxis:
        region.shape.append(1)
        region.strides.append(0)
      case .index(let i):
        let size = shape[axis]
        let resolved = i < 0 ? i + size : i
        guard resolved >= 0, resolved < size else {
          throw TensorError(
            "index \(i) is out of range for axis \(axis) with size \(size) (shape \(formatShape(shape)))")
        }
        region.offset += resolved * own[axis]
        axis += 1
      case .all:
        region.shape.append(shape[axis])
        region.strides.append(own[axis])
        axis += 1
      case .range(let start, let end, let step):
        let (first, count, step) = try sliceBounds(start, end, step, size: shape[axis])
        region.shape.append(count)
        // A single element never moves, so a huge step cannot overflow the stride.
        region.strides.append(count > 1 ? step * own[axis] : 0)
        if count > 0 { region.offset += first * own[axis] }
        axis += 1
      }
    }
    return region
  }

  /// The elements selected by `specs` (a copy). Fewer specs than axes leave the trailing axes
  /// whole; integer indices remove their axis, so `x[i, j]` of a matrix is a 0-d tensor.
  public func indexed(_ specs: [IndexSpec]) throws -> Tensor {
    let region = try resolveRegion(specs)
    var result = Tensor(uninitializedShape: region.shape, dtype: dtype)
    if result.count == 0 { return result }
    let (runShape, strides) = coalesceAxes(
      region.shape, [region.strides, contiguousStrides(region.shape)])
    result.withUnsafeMutableRawStorage { out in
      copyStridedElements(
        dtype, from: elementAddress(region.offset), srcStrides: strides[0], to: out,
        dstStrides: strides[1], shape: runShape)
    }
    return result
  }

  /// Writes `value`, broadcast to the selected region's shape, into the region selected by
  /// `specs`. Values are converted to this tensor's dtype (see `cast`: floats truncate into
  /// integer tensors; values out of the dtype's range are errors).
  public mutating func assign(_ specs: [IndexSpec], _ value: Tensor) throws {
    let region = try resolveRegion(specs)
    guard (try? broadcastShapes(value.shape, region.shape, op: "=")) == region.shape else {
      throw TensorError(
        "cannot assign a value of shape \(formatShape(value.shape)) to a region of shape "
          + "\(formatShape(region.shape))")
    }
    if shapeCount(region.shape) == 0 { return }
    let source = try cast(value, to: dtype)
    let (runShape, strides) = coalesceAxes(
      region.shape, [broadcastStrides(source.shape, to: region.shape), region.strides])
    let dtype = self.dtype
    let offsetBytes = region.offset * dtype.byteWidth
    withUnsafeMutableRawStorage { out in
      copyStridedElements(
        dtype, from: source.storage.raw, srcStrides: strides[0], to: out + offsetBytes,
        dstStrides: strides[1], shape: runShape)
    }
  }
}

/// Python's slice.indices: the first position, element count and step of start:end:step
/// over an axis of `size`.
func sliceBounds(_ start: Int?, _ end: Int?, _ step: Int?, size: Int) throws -> (Int, Int, Int) {
  let step = step ?? 1
  guard step != 0 else { throw TensorError("slice step cannot be zero") }
  // Clamp a bound into lower…upper after counting negatives from the end.
  func clamp(_ value: Int, _ lower: Int, _ upper: Int) -> Int {
    let v = value < 0 ? (value < -size ? lower - size : value) + size : value
    return min(max(v, lower), upper)
  }
  if step > 0 {
    let first = start.map { clamp($0, 0, size) } ?? 0
    let stop = end.map { clamp($0, 0, size) } ?? size
    let count = stop > first ? (stop - first - 1) / step + 1 : 0
    return (first, count, step)
  } else {
    let first = start.map { clamp($0, -1, size - 1) } ?? size - 1
    let stop = end.map { clamp($0, -1, size - 1) } ?? -1
    // Negating Int.min overflows; any step ≤ −size selects at most one element anyway.
    let magnitude = step == Int.min ? Int.max : -step
    let count = first > stop ? (first - stop - 1) / magnitude + 1 : 0
    return (first, count, step)
  }
}
