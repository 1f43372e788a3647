/// The unary, update and conversion entries of `Elementwise`: size checks, the thread split,
/// then the chosen kernel table.
import CSupport
import MNLKernelsGeneric

public typealias ElementwiseUnaryKind = MNLKernelsGeneric.ElementwiseUnaryKind

extension Elementwise {
  /// out[i] = f(x[i]) for i in 0..<count; `out` may alias `x`. Large counts use several threads.
  public static func unary(
    _ kind: ElementwiseUnaryKind, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    count: Int, kernels: KernelTable = .active
  ) {
    guard count > 0 else { return }
    let ptrs = SendablePointers(a: x, b: x, out: out)
    Parallelism.forEachPart(count) { start, end in
      kernels.unary(kind, ptrs.a + start, ptrs.out + start, end - start)
    }
  }

  /// y[i] += scale · x[i]
  public static func addScaled(
    _ x: UnsafePointer<Float>, scale: Float, into y: UnsafeMutablePointer<Float>, count: Int,
    kernels: KernelTable = .active
  ) {
    guard count > 0 else { return }
    let ptrs = SendablePointers(a: x, b: x, out: y)
    Parallelism.forEachPart(count) { start, end in
      kernels.addScaled(ptrs.a + start, scale, ptrs.out + start, end - start)
    }
  }

  /// y[i] *= scale
  public static func scale(
    _ y: UnsafeMutablePointer<Float>, by scale: Float, count: Int, kernels: KernelTable = .active
  ) {
    guard count > 0 else { return }
    let ptrs = SendablePointers(a: y, b: y, out: y)
    Parallelism.forEachPart(count) { start, end in
      kernels.scale(ptrs.out + start, scale, end - start)
    }
  }

  /// y[i] = decay · y[i] + (1 − decay) · x[i]
  public static func movingAverage(
    _ y: UnsafeMutablePointer<Float>, toward x: UnsafePointer<Float>, decay: Float, count: Int,
    kernels: KernelTable = .active
  ) {
    guard count > 0 else { return }
    let ptrs = SendablePointers(a: x, b: x, out: y)
    Parallelism.forEachPart(count) { start, end in
      kernels.movingAverage(ptrs.out + start, ptrs.a + start, decay, end - start)
    }
  }

  /// out[i] = cond[i] != 0 ? a[i] : b[i] (all contiguous, same length; NaN counts as true).
  public static func select(
    _ cond: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ out: UnsafeMutablePointer<Float>, count: Int, kernels: KernelTable = .active
  ) {
    guard count > 0 else { return }
    kernels.select(cond, a, b, out, count)
  }

  /// ReLU's backward pass: out[i] = x[i] > 0 ? grad[i] : 0.
  public static func reluGradient(
    _ grad: UnsafePointer<Float>, input x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    count: Int, kernels: KernelTable = .active
  ) {
    guard count > 0 else { return }
    let ptrs = SendablePointers(a: grad, b: x, out: out)
    Parallelism.forEachPart(count) { start, end in
      kernels.reluGradient(ptrs.a + start, ptrs.b + start, ptrs.out + start, end - start)
    }
  }

  /// out[i] = trunc(x[i]) clamped to lower…upper; NaN becomes 0 (casts to integer dtypes).
  public static func truncateClamped(
    _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int, lower: Float,
    upper: Float, kernels: KernelTable = .active
  ) {
    guard count > 0 else { return }
    kernels.truncateClamped(x, out, count, lower, upper)
  }

  /// out[i] = Float(bytes[i]) · scale (pixel bytes to floats).
  public static func bytesToFloat(
    _ bytes: UnsafePointer<UInt8>, scale: Float, into out: UnsafeMutablePointer<Float>, count: Int,
    kernels: KernelTable = .active
  ) {
    guard count > 0 else { return }
    kernels.bytesToFloat(bytes, scale, out, count)
  }

  /// Row r of `out` (rowLength floats) = row rows[r] of the byte matrix `bytes` · scale: a
  /// shuffled batch of images. The rows are scattered over the data set (47 MB for MNIST's
  /// training images), so each would start with a cache miss to memory; the rows a few
  /// places ahead are prefetched while the current one converts (measured on a Zen 4:
  /// ~100 µs → ~35 µs for a batch of 100 MNIST images). Row indices must be valid.
  public static func gatherBytesToFloat(
    _ bytes: UnsafePointer<UInt8>, rowLength: Int, rows: [Int], scale: Float,
    into out: UnsafeMutablePointer<Float>, kernels: KernelTable = .active
  ) {
    guard rowLength > 0 else { return }
    let ahead = 4
    func prefetch(_ r: Int) {
      let row = UnsafeRawPointer(bytes + rows[r] * rowLength)
      var offset = 0
      while offset < rowLength {
        mnl_prefetch_read(row + offset)
        offset += 64
      }
    }
    for r in 0..<min(ahead, rows.count) { prefetch(r) }
    for (r, row) in rows.enumerated() {
      if r + ahead < rows.count { prefetch(r + ahead) }
      kernels.bytesToFloat(bytes + row * rowLength, scale, out + r * rowLength, rowLength)
    }
  }
}
