import Dispatch

/// The sizes of a 2-D convolution or pooling window over NHWC images: input
/// [batch, height, width, channels], filter [kernelHeight, kernelWidth, channels, outChannels]
/// (TensorFlow's HWIO), output [batch, outHeight, outWidth, outChannels]. Padding is given as
/// the rows/columns of zeros before the image (after it is implied by the output size).
public struct ConvGeometry: Sendable, Equatable {
  public var batch: Int, height: Int, width: Int, channels: Int
  public var kernelHeight: Int, kernelWidth: Int, outChannels: Int
  public var strideH: Int, strideW: Int
  public var padTop: Int, padLeft: Int
  public var outHeight: Int, outWidth: Int

  public init(
    batch: Int, height: Int, width: Int, channels: Int, kernelHeight: Int, kernelWidth: Int,
    outChannels: Int, strideH: Int, strideW: Int, padTop: Int, padLeft: Int, outHeight: Int,
    outWidth: Int
  ) {
    self.batch = batch
    self.height = height
    self.width = width
    self.channels = channels
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.outChannels = outChannels
    self.strideH = strideH
    self.strideW = strideW
    self.padTop = padTop
    self.padLeft = padLeft
    self.outHeight = outHeight
    self.outWidth = outWidth
  }

  /// Elements of one im2col row: a kernelHeight × kernelWidth × channels patch.
  public var patch: Int { kernelHeight * kernelWidth * channels }
  /// Output positions (im2col rows) per image, and in the batch.
  public var rowsPerImage: Int { outHeight * outWidth }
  public var rows: Int { batch * rowsPerImage }
  public var inputCount: Int { batch * height * width * channels }
  /// Multiply-adds of the forward pass (each backward product has the same count).
  public var multiplyAdds: Int { rows * patch * outChannels }
}

/// Convolution as im2col + the packed SGEMM. The im2col matrix is never built whole: each
/// thread takes a range of output rows and lowers it a chunk at a time into a buffer of
/// about 1 MB (it stays in L2 while the GEMM reads it), then multiplies that chunk with one
/// thread. Measured against one whole im2col matrix and a two-thread GEMM, this avoids
/// writing and re-reading ~30 MB per step for the second layer of the MNIST network.
public enum Convolution {
  /// Floats of im2col rows lowered at a time per thread.
  static let chunkFloats = 1 << 18

  static func rowsPerChunk(_ g: ConvGeometry) -> Int {
    max(8, min(4096, chunkFloats / max(1, g.patch)))
  }

