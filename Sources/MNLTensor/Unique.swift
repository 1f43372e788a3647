/// NumPy's unique with counts.

/// The distinct elements of `x` (flattened), sorted ascending, and how often each occurs
/// (int64). NaNs count as one value, placed last (NumPy 2's `equal_nan=True`).
public func unique(_ x: Tensor) throws -> (values: Tensor, counts: Tensor) {
  let flat = x.reshaped(unchecked: [x.count])
  let sorted = try sort(flat, axis: 0)
  var keep: [Int] = []
  var counts: [Int64] = []
  if sorted.dtype == .float32 {
    let v = sorted.values
    for i in v.indices {
      let same = i > 0 && (v[i] == v[i - 1] || (v[i].isNaN && v[i - 1].isNaN))
      if same { counts[counts.count - 1] += 1 } else { keep.append(i); counts.append(1) }
    }
  } else {
    let v = sorted.integerValues
    for i in v.indices {
      if i > 0 && v[i] == v[i - 1] { counts[counts.count - 1] += 1 } else { keep.append(i); counts.append(1) }
    }
  }
  let positions = Tensor(shape: [keep.count], integers: keep.map(Int64.init), dtype: .int64)
  return (
    try take(sorted, indices: positions, axis: 0),
    Tensor(shape: [counts.count], integers: counts, dtype: .int64)
  )
}
