/// Reductions over all elements or chosen axes (sum, mean, max, min), arg-max/arg-min,
/// variance and standard deviation.
import MNLKernels

public enum ReductionOp: String, Sendable, CaseIterable {
  case sum, mean, max, min
}

/// Validated, sorted, de-negated axes; nil means all axes.
func normalizeAxes(_ axes: [Int]?, rank: Int, op: String) throws -> [Int] {
  guard let axes else { return Array(0..<rank) }
  var seen = Set<Int>()
  for axis in axes {
    let resolved = try normalizeAxis(axis, rank: rank, op: op)
    guard seen.insert(resolved).inserted else {
      throw TensorError("axis \(axis) is repeated in \(op)")
    }
  }
  return seen.sorted()
}

/// Shape after reducing `axes` (sorted): kept as 1 with keepDims, removed otherwise.
func reducedShape(_ shape: [Int], axes: [Int], keepDims: Bool) -> [Int] {
  var result: [Int] = []
  for (axis, size) in shape.enumerated() {
    if axes.contains(axis) {
      if keepDims { result.append(1) }
    } else {
      result.append(size)
    }
  }
  return result
}

/// Reduces `x` over `axes` (all axes when nil; negative axes count from the end).
/// For integer and bool input, as in NumPy: sum gives int64 (exact; a sum past int64 is an
/// error), mean gives float32, max/min keep the dtype. float32 input gives float32.
/// max and min of an empty selection throw; the sum of nothing is 0 and its mean NaN.
public func reduce(_ op: ReductionOp, _ x: Tensor, axes: [Int]? = nil, keepDims: Bool = false)
  throws -> Tensor
{
  let axisList = try normalizeAxes(axes, rank: x.rank, op: op.rawValue)
  let outShape = reducedShape(x.shape, axes: axisList, keepDims: keepDims)
  let reducedCount = axisList.reduce(1) { $0 * x.shape[$1] }
  if reducedCount == 0 && (op == .max || op == .min) && shapeCount(outShape) > 0 {
    throw TensorError(
      "\(op.rawValue) of an empty selection: shape \(formatShape(x.shape)), axes \(axisList)")
  }
  if x.dtype != .float32 {
    return try reduceIntegers(op, x, axes: axisList, outShape: outShape, reducedCount: reducedCount)
  }
  let kind: ReductionKind =
    switch op {
    case .sum, .mean: .sum
    case .max: .max
    case .min: .min
    }

  var result: Tensor
  if axisList.count == x.rank || x.count == 0 || reducedCount == 1 {
    result = reduceSimple(kind, x, outShape: outShape, axes: axisList)
  } else {
    // Reduce runs of adjacent axes, last run first, keeping dims so offsets stay simple.
    var current = x
    var runs: [[Int]] = []
    for axis in axisList {
      if let last = runs.last?.last, last == axis - 1 {
        runs[runs.count - 1].append(axis)
      } else {
        runs.append([axis])
      }
    }
    for run in runs.reversed() {
      current = reduceAdjacent(kind, current, from: run[0], through: run[run.count - 1])
    }
    result = current.reshaped(unchecked: outShape)
  }
  if op == .mean {
    result.scale(by: 1 / Float(reducedCount))
  }
  return result
}

/// Reductions of integer and bool tensors, exactly: the reduced axes are moved last so each
/// output element reduces one contiguous run.
private func reduceIntegers(
  _ op: ReductionOp, _ x: Tensor, axes: [Int], outShape: [Int], reducedCount: Int
) throws -> Tensor {
  let kept = (0..<x.rank).filter { !axes.contains($0) }
  let values = try x.transposed(kept + axes).integerValues
  let outCount = shapeCount(outShape)
  switch op {
  case .sum:
    // Accumulate in Int128: only the final sum has to fit int64 (2^62 + 2^62 - 2^62 is fine).
    var sums = [Int64](repeating: 0, count: outCount)
    for g in 0..<outCount {
      let total = values[(g * reducedCount)..<((g + 1) * reducedCount)].reduce(Int128(0)) { $0 + Int128($1) }
      guard let exact = Int64(exactly: total) else {
        throw TensorError("integer overflow: the sum \(total) does not fit int64; cast to float32 first")
      }
      sums[g] = exact
    }
    return Tensor(shape: outShape, integers: sums, dtype: .int64)
  case .mean:
    let means = (0..<outCount).map { g -> Float in
      let run = values[(g * reducedCount)..<((g + 1) * reducedCount)]
      return Float(run.reduce(0.0) { $0 + Double($1) } / Double(reducedCount))
    }
    return try Tensor(shape: outShape, values: means, dtype: .float32)
  case .max, .min:
    let extremes = (0..<outCount).map { g -> Int64 in
      let run = values[(g * reducedCount)..<((g + 1) * reducedCount)]
      return (op == .max ? run.max() : run.min()) ?? 0
    }
    return Tensor(shape: outShape, integers: extremes, dtype: x.dtype)
  }
}

/// Cases with no real axis walking: full reductions, empty tensors, size-1 axes.
private func reduceSimple(_ kind: ReductionKind, _ x: Tensor, outShape: [Int], axes: [Int])
  -> Tensor
{
  var result = Tensor(uninitializedShape: outShape)
  let outCount = result.count
  result.withUnsafeMutableBufferPointer { out in
    guard outCount > 0 else { return }
    if x.count == 0 {
      out.update(repeating: 0)  // only sums (and means) reach here with empty input
    } else if outCount == 1 {
      out[0] =
        kind == .sum
        ? Reduction.sum(x.storage.pointer, count: x.count)
        : Reduction.extremum(kind, x.storage.pointer, count: x.count)
    } else {
      // Every reduced axis has size 1: the elements are already in output order.
      out.baseAddress.unsafelyUnwrapped.update(from: x.storage.pointer, count: outCount)
    }
  }
  return result
}

