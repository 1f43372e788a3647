/// Reductions: whole-buffer sums and extrema, per-row reductions (last axis), per-column
/// reductions (first axis of a 2-D view), and arg-max/arg-min along either. Every entry checks
/// its sizes first; an invalid size returns without touching memory (a sum of nothing is 0,
/// an extremum of nothing is NaN). `kernels` selects the instruction set (tests, benchmarks).
import MNLKernelsGeneric

public typealias ReductionKind = MNLKernelsGeneric.ReductionKind

public enum Reduction {
  /// Σ x[i]. Blocks of 4096 are summed in Float with vector partial sums, blocks are added in
  /// Double, so the error stays near Float precision even for millions of elements.
  public static func sum(_ x: UnsafePointer<Float>, count: Int, kernels: KernelTable = .active)
    -> Float
  {
    guard count > 0 else { return 0 }
    return Float(kernels.sum(x, count, false))
  }

  /// Σ x[i]² with the same blocking as `sum`.
  public static func sumOfSquares(
    _ x: UnsafePointer<Float>, count: Int, kernels: KernelTable = .active
  ) -> Float {
    guard count > 0 else { return 0 }
    return Float(kernels.sum(x, count, true))
  }

  /// Max or min of n ≥ 1 contiguous values; any NaN makes the result NaN (like NumPy).
  public static func extremum(
    _ kind: ReductionKind, _ x: UnsafePointer<Float>, count n: Int, kernels: KernelTable = .active
  ) -> Float {
    guard n >= 1 else { return .nan }
    return kernels.extremum(kind, x, n)
  }

  /// out[r] = reduce(x[r·length ..< (r+1)·length]) for each of `rows` contiguous rows (length ≥ 1).
  public static func rows(
    _ kind: ReductionKind, _ x: UnsafePointer<Float>, rows: Int, length: Int,
    _ out: UnsafeMutablePointer<Float>, kernels: KernelTable = .active
  ) {
    guard rows >= 0, length >= 1 else { return }
    kernels.reduceRows(kind, x, rows, length, out)
  }

  /// out[j] = reduce over r of x[r·columns + j]: a first-axis reduction of a rows×columns
  /// matrix (rows ≥ 1), vectorised across columns.
  public static func columns(
    _ kind: ReductionKind, _ x: UnsafePointer<Float>, rows: Int, columns: Int,
    _ out: UnsafeMutablePointer<Float>, kernels: KernelTable = .active
  ) {
    guard rows >= 1, columns >= 0 else { return }
    kernels.reduceColumns(kind, x, rows, columns, out)
  }

  /// Index of the first maximum (or minimum) of each contiguous row, as Float. NaN counts as
  /// the extreme (NumPy returns the first NaN).
  public static func argRows(
    isMax: Bool, _ x: UnsafePointer<Float>, rows: Int, length: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    guard rows >= 0, length >= 1 else { return }
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
    guard rows >= 1, columns >= 0 else { return }
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
