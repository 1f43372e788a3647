import MNLKernelsGeneric

/// Max and average pooling over NHWC images (ConvGeometry with outChannels == channels and a
/// kernelHeight × kernelWidth window). Windows are clipped to the image: padding never wins a
/// max and is not counted in an average (TensorFlow's SAME pooling). Threads take whole
/// images; each image is one pass over its output (max: SIMD over channels, PoolingKernels).
public enum Pooling {
  /// out = the max of each window, and `argmax` the flat input index it came from (the first
  /// one on ties), so the backward pass is a single scatter. The window's first element
  /// initialises each output; the rest replace it only when larger (or the first NaN).
  public static func maxForward(
    _ g: ConvGeometry, input x: UnsafePointer<Float>, output out: UnsafeMutablePointer<Float>,
    argmax: UnsafeMutablePointer<Int32>, kernels: KernelTable = .active
  ) {
    let p = UncheckedBox((x, out, argmax))
    _ = Convolution.parallelParts(g.batch, least: max(1, 1 << 16 / max(1, g.height * g.width * g.channels))) { _, first, last in
      let (x, out, argmax) = p.value
      let imageIn = g.height * g.width * g.channels
      let imageOut = g.rowsPerImage * g.channels
      for n in first..<last {
        kernels.maxPoolImage(
          MaxPoolImage(
            input: x + n * imageIn, inputOffset: n * imageIn, height: g.height, width: g.width,
            channels: g.channels, kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth,
            strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft,
            outHeight: g.outHeight, outWidth: g.outWidth, output: out + n * imageOut,
            argmax: argmax + n * imageOut))
      }
    }
  }

  /// dx[argmax[i]] += dy[i] for every output element i; dx is first set to zero.
  public static func scatter(
    _ dy: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, count: Int,
    into dx: UnsafeMutablePointer<Float>, inputCount: Int
  ) {
    dx.initialize(repeating: 0, count: inputCount)
    for i in 0..<count {
      let j = Int(argmax[i])
      if j >= 0 && j < inputCount { dx[j] += dy[i] }
    }
  }

  /// out[i] = x[argmax[i]]: the max-pool of x at the positions chosen by an earlier max-pool.
  public static func gather(
    _ x: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, count: Int, inputCount: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<count {
      let j = Int(argmax[i])
      out[i] = j >= 0 && j < inputCount ? x[j] : 0
    }
  }

  /// The mean of each window (over its in-image elements).
  public static func averageForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, output out: UnsafeMutablePointer<Float>) {
    let c = g.channels
    forEachWindow(g, images: 0..<g.batch) { n, o, rows, columns in
      for ch in 0..<c { out[o + ch] = 0 }
      for ih in rows {
        for iw in columns {
          let i = ((n * g.height + ih) * g.width + iw) * c
          for ch in 0..<c { out[o + ch] += x[i + ch] }
        }
      }
      let scale = 1 / Float(max(1, rows.count * columns.count))
      for ch in 0..<c { out[o + ch] *= scale }
    }
  }

  /// The adjoint of `averageForward`: each output gradient spread evenly over its window.
  public static func averageBackward(_ g: ConvGeometry, outputGradient dy: UnsafePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>) {
    let c = g.channels
    dx.initialize(repeating: 0, count: g.inputCount)
    forEachWindow(g, images: 0..<g.batch) { n, o, rows, columns in
      let scale = 1 / Float(max(1, rows.count * columns.count))
      for ih in rows {
        for iw in columns {
          let i = ((n * g.height + ih) * g.width + iw) * c
          for ch in 0..<c { dx[i + ch] += dy[o + ch] * scale }
        }
      }
    }
  }

  /// Calls `body(n, outputOffset, rows, columns)` for every output position of `images`, in
  /// output order: the offset of its first channel and its window clipped to the image.
  @inline(__always)
  static func forEachWindow(_ g: ConvGeometry, images: Range<Int>, _ body: (Int, Int, Range<Int>, Range<Int>) -> Void) {
    for n in images {
      for oh in 0..<g.outHeight {
        let rows = window(oh, g.strideH, g.padTop, g.kernelHeight, g.height)
        for ow in 0..<g.outWidth {
          let columns = window(ow, g.strideW, g.padLeft, g.kernelWidth, g.width)
          body(n, ((n * g.outHeight + oh) * g.outWidth + ow) * g.channels, rows, columns)
        }
      }
    }
  }

  /// The input rows (or columns) of output position `o`, clipped to the image.
  @inline(__always)
  static func window(_ o: Int, _ stride: Int, _ pad: Int, _ size: Int, _ extent: Int) -> Range<Int> {
    let start = o * stride - pad
    let lower = max(0, start)
    return lower..<max(lower, min(extent, start + size))
  }
}