/// Reduces axes first…last (adjacent) of `x`, keeping them as size 1.
private func reduceAdjacent(_ kind: ReductionKind, _ x: Tensor, from first: Int, through last: Int)
  -> Tensor
{
  let outer = shapeCount(Array(x.shape[..<first]))
  let length = shapeCount(Array(x.shape[first...last]))
  let inner = shapeCount(Array(x.shape[(last + 1)...]))
  var shape = x.shape
  for axis in first...last { shape[axis] = 1 }
  var result = Tensor(uninitializedShape: shape)
  result.withUnsafeMutableBufferPointer { out in
    let dst = out.baseAddress.unsafelyUnwrapped
    let src = x.storage.pointer
    if inner == 1 {
      Reduction.rows(kind, src, rows: outer, length: length, dst)
    } else {
      for o in 0..<outer {
        Reduction.columns(kind, src + o * length * inner, rows: length, columns: inner, dst + o * inner)
      }
    }
  }
  return result
}

/// Index of the first maximum along `axis` (over the flattened tensor when nil), as int64.
public func argmax(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
  try argExtremum(x, axis: axis, keepDims: keepDims, isMax: true)
}

/// Index of the first minimum along `axis` (over the flattened tensor when nil), as int64.
public func argmin(_ x: Tensor, axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
  try argExtremum(x, axis: axis, keepDims: keepDims, isMax: false)
}

/// The float kernels write indices as Floats, exact up to 2^24: longer axes and integer
/// tensors use the exact generic path.
private func argExtremum(_ x: Tensor, axis: Int?, keepDims: Bool, isMax: Bool) throws -> Tensor {
  let indices = try argExtremumFloatIndices(x, axis: axis, keepDims: keepDims, isMax: isMax)
  return try cast(indices, to: .defaultInteger)
}

private func argExtremumFloatIndices(_ x: Tensor, axis: Int?, keepDims: Bool, isMax: Bool) throws -> Tensor {
  let name = isMax ? "argmax" : "argmin"
  guard let axis else {
    guard x.count > 0 else { throw TensorError("\(name) of an empty tensor \(formatShape(x.shape))") }
    let shape = keepDims ? [Int](repeating: 1, count: x.rank) : []
    if x.dtype != .float32 || x.count > 1 << 24 {
      return argExtremumExact(x.reshaped(unchecked: [1, x.count]), isMax: isMax, outShape: shape)
    }
    var result = Tensor(uninitializedShape: shape, dtype: .float32)
    result.withUnsafeMutableBufferPointer { out in
      Reduction.argRows(isMax: isMax, x.storage.pointer, rows: 1, length: x.count, out.baseAddress.unsafelyUnwrapped)
    }
    return result
  }
  let a = try normalizeAxis(axis, rank: x.rank, op: name)
  let length = x.shape[a]
  let outer = shapeCount(Array(x.shape[..<a]))
  let inner = shapeCount(Array(x.shape[(a + 1)...]))
  let outShape = reducedShape(x.shape, axes: [a], keepDims: keepDims)
  guard length > 0 || outer * inner == 0 else {
    throw TensorError("\(name) along an empty axis: shape \(formatShape(x.shape)), axis \(axis)")
  }
  if x.dtype != .float32 || length > 1 << 24 {
    var perm = Array(0..<x.rank)
    perm.remove(at: a)
    let rows = try x.transposed(perm + [a])
    return argExtremumExact(rows.reshaped(unchecked: [outer * inner, length]), isMax: isMax, outShape: outShape)
  }
  var result = Tensor(uninitializedShape: outShape, dtype: .float32)
  if result.count == 0 { return result }
  result.withUnsafeMutableBufferPointer { out in
    let dst = out.baseAddress.unsafelyUnwrapped
    let src = x.storage.pointer
    if inner == 1 {
      Reduction.argRows(isMax: isMax, src, rows: outer, length: length, dst)
    } else {
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: inner)
      defer { scratch.deallocate() }
      for o in 0..<outer {
        Reduction.argColumns(
          isMax: isMax, src + o * length * inner, rows: length, columns: inner, dst + o * inner,
          scratch: scratch)
      }
    }
  }
  return result
}

/// Per row of a [rows, length] tensor, the index of the first largest (or smallest) element,
/// as an int64 tensor of `outShape`. Integers compare exactly; a NaN never wins.
private func argExtremumExact(_ x: Tensor, isMax: Bool, outShape: [Int]) -> Tensor {
  let (rows, length) = (x.shape[0], x.shape[1])
  func pick<T: Comparable>(_ values: [T]) -> [Int64] {
    (0..<rows).map { r in
      var best = r * length
      for i in (r * length)..<((r + 1) * length) where isMax ? values[i] > values[best] : values[i] < values[best] {
        best = i
      }
      return Int64(best - r * length)
    }
  }
  let indices = x.dtype == .float32 ? pick(x.values) : pick(x.integerValues)
  return Tensor(shape: outShape, integers: length == 0 ? [] : indices, dtype: .defaultInteger)
}

/// Population variance (NumPy's default ddof=0) over `axes` (all when nil).
public func variance(_ x: Tensor, axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
  let mean = try reduce(.mean, x, axes: axes, keepDims: true)
  let centred = try binary(.subtract, x.convertedToFloat32(), mean)
  return try reduce(.mean, unary(.square, centred), axes: axes, keepDims: keepDims)
}

/// Population standard deviation: the square root of `variance`.
public func standardDeviation(_ x: Tensor, axes: [Int]? = nil, keepDims: Bool = false) throws
  -> Tensor
{
  unary(.sqrt, try variance(x, axes: axes, keepDims: keepDims))
}
