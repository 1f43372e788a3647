import MNLKernelsGeneric

/// The direct convolution path (MNLKernelsGeneric's DirectConvolution): threads take whole
/// images, copy each into a zero-padded buffer of their own (it stays in L2) and run the
/// register-tiled kernel over it, reading the windows in place: no im2col matrix, no packing
/// of A. Measured on the MNIST network's layers against im2col + GEMM: see docs/performance.md.
extension Convolution {
  /// Whether the direct kernel suits g: the output channels fill at least 80% of the kernel's
  /// NR-column panels (10 channels in a 32-column panel would waste most of each FMA).
  static func prefersDirect(_ g: ConvGeometry, kernels: KernelTable) -> Bool {
    let nr = kernels.gemmColumns
    let panels = (g.outChannels + nr - 1) / nr * nr
    // The direct kernels multiply in fp32; under matmul_precision("bf16") the im2col product
    // (which rounds its operands) keeps conv2d's promise of bf16-rounded inputs.
    return MatmulPrecision.current == .highest
      && g.rows > 0 && g.outChannels > 0 && g.patch > 0 && g.outChannels * 5 >= panels * 4
  }

  /// out [rows, outChannels] = the convolution of x with w (+ bias, then ReLU), directly.
  static func forwardDirect(
    _ g: ConvGeometry, input x: UnsafePointer<Float>, filter w: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, relu: Bool, output out: UnsafeMutablePointer<Float>,
    kernels: KernelTable = .active
  ) {
    let nr = kernels.gemmColumns
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: (g.outChannels + nr - 1) / nr * nr * g.patch)
    defer { packed.deallocate() }
    kernels.packConvolutionFilter(w, g.patch, g.outChannels, packed)
    let c = g.channels
    let padding = PaddedImage(g)
    let p = UncheckedBox((x, UnsafePointer(packed), bias, out))
    _ = parallelParts(g.batch, least: 1) { _, first, last in
      let (x, packed, bias, out) = p.value
      padding.forEachImage(first..<last, of: x, scratch: GEMMBlocking.mr * nr) { n, padded, scratch in
        kernels.convolveImage(
          DirectConvolutionImage(
            image: padded, positionStrideH: g.strideH * padding.width * c, positionStrideW: g.strideW * c,
            outHeight: g.outHeight, outWidth: g.outWidth, kernelHeight: g.kernelHeight,
            rowLength: g.kernelWidth * c, rowStride: padding.width * c, packedFilter: packed,
            outChannels: g.outChannels, bias: bias, relu: relu,
            output: out + n * g.rowsPerImage * g.outChannels, scratch: scratch))
      }
    }
  }

  /// The geometry and filter that make a stride-1 convolution's input gradient a forward
  /// convolution of dy: dx[ih, iw, c] = Σ dy[ih + padTop − kh, iw + padLeft − kw, o]·w[kh, kw, c, o]
  /// is dy, padded by KH − 1 − padTop (KW − 1 − padLeft), convolved with w flipped in both
  /// spatial axes and its channel axes swapped ([KH, KW, O, C]). Nil for strides above 1.
  static func inputGradientAsForward(_ g: ConvGeometry) -> ConvGeometry? {
    guard g.strideH == 1, g.strideW == 1, g.padTop < g.kernelHeight, g.padLeft < g.kernelWidth else { return nil }
    return ConvGeometry(
      batch: g.batch, height: g.outHeight, width: g.outWidth, channels: g.outChannels,
      kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth, outChannels: g.channels, strideH: 1,
      strideW: 1, padTop: g.kernelHeight - 1 - g.padTop, padLeft: g.kernelWidth - 1 - g.padLeft,
      outHeight: g.height, outWidth: g.width)
  }

  /// dx through the direct kernel (see `inputGradientAsForward`).
  static func backwardInputDirect(
    _ g: ConvGeometry, as t: ConvGeometry, outputGradient dy: UnsafePointer<Float>,
    filter w: UnsafePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>,
    kernels: KernelTable = .active
  ) {
    let flipped = UnsafeMutablePointer<Float>.allocate(capacity: g.patch * g.outChannels)
    defer { flipped.deallocate() }
    flipForInputGradient(g, w, into: flipped)
    forwardDirect(t, input: dy, filter: flipped, bias: nil, relu: false, output: dx, kernels: kernels)
  }

  /// w [KH, KW, C, O] flipped in both spatial axes with its channel axes swapped: [KH, KW, O, C].
  static func flipForInputGradient(_ g: ConvGeometry, _ w: UnsafePointer<Float>, into flipped: UnsafeMutablePointer<Float>) {
    let (kh, kw, c, o) = (g.kernelHeight, g.kernelWidth, g.channels, g.outChannels)
    for i in 0..<kh {
      for j in 0..<kw {
        let src = w + (((kh - 1 - i) * kw + (kw - 1 - j)) * c) * o
        let dst = flipped + ((i * kw + j) * o) * c
        for ci in 0..<c {
          for oi in 0..<o { dst[oi * c + ci] = src[ci * o + oi] }
        }
      }
    }
  }

  /// Whether the direct filter-gradient kernel applies: its dy rows are loaded 2 vectors at a time.
  static func prefersDirectFilterGradient(_ g: ConvGeometry, kernels: KernelTable) -> Bool {
    MatmulPrecision.current == .highest
      && g.rows > 0 && g.patch > 0 && g.outChannels > 0 && g.outChannels % kernels.gemmColumns == 0
  }

  /// dw [patch, outChannels] = im2col(x)ᵀ · dy, directly: threads take whole images, each
  /// summing into its own dw buffer; the buffers are added at the end.
  static func backwardFilterDirect(
    _ g: ConvGeometry, input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
    filterGradient dw: UnsafeMutablePointer<Float>, kernels: KernelTable = .active
  ) {
    let size = g.patch * g.outChannels
    let padding = PaddedImage(g)
    let c = g.channels
    let taps = UnsafeMutablePointer<Int>.allocate(capacity: g.patch)
    defer { taps.deallocate() }
    var tap = 0
    for kh in 0..<g.kernelHeight {
      for q in 0..<(g.kernelWidth * c) {
        taps[tap] = kh * padding.width * c + q
        tap += 1
      }
    }
    let parts = max(1, min(Parallelism.threads, g.batch))
    let partial = UnsafeMutablePointer<Float>.allocate(capacity: size * parts)
    defer { partial.deallocate() }
    partial.initialize(repeating: 0, count: size * parts)
    let p = UncheckedBox((x, dy, partial, UnsafePointer(taps)))
    let used = parallelParts(g.batch, least: 1) { part, first, last in
      let (x, dy, partial, taps) = p.value
      padding.forEachImage(first..<last, of: x, scratch: GEMMBlocking.mr * kernels.gemmColumns) {
        n, padded, scratch in
        kernels.convolutionFilterGradient(
          DirectFilterGradientImage(
            image: padded, positionStrideH: g.strideH * padding.width * c, positionStrideW: g.strideW * c,
            outHeight: g.outHeight, outWidth: g.outWidth, tapOffsets: taps, patch: g.patch,
            outputGradient: dy + n * g.rowsPerImage * g.outChannels, outChannels: g.outChannels,
            filterGradient: partial + part * size, scratch: scratch))
      }
    }
    dw.update(from: partial, count: size)
    for part in 1..<max(1, used) {
      let src = partial + part * size
      for i in 0..<size { dw[i] += src[i] }
    }
  }
}

