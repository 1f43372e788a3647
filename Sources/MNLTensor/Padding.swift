/// NumPy's pad in constant mode.

/// NumPy's pad_width forms resolved to one (before, after) pair per axis: `[[b, a]]` or
/// `[[n]]` for every axis, or one `[b, a]` (or `[n]`) per axis. Widths must be non-negative.
public func padWidths(_ spec: [[Int]], rank: Int) throws -> [(before: Int, after: Int)] {
  guard spec.count == 1 || spec.count == rank else {
    throw TensorError("pad: \(spec.count) width pairs for a tensor of rank \(rank); give one pair, or one per axis")
  }
  var pairs: [(Int, Int)] = []
  for item in spec {
    guard item.count == 1 || item.count == 2 else {
      throw TensorError("pad: each width is [before, after] or [n], got \(item)")
    }
    guard item.allSatisfy({ $0 >= 0 }) else { throw TensorError("pad: widths must be non-negative, got \(item)") }
    pairs.append((item[0], item.count == 2 ? item[1] : item[0]))
  }
  return spec.count == rank ? pairs : Array(repeating: pairs[0], count: rank)
}

/// `x` surrounded by `widths[i]` elements equal to `value` along each axis i (NumPy's pad,
/// mode "constant"). `value` must be a value of x's dtype (a 0-d tensor of any dtype).
public func pad<T: ComposableTensor>(_ x: T, widths: [(before: Int, after: Int)], value: Tensor) throws -> T {
  guard widths.count == x.rank else {
    throw TensorError("pad: \(widths.count) width pairs for a tensor of shape \(formatShape(x.shape))")
  }
  var shape: [Int] = []
  for (size, w) in zip(x.shape, widths) {
    let (total, overflow) = size.addingReportingOverflow(w.before)
    let (grown, overflow2) = total.addingReportingOverflow(w.after)
    guard !overflow, !overflow2 else { throw TensorError("pad: widths too large") }
    shape.append(grown)
  }
  try validateShape(shape)
  let fill: Tensor
  if x.dtype == .float32 {
    fill = Tensor(shape: shape, repeating: value.convertedToFloat32().storage.pointer[0])
  } else {
    let v: Int64
    if value.dtype == .float32 {
      v = try exactInteger(value.storage.pointer[0], for: x.dtype, op: "pad value")
    } else {
      v = value.integerElement(0)
    }
    fill = try Tensor.full(shape, integer: v, dtype: x.dtype)
  }
  let specs: [IndexSpec] = zip(x.shape, widths).map { size, w in
    .range(start: w.before, end: w.before + size, step: 1)
  }
  return try x.placed(into: fill, at: specs)
}
