/// Reduction kinds of the whole-buffer, per-row and per-column reductions.
public enum ReductionKind: Sendable { case sum, max, min }

/// Sums and extrema vectorised in a target's vectors.
public enum ReductionKernels<T: KernelTarget> {
  public typealias V = T.Vector

  /// Σ x[i] (or Σ x[i]²) in Double: blocks of 4096 are summed in Float with 4 vector partial
  /// sums, blocks are added in Double, so the error stays near Float precision even for
  /// millions of elements.
  @inlinable
  public static func sum(_ x: UnsafePointer<Float>, count: Int, squared: Bool) -> Double {
    var total: Double = 0
    var start = 0
    while start < count {
      let end = Swift.min(count, start + 4096)
      let block = squared ? blockSumSquares(x + start, end - start) : blockSum(x + start, end - start)
      total += Double(block)
      start = end
    }
    return total
  }

  @inlinable @inline(__always)
  static func blockSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    let lanes = V.lanes
    var s0 = V(), s1 = V(), s2 = V(), s3 = V()
    var i = 0
    while i + 4 * lanes <= n {
      s0 += V.load(x + i)
      s1 += V.load(x + i + lanes)
      s2 += V.load(x + i + 2 * lanes)
      s3 += V.load(x + i + 3 * lanes)
      i += 4 * lanes
    }
    while i + lanes <= n {
      s0 += V.load(x + i)
      i += lanes
    }
    var tail: Float = 0
    while i < n {
      tail += x[i]
      i += 1
    }
    return ((s0 + s1) + (s2 + s3)).sum() + tail
  }

  @inlinable @inline(__always)
  static func blockSumSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    let lanes = V.lanes
    var s0 = V(), s1 = V(), s2 = V(), s3 = V()
    var i = 0
    while i + 4 * lanes <= n {
      let a = V.load(x + i), b = V.load(x + i + lanes)
      let c = V.load(x + i + 2 * lanes), d = V.load(x + i + 3 * lanes)
      s0 = T.madd(s0, a, a)
      s1 = T.madd(s1, b, b)
      s2 = T.madd(s2, c, c)
      s3 = T.madd(s3, d, d)
      i += 4 * lanes
    }
    while i + lanes <= n {
      let a = V.load(x + i)
      s0 = T.madd(s0, a, a)
      i += lanes
    }
    var tail: Float = 0
    while i < n {
      tail = T.madd(tail, x[i], x[i])
      i += 1
    }
    return ((s0 + s1) + (s2 + s3)).sum() + tail
  }

  /// Max or min of n ≥ 1 contiguous values; any NaN makes the result NaN (like NumPy).
  @inlinable
  public static func extremum(_ kind: ReductionKind, _ x: UnsafePointer<Float>, count n: Int)
    -> Float
  {
    let lanes = V.lanes
    let isMax = kind == .max
    var i = 0
    var sawNaN = false
    var best = x[0]
    if n >= lanes {
      var acc = V.load(x)
      var nanLanes = acc .!= acc
      i = lanes
      while i + lanes <= n {
        let v = V.load(x + i)
        nanLanes = nanLanes .| (v .!= v)
        acc = isMax ? acc.replacing(with: v, where: v .> acc) : acc.replacing(with: v, where: v .< acc)
        i += lanes
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
  @inlinable
  public static func rows(
    _ kind: ReductionKind, _ x: UnsafePointer<Float>, rows: Int, length: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    for r in 0..<rows {
      let row = x + r * length
      if kind == .sum {
        out[r] = length <= 4096 ? blockSum(row, length) : Float(sum(row, count: length, squared: false))
      } else {
        out[r] = extremum(kind, row, count: length)
      }
    }
  }

  /// out[j] = reduce over r of x[r·columns + j]: a first-axis reduction of a rows×columns
  /// matrix (rows ≥ 1), vectorised across columns.
  @inlinable
  public static func columns(
    _ kind: ReductionKind, _ x: UnsafePointer<Float>, rows: Int, columns: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    let lanes = V.lanes
    out.update(from: x, count: columns)
    for r in 1..<Swift.max(rows, 1) {
      let row = x + r * columns
      var j = 0
      switch kind {
      case .sum:
        while j + lanes <= columns {
          (V.load(out + j) + V.load(row + j)).store(out + j)
          j += lanes
        }
        while j < columns {
          out[j] += row[j]
          j += 1
        }
      case .max, .min:
        let isMax = kind == .max
        while j + lanes <= columns {
          let acc = V.load(out + j)
          let v = V.load(row + j)
          // Take v when it is better or NaN, so NaN propagates.
          let take = (isMax ? v .> acc : v .< acc) .| (v .!= v)
          acc.replacing(with: v, where: take).store(out + j)
          j += lanes
        }
        while j < columns {
          let v = row[j]
          if (isMax ? v > out[j] : v < out[j]) || v.isNaN { out[j] = v }
          j += 1
        }
      }
    }
  }
}