  /// Splits 0..<count into up to `Parallelism.threads` contiguous parts of at least `least`
  /// items and runs them concurrently.
  static func parallelParts(_ count: Int, least: Int, _ body: @escaping @Sendable (Int, Int, Int) -> Void) -> Int {
    let parts = max(1, min(Parallelism.threads, count / max(1, least)))
    if parts == 1 {
      body(0, 0, count)
      return 1
    }
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let start = count * part / parts
      let end = count * (part + 1) / parts
      if start < end { body(part, start, end) }
    }
    return parts
  }

  /// out [rows, outChannels] = im2col(x) · w [patch, outChannels] (+ bias, then ReLU): by the
  /// direct kernel when the output channels fill its panels, else im2col + GEMM.
  public static func forward(
    _ g: ConvGeometry, input x: UnsafePointer<Float>, filter w: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, relu: Bool, output out: UnsafeMutablePointer<Float>
  ) {
    if prefersDirect(g, kernels: .active) {
      forwardDirect(g, input: x, filter: w, bias: bias, relu: relu, output: out)
    } else {
      forwardIm2col(g, input: x, filter: w, bias: bias, relu: relu, output: out)
    }
  }

  static func forwardIm2col(
    _ g: ConvGeometry, input x: UnsafePointer<Float>, filter w: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, relu: Bool, output out: UnsafeMutablePointer<Float>
  ) {
    guard g.rows > 0, g.outChannels > 0 else { return }
    let chunk = rowsPerChunk(g)
    let p = UncheckedBox((x, w, bias, out))
    _ = parallelParts(g.rows, least: chunk) { _, start, end in
      let (x, w, bias, out) = p.value
      let buffer = UnsafeMutablePointer<Float>.allocate(capacity: chunk * g.patch)
      defer { buffer.deallocate() }
      var row = start
      while row < end {
        let n = min(chunk, end - row)
        lower(g, x, rows: row..<(row + n), into: buffer)
        GEMM.sgemm(
          transA: false, transB: false, m: n, n: g.outChannels, k: g.patch, a: buffer, lda: g.patch,
          b: w, ldb: g.outChannels, c: out + row * g.outChannels, ldc: g.outChannels, bias: bias,
          relu: relu, threads: 1)
        row += n
      }
    }
  }

  /// dx = col2im(dy · wᵀ): the gradient of the input; over dy's nonzeros when it is sparse
  /// (SparseConvolution), else for stride 1 by the direct kernel as a forward convolution of
  /// dy when the input channels fill its panels.
  public static func backwardInput(
    _ g: ConvGeometry, outputGradient dy: UnsafePointer<Float>, filter w: UnsafePointer<Float>,
    inputGradient dx: UnsafeMutablePointer<Float>
  ) {
    if prefersSparseGradient(g, outputGradient: dy, kernels: .active),
      allFinite(w, count: g.patch * g.outChannels, kernels: .active)
    {
      backwardInputSparse(g, outputGradient: dy, filter: w, inputGradient: dx)
    } else if g.rows > 0, let t = inputGradientAsForward(g), prefersDirect(t, kernels: .active) {
      backwardInputDirect(g, as: t, outputGradient: dy, filter: w, inputGradient: dx)
    } else {
      backwardInputIm2col(g, outputGradient: dy, filter: w, inputGradient: dx)
    }
  }

  /// Threads take whole images, so the overlapping windows they add into never collide.
  static func backwardInputIm2col(
    _ g: ConvGeometry, outputGradient dy: UnsafePointer<Float>, filter w: UnsafePointer<Float>,
    inputGradient dx: UnsafeMutablePointer<Float>
  ) {
    dx.initialize(repeating: 0, count: g.inputCount)
    guard g.rows > 0, g.outChannels > 0, g.patch > 0 else { return }
    let chunk = max(g.rowsPerImage, rowsPerChunk(g) / max(1, g.rowsPerImage) * g.rowsPerImage)
    let imagesPerChunk = chunk / max(1, g.rowsPerImage)
    let p = UncheckedBox((dy, w, dx))
    _ = parallelParts(g.batch, least: 1) { _, first, last in
      let (dy, w, dx) = p.value
      let buffer = UnsafeMutablePointer<Float>.allocate(capacity: chunk * g.patch)
      defer { buffer.deallocate() }
      var image = first
      while image < last {
        let images = min(imagesPerChunk, last - image)
        let rows = (image * g.rowsPerImage)..<((image + images) * g.rowsPerImage)
        GEMM.sgemm(
          transA: false, transB: true, m: rows.count, n: g.patch, k: g.outChannels,
          a: dy + rows.lowerBound * g.outChannels, lda: g.outChannels, b: w, ldb: g.outChannels,
          c: buffer, ldc: g.patch, threads: 1)
        scatterAdd(g, buffer, rows: rows, into: dx)
        image += images
      }
    }
  }

  /// dw [patch, outChannels] = im2col(x)ᵀ · dy: over dy's nonzeros when it is sparse
  /// (SparseConvolution), else by the direct kernel when the output channels are a multiple
  /// of its panel width, else through im2col + GEMM.
  public static func backwardFilter(
    _ g: ConvGeometry, input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
    filterGradient dw: UnsafeMutablePointer<Float>
  ) {
    if prefersSparseGradient(g, outputGradient: dy, kernels: .active),
      allFinite(x, count: g.inputCount, kernels: .active)
    {
      backwardFilterSparse(g, input: x, outputGradient: dy, filterGradient: dw)
    } else if prefersDirectFilterGradient(g, kernels: .active) {
      backwardFilterDirect(g, input: x, outputGradient: dy, filterGradient: dw)
    } else {
      backwardFilterIm2col(g, input: x, outputGradient: dy, filterGradient: dw)
    }
  }

  /// Threads take row ranges, each summing into its own buffer; the buffers are added at the end.
  static func backwardFilterIm2col(
    _ g: ConvGeometry, input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
    filterGradient dw: UnsafeMutablePointer<Float>
  ) {
    let size = g.patch * g.outChannels
    dw.initialize(repeating: 0, count: size)
    guard g.rows > 0, size > 0 else { return }
    let chunk = rowsPerChunk(g)
    let threads = max(1, min(Parallelism.threads, g.rows / chunk))
    let partial = UnsafeMutablePointer<Float>.allocate(capacity: size * threads)
    defer { partial.deallocate() }
    partial.initialize(repeating: 0, count: size * threads)
    let p = UncheckedBox((x, dy, partial))
    let parts = parallelParts(g.rows, least: max(chunk, g.rows / threads)) { part, start, end in
      let (x, dy, partial) = p.value
      let buffer = UnsafeMutablePointer<Float>.allocate(capacity: chunk * g.patch)
      defer { buffer.deallocate() }
      var row = start
      while row < end {
        let n = min(chunk, end - row)
        lower(g, x, rows: row..<(row + n), into: buffer)
        GEMM.sgemm(
          transA: true, transB: false, m: g.patch, n: g.outChannels, k: n, a: buffer, lda: g.patch,
          b: dy + row * g.outChannels, ldb: g.outChannels, beta: 1, c: partial + part * size,
          ldc: g.outChannels, threads: 1)
        row += n
      }
    }
    for part in 0..<parts {
      let src = partial + part * size
      for i in 0..<size { dw[i] += src[i] }
    }
  }

  /// Visits the kernel rows of the patches of im2col rows `rows` (output positions,
  /// batch-major), in buffer order: `body(patchRow, inputOffset, lo, hi)` gets the buffer offset
  /// of the kernel row (kernelWidth × channels floats), the columns lo..<hi that fall inside
  /// the image (empty when the row is outside it) and the input offset of column lo.
  @inline(__always)
  static func forEachKernelRow(_ g: ConvGeometry, rows: Range<Int>, _ body: (Int, Int, Int, Int) -> Void) {
    let c = g.channels
    var patchRow = 0
    for r in rows {
      let (n, position) = r.quotientAndRemainder(dividingBy: g.rowsPerImage)
      let (oh, ow) = position.quotientAndRemainder(dividingBy: g.outWidth)
      let iw0 = ow * g.strideW - g.padLeft
      let lo = max(0, -iw0)
      let hi = min(g.kernelWidth, g.width - iw0)
      for kh in 0..<g.kernelHeight {
        let ih = oh * g.strideH - g.padTop + kh
        let inside = ih >= 0 && ih < g.height
        body(patchRow, ((n * g.height + ih) * g.width + iw0 + lo) * c, lo, inside ? max(lo, hi) : lo)
        patchRow += g.kernelWidth * c
      }
    }
  }

  /// Writes im2col rows `rows` into `buffer`, one patch (kernelHeight × kernelWidth × channels,
  /// zeros where the window leaves the image) per row. Each kernel row of a window is one
  /// contiguous run of the input.
  static func lower(_ g: ConvGeometry, _ x: UnsafePointer<Float>, rows: Range<Int>, into buffer: UnsafeMutablePointer<Float>) {
    let c = g.channels
    forEachKernelRow(g, rows: rows) { patchRow, inputOffset, lo, hi in
      let dst = buffer + patchRow
      if lo >= hi {
        dst.update(repeating: 0, count: g.kernelWidth * c)
        return
      }
      if lo > 0 { dst.update(repeating: 0, count: lo * c) }
      (dst + lo * c).update(from: x + inputOffset, count: (hi - lo) * c)
      if hi < g.kernelWidth { (dst + hi * c).update(repeating: 0, count: (g.kernelWidth - hi) * c) }
    }
  }

  /// The adjoint of `lower`: adds each patch of `buffer` back into the image positions it
  /// was read from.
  static func scatterAdd(_ g: ConvGeometry, _ buffer: UnsafePointer<Float>, rows: Range<Int>, into x: UnsafeMutablePointer<Float>) {
    let c = g.channels
    forEachKernelRow(g, rows: rows) { patchRow, inputOffset, lo, hi in
      guard lo < hi else { return }
      let d = x + inputOffset
      let s = buffer + patchRow + lo * c
      for i in 0..<((hi - lo) * c) { d[i] += s[i] }
    }
  }
}