/// The zero-padded copy of one image that the direct kernels read their windows from:
/// padTop/padLeft zeros before the image, and after it as many as the last window needs.
struct PaddedImage {
  let g: ConvGeometry
  let height: Int
  let width: Int

  init(_ g: ConvGeometry) {
    self.g = g
    height = max(g.height + g.padTop, (g.outHeight - 1) * g.strideH + g.kernelHeight)
    width = max(g.width + g.padLeft, (g.outWidth - 1) * g.strideW + g.kernelWidth)
  }

  var count: Int { height * width * g.channels }

  /// Calls `body(n, padded, scratch)` for each image n in `images`: `padded` holds image n of x
  /// inside a zero border (zeroed once; each image only overwrites the interior), `scratch`
  /// is `scratch` floats for the kernel's edge tiles. One pair of buffers per call (per thread).
  func forEachImage(
    _ images: Range<Int>, of x: UnsafePointer<Float>, scratch scratchCount: Int,
    _ body: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) {
    let padded = UnsafeMutablePointer<Float>.allocate(capacity: count)
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
    defer {
      padded.deallocate()
      scratch.deallocate()
    }
    padded.initialize(repeating: 0, count: count)
    for n in images {
      copy(image: n, of: x, into: padded)
      body(n, padded, scratch)
    }
  }

  /// Copies image n of x into the interior of `padded` (whose border is already zero).
  func copy(image n: Int, of x: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
    let c = g.channels
    for ih in 0..<g.height {
      (padded + ((ih + g.padTop) * width + g.padLeft) * c)
        .update(from: x + (n * g.height + ih) * g.width * c, count: g.width * c)
    }
  }
}
