/// NumPy's diag (both directions) and outer.

/// A 1-D `x` placed on diagonal `k` of a square matrix (k > 0 above the main diagonal), or
/// diagonal `k` of a 2-D `x` as a 1-D tensor, as NumPy's diag.
public func diag<T: ComposableTensor>(_ x: T, k: Int = 0) throws -> T {
  switch x.rank {
  case 1:
    let n = x.shape[0]
    let (size, overflow) = n.addingReportingOverflow(k == .min ? .max : abs(k))
    guard !overflow else { throw TensorError("diag: offset \(k) is too large") }
    try validateShape([size, size])
    // Row i of the result holds x[j - k] at column j = i + k: lay x out by column once
    // (zeros elsewhere), spread it over the rows, and keep the diagonal.
    let start = max(k, 0)
    let column = try x.placed(
      into: Tensor(shape: [size], repeating: 0, dtype: x.dtype),
      at: [.range(start: start, end: start + n, step: 1)])
    var mask = [Int64](repeating: 0, count: size * size)
    for i in 0..<size where i + k >= 0 && i + k < size { mask[i * size + i + k] = 1 }
    let spread = try column.reshaped([1, size]).broadcast(to: [size, size])
    return try spread.masked(Tensor(shape: [size, size], integers: mask, dtype: .bool))
  case 2:
    let (rows, columns) = (x.shape[0], x.shape[1])
    // Rows first..<last hold an element of the diagonal (none when k is off the matrix).
    let onMatrix = k > -rows && k < columns
    let first = onMatrix ? max(0, -k) : 0
    let last = onMatrix ? min(rows, columns - k) : 0
    let positions = (first..<max(first, last)).map { Int64($0 * columns + $0 + k) }
    return try x.reshaped([rows * columns]).taking(
      Tensor(shape: [positions.count], integers: positions, dtype: .int64), axis: 0)
  default:
    throw TensorError("diag needs a 1-D or 2-D tensor, got shape \(formatShape(x.shape))")
  }
}

/// The outer product of the flattened `a` and `b`: result[i, j] = a[i]·b[j] (NumPy's outer).
public func outer<T: ComposableTensor>(_ a: T, _ b: T) throws -> T {
  let (m, n) = (a.elementCount, b.elementCount)
  try validateShape([m, n])
  return try a.reshaped([m, 1]).multiplying(b.reshaped([1, n]))
}
