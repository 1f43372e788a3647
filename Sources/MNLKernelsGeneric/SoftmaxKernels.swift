/// Row-wise softmax, log-softmax and sparse softmax cross-entropy (max-subtracted, so stable
/// for any finite logits), vectorised along each row.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

public enum SoftmaxKernels<T: KernelTarget> {
  public typealias V = T.Vector

  /// out row = softmax(x row) (or log-softmax when `log`), for `rows` rows of `length` ≥ 1.
  @inlinable
  public static func rows(
    _ x: UnsafePointer<Float>, rows: Int, length: Int, _ out: UnsafeMutablePointer<Float>,
    log: Bool
  ) {
    for r in 0..<rows {
      let row = x + r * length
      let dst = out + r * length
      let m = ReductionKernels<T>.extremum(.max, row, count: length)
      let shift = m.isFinite ? m : 0
      let total = expShifted(row, length, shift, dst)
      if log {
        // (x − max) − log Σ, in two steps: folding them into one offset rounds max + log Σ to
        // the float32 grid at max's magnitude (an error of 3e-5 at logits of ±3000; found by
        // the NumPy differential test).
        subtractConstant(row, length, shift, dst)
        subtractConstant(UnsafePointer(dst), length, logf(total), dst)
      } else {
        scaleRow(dst, length, 1 / total)
      }
    }
  }

  /// loss[r] = log Σ_j exp(x[r, j]) − x[r, labels[r]]; labels must be valid (0 ≤ label < classes).
  /// When `gradient` is given it receives softmax(x) − onehot(label) per row.
  @inlinable
  public static func sparseCrossEntropy(
    _ logits: UnsafePointer<Float>, labels: UnsafePointer<Int>, rows: Int, classes: Int,
    loss: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>?
  ) {
    let scratchCount = gradient == nil ? classes : 0
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(scratchCount, 1))
    defer { scratch.deallocate() }
    for r in 0..<rows {
      let row = logits + r * classes
      let dst = gradient.map { $0 + r * classes } ?? scratch
      let m = ReductionKernels<T>.extremum(.max, row, count: classes)
      let shift = m.isFinite ? m : 0
      let total = expShifted(row, classes, shift, dst)
      let label = labels[r]
      loss[r] = (shift - row[label]) + logf(total)
      if gradient != nil {
        scaleRow(dst, classes, 1 / total)
        dst[label] -= 1
      }
    }
  }

  /// dst = exp(row − shift); returns Σ dst.
  @inlinable @inline(__always)
  static func expShifted(
    _ row: UnsafePointer<Float>, _ n: Int, _ shift: Float, _ dst: UnsafeMutablePointer<Float>
  ) -> Float {
    let s = V(repeating: shift)
    var acc = V()
    var i = 0
    while i + V.lanes <= n {
      let e = VectorMath<T>.exp(V.load(row + i) - s)
      e.store(dst + i)
      acc += e
      i += V.lanes
    }
    var total = acc.sum()
    if i < n {
      // The tail (all of a 10-class row with 16 lanes) as one partial vector: lane-wise the
      // same values as the scalar twin, at the cost of one vector exp instead of one per element.
      var tail = V(repeating: 0)
      for t in 0..<(n - i) { tail[t] = row[i + t] - shift }
      let e = VectorMath<T>.exp(tail)
      for t in 0..<(n - i) {
        dst[i + t] = e[t]
        total += e[t]
      }
    }
    return total
  }

  @inlinable @inline(__always)
  static func scaleRow(_ dst: UnsafeMutablePointer<Float>, _ n: Int, _ factor: Float) {
    let f = V(repeating: factor)
    var i = 0
    while i + V.lanes <= n {
      (V.load(dst + i) * f).store(dst + i)
      i += V.lanes
    }
    while i < n {
      dst[i] *= factor
      i += 1
    }
  }

  @inlinable @inline(__always)
  static func subtractConstant(
    _ row: UnsafePointer<Float>, _ n: Int, _ c: Float, _ dst: UnsafeMutablePointer<Float>
  ) {
    let v = V(repeating: c)
    var i = 0
    while i + V.lanes <= n {
      (V.load(row + i) - v).store(dst + i)
      i += V.lanes
    }
    while i < n {
      dst[i] = row[i] - c
      i += 1
    }
  }
}
