/// Row-wise softmax, log-softmax and sparse softmax cross-entropy (max-subtracted, so stable
/// for any finite logits), vectorised along each row.
#if canImport(Glibc)
  import Glibc
#endif

public enum Softmax {
  /// out row = softmax(x row) (or log-softmax when `log`), for `rows` rows of `length` ≥ 1.
  public static func rows(
    _ x: UnsafePointer<Float>, rows: Int, length: Int, _ out: UnsafeMutablePointer<Float>,
    log: Bool
  ) {
    for r in 0..<rows {
      let row = x + r * length
      let dst = out + r * length
      let m = Reduction.extremum(.max, row, count: length)
      let shift = m.isFinite ? m : 0
      let total = expShifted(row, length, shift, dst)
      if log {
        let offset = shift + logf(total)
        subtractConstant(row, length, offset, dst)
      } else {
        scaleRow(dst, length, 1 / total)
      }
    }
  }

  /// loss[r] = log Σ_j exp(x[r, j]) − x[r, labels[r]]; labels must be valid (0 ≤ label < classes).
  /// When `gradient` is given it receives softmax(x) − onehot(label) per row.
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
      let m = Reduction.extremum(.max, row, count: classes)
      let shift = m.isFinite ? m : 0
      let total = expShifted(row, classes, shift, dst)
      let label = labels[r]
      loss[r] = logf(total) + shift - row[label]
      if gradient != nil {
        scaleRow(dst, classes, 1 / total)
        dst[label] -= 1
      }
    }
  }

  /// dst = exp(row − shift); returns Σ dst.
  @inline(__always)
  static func expShifted(
    _ row: UnsafePointer<Float>, _ n: Int, _ shift: Float, _ dst: UnsafeMutablePointer<Float>
  ) -> Float {
    let s = Vec8(repeating: shift)
    var acc = Vec8()
    var i = 0
    while i + 8 <= n {
      let e = exp8(load8(row + i) - s)
      store8(e, dst + i)
      acc += e
      i += 8
    }
    var total = acc.sum()
    while i < n {
      let e = exp1(row[i] - shift)
      dst[i] = e
      total += e
      i += 1
    }
    return total
  }

  @inline(__always)
  static func scaleRow(_ dst: UnsafeMutablePointer<Float>, _ n: Int, _ factor: Float) {
    let f = Vec8(repeating: factor)
    var i = 0
    while i + 8 <= n {
      store8(load8(dst + i) * f, dst + i)
      i += 8
    }
    while i < n {
      dst[i] *= factor
      i += 1
    }
  }

  @inline(__always)
  static func subtractConstant(
    _ row: UnsafePointer<Float>, _ n: Int, _ c: Float, _ dst: UnsafeMutablePointer<Float>
  ) {
    let v = Vec8(repeating: c)
    var i = 0
    while i + 8 <= n {
      store8(load8(row + i) - v, dst + i)
      i += 8
    }
    while i < n {
      dst[i] = row[i] - c
      i += 1
    }
  }
}
