/// NumPy's tile, repeat and flip, composed of reshape/broadcast/take/slicing (so their
/// gradients are those ops' gradients).

/// `x` repeated `reps[i]` times along each axis (NumPy's tile): a shorter `reps` is padded
/// with leading 1s, a lower-rank `x` with leading size-1 axes.
public func tile<T: ComposableTensor>(_ x: T, reps: [Int]) throws -> T {
  if let bad = reps.first(where: { $0 < 0 }) {
    throw TensorError("tile: repetitions must be non-negative, got \(bad) in \(reps)")
  }
  let rank = max(x.rank, reps.count)
  let shape = [Int](repeating: 1, count: rank - x.rank) + x.shape
  let counts = [Int](repeating: 1, count: rank - reps.count) + reps
  // Validated as separate axes first, so the products below cannot overflow.
  try validateShape(zip(counts, shape).flatMap { [$0, $1] })
  let result = zip(counts, shape).map { $0 * $1 }
  // [1, s0, 1, s1, …] broadcast to [r0, s0, r1, s1, …] then merged pairwise.
  let spread = try x.reshaped(shape.flatMap { [1, $0] })
  return try spread.broadcast(to: zip(counts, shape).flatMap { [$0, $1] }).reshaped(result)
}

/// Each element of `x` repeated along `axis` (nil: the flattened tensor), NumPy's repeat:
/// `repeats` is one count for every element or one count per position of the axis.
public func repeatElements<T: ComposableTensor>(_ x: T, repeats: [Int], axis: Int?) throws -> T {
  // Flattened for axis none; a 0-d x acts as 1-D either way, as in NumPy.
  let source = axis == nil || x.rank == 0 ? try x.reshaped([x.elementCount]) : x
  let a = try normalizeAxis(axis ?? 0, rank: source.rank, op: "repeat")
  let n = source.shape[a]
  if let bad = repeats.first(where: { $0 < 0 }) {
    throw TensorError("repeat: counts must be non-negative, got \(bad)")
  }
  if repeats.count == 1 {
    let r = repeats[0]
    var spread = source.shape
    spread.insert(1, at: a + 1)
    var wide = source.shape
    wide.insert(r, at: a + 1)
    try validateShape(wide)
    var result = source.shape
    result[a] = n * r
    return try source.reshaped(spread).broadcast(to: wide).reshaped(result)
  }
  guard repeats.count == n else {
    throw TensorError(
      "repeat: \(repeats.count) counts for an axis of length \(n) (shape \(formatShape(source.shape))); "
        + "give one count, or one per position")
  }
  var total = 0
  for r in repeats {
    let (sum, overflow) = total.addingReportingOverflow(r)
    guard !overflow, sum <= maxElementCount else { throw TensorError("repeat: too many elements") }
    total = sum
  }
  var indices: [Int64] = []
  indices.reserveCapacity(total)
  for (i, r) in repeats.enumerated() { indices += repeatElement(Int64(i), count: r) }
  return try source.taking(Tensor(shape: [total], integers: indices, dtype: .int64), axis: a)
}

/// `x` with the order of elements reversed along `axes` (nil: every axis), NumPy's flip.
public func flip<T: ComposableTensor>(_ x: T, axes: [Int]?) throws -> T {
  let resolved = try axes.map { try $0.map { try normalizeAxis($0, rank: x.rank, op: "flip") } } ?? Array(0..<x.rank)
  guard Set(resolved).count == resolved.count else {
    throw TensorError("flip: repeated axis in \(axes ?? [])")
  }
  if resolved.isEmpty { return x }
  let specs: [IndexSpec] = (0..<x.rank).map {
    resolved.contains($0) ? .range(start: nil, end: nil, step: -1) : .all
  }
  return try x.indexed(specs)
}
