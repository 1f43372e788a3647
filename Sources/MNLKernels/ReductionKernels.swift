/// Reduction kernels: whole-buffer sums and extrema, per-row reductions (last axis), per-column
/// reductions (first axis of a 2-D view), and arg-max/arg-min along either.
public enum ReductionKind: Sendable { case sum, max, min }

public enum Reduction {
  /// Σ x[i]. Blocks of 4096 are summed in Float with 32 partial sums, blocks are added in Double,
  /// so the error stays near Float precision even for millions of elements.
  public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    Float(sumDouble(x, count: count, squared: false))
  }

  /// Σ x[i]² with the same blocking as `sum`.
  public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float {
    Float(sumDouble(x, count: count, squared: true))
  }

  static func sumDouble(_ x: UnsafePointer<Float>, count: Int, squared: Bool) -> Double {
    var total: Double = 0
    var start = 0
    while start < count {
      let end = Swift.min(count, start + 4096)
      total += Double(squared ? blockSumSquares(x + start, end - start) : blockSum(x + start, end - start))
      start = end
    }
    return total
  }

  @inline(__always)
  static func blockSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var s0 = Vec8(), s1 = Vec8(), s2 = Vec8(), s3 = Vec8()
    var i = 0
    while i + 32 <= n {
      s0 += load8(x + i)
      s1 += load8(x + i + 8)
      s2 += load8(x + i + 16)
      s3 += load8(x + i + 24)
      i += 32
    }
    while i + 8 <= n {
      s0 += load8(x + i)
      i += 8
    }
    var tail: Float = 0
    while i < n {
      tail += x[i]
      i += 1
    }
    return ((s0 + s1) + (s2 + s3)).sum() + tail
  }

  @inline(__always)
  static func blockSumSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var s0 = Vec8(), s1 = Vec8(), s2 = Vec8(), s3 = Vec8()
    var i = 0
    while i + 32 <= n {
      let a = load8(x + i), b = load8(x + i + 8), c = load8(x + i + 16), d = load8(x + i + 24)
      s0 = s0.addingProduct(a, a)
      s1 = s1.addingProduct(b, b)
      s2 = s2.addingProduct(c, c)
      s3 = s3.addingProduct(d, d)
      i += 32
    }
    while i + 8 <= n {
      let a = load8(x + i)
      s0 = s0.addingProduct(a, a)
      i += 8
    }
    var tail: Float = 0
    while i < n {
      tail += x[i] * x[i]
      i += 1
    }
    return ((s0 + s1) + (s2 + s3)).sum() + tail
  }

  /// Max or min of n ≥ 1 contiguous values; any NaN makes the result NaN (like NumPy).
  public static func extremum(_ kind: ReductionKind, _ x: UnsafePointer<Float>, count n: Int)
    -> Float
  {
    let isMax = kind == .max
    var i = 0
    var sawNaN = false
    var best = x[0]
    if n >= 8 {
      var acc = load8(x)
      var nanLanes = acc .!= acc
      i = 8
      while i + 8 <= n {
        let v = load8(x + i)
        nanLanes = nanLanes .| (v .!= v)
        acc = isMax ? acc.replacing(with: v, where: v .> acc) : acc.replacing(with: v, where: v .< acc)
        i += 8
      }
      sawNaN = any(nanLanes)
      best = isMax ? acc.max() : acc.min()
    }
    while i < n {
      let v = x[i]
      if v.isNaN { sawNaN = true }
      if isMax ? v > best : v < best { best = v }
      i += 1
    }
    return sawNaN || best.isNaN ? .nan : best
  }

  /// out[r] = reduce(x[r·length ..< (r+1)·length]) for each of `rows` contiguous rows (length ≥ 1).
  public static func rows(
    _ kind: ReductionKind, _ x: UnsafePointer<Float>, rows: Int, length: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    for r in 0..<rows {
      let row = x + r * length
      out[r] = kind == .sum ? blockSumRow(row, length) : extremum(kind, row, count: length)
    }
  }

  @inline(__always)
  static func blockSumRow(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    n <= 4096 ? blockSum(x, n) : Float(sumDouble(x, count: n, squared: false))
  }

  /// out[j] = reduce over r of x[r·columns + j]: a first-axis reduction of a rows×columns
  /// matrix (rows ≥ 1), vectorised across columns.
  public static func columns(
    _ kind: ReductionKind, _ x: UnsafePointer<Float>, rows: Int, columns: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    out.update(from: x, count: columns)
    for r in 1..<Swift.max(rows, 1) {
      let row = x + r * columns
      var j = 0
      switch kind {
      case .sum:
        while j + 8 <= columns {
          store8(load8(out + j) + load8(row + j), out + j)
          j += 8
        }
        while j < columns {
          out[j] += row[j]
          j += 1
        }
      case .max, .min:
        let isMax = kind == .max
        while j + 8 <= columns {
          let acc = load8(out + j)
          let v = load8(row + j)
          // Take v when it is better or NaN, so NaN propagates.
          let take = (isMax ? v .> acc : v .< acc) .| (v .!= v)
          store8(acc.replacing(with: v, where: take), out + j)
          j += 8
        }
        while j < columns {
          let v = row[j]
          if (isMax ? v > out[j] : v < out[j]) || v.isNaN { out[j] = v }
          j += 1
        }
      }
    }
  }

  /// Index of the first maximum (or minimum) of each contiguous row, as Float. NaN counts as
  /// the extreme (NumPy returns the first NaN).
  public static func argRows(
    isMax: Bool, _ x: UnsafePointer<Float>, rows: Int, length: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    for r in 0..<rows {
      let row = x + r * length
      var best = row[0]
      var bestIndex = 0
      if !best.isNaN {
        for i in 1..<Swift.max(length, 1) {
          let v = row[i]
          if v.isNaN {
            bestIndex = i
            break
          }
          if isMax ? v > best : v < best {
            best = v
            bestIndex = i
          }
        }
      }
      out[r] = Float(bestIndex)
    }
  }

  /// First-axis arg-max/arg-min of a rows×columns matrix: out[j] = first r of the extreme of
  /// column j. `scratch` holds `columns` floats (the running extreme).
  public static func argColumns(
    isMax: Bool, _ x: UnsafePointer<Float>, rows: Int, columns: Int,
    _ out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
  ) {
    scratch.update(from: x, count: columns)
    out.update(repeating: 0, count: columns)
    for r in 1..<Swift.max(rows, 1) {
      let row = x + r * columns
      for j in 0..<columns {
        let best = scratch[j]
        if best.isNaN { continue }
        let v = row[j]
        if v.isNaN || (isMax ? v > best : v < best) {
          scratch[j] = v
          out[j] = Float(r)
        }
      }
    }
  }
}
