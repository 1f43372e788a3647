import MNLKernelsGeneric

/// The backward products of a convolution whose output gradient is mostly zeros
/// (MNLKernelsGeneric's SparseConvolutionGradient): after ReLU and a 2×2 max-pool, the MNIST
/// network's second layer has ≤ 25% nonzeros in dy, and its dense input and filter gradients
/// were about 30% of the training step's CPU time. Threads take whole images, as on the dense
/// paths; the results equal the dense direct kernels' (same sums in the same order) when the
/// other operand is finite — with an infinity or NaN there, the dense path runs, so 0·Inf
/// still makes NaN.
extension Convolution {
  /// Above this fraction of nonzeros in dy the dense direct kernels are faster: a sparse
  /// term costs one load per FMA, where the dense tile reuses each load 6 times.
  static let sparseGradientMaximumDensity: Float = 0.35

  /// Whether dy looks sparse enough (sampled rows, GEMMSparse.looksSparse) and the kernel rows
  /// of a window (KW·C floats) are a whole number of vectors.
  static func prefersSparseGradient(
    _ g: ConvGeometry, outputGradient dy: UnsafePointer<Float>, kernels: KernelTable
  ) -> Bool {
    guard MatmulPrecision.current == .highest, g.rows > 0, g.patch > 0, g.outChannels > 0,
      (g.kernelWidth * g.channels) % kernels.lanes == 0,
      PaddedImage(g).count < Int(Int32.max)
    else { return false }
    return kernels.gemmLooksSparse(
      dy, g.rows, g.outChannels, g.outChannels, sparseGradientMaximumDensity)
  }

  /// No infinity or NaN among x's `count` floats (their sum in Double is finite).
  static func allFinite(_ x: UnsafePointer<Float>, count: Int, kernels: KernelTable) -> Bool {
    kernels.sum(x, count, false).isFinite
  }

  /// dx through the sparse kernel: each image's gradient is summed into a zero-padded buffer,
  /// whose interior is then copied out.
  static func backwardInputSparse(
    _ g: ConvGeometry, outputGradient dy: UnsafePointer<Float>, filter w: UnsafePointer<Float>,
    inputGradient dx: UnsafeMutablePointer<Float>, kernels: KernelTable = .active
  ) {
    let (c, o) = (g.channels, g.outChannels)
    let length = g.kernelWidth * c
    // w [KH, KW, C, O] as [KH, O, KW·C]: each term reads one contiguous run.
    let rearranged = UnsafeMutablePointer<Float>.allocate(capacity: g.patch * o)
    defer { rearranged.deallocate() }
    for kh in 0..<g.kernelHeight {
      for q in 0..<length {
        let src = w + (kh * length + q) * o
        let dst = rearranged + kh * o * length + q
        for j in 0..<o { dst[j * length] = src[j] }
      }
    }
    let padding = PaddedImage(g)
    let entries = SparseConvolutionGradientImage.workspaceCount(
      outHeight: g.outHeight, outWidth: g.outWidth, outChannels: o)
    let p = UncheckedBox((dy, UnsafePointer(rearranged), dx))
    _ = parallelParts(g.batch, least: 1) { _, first, last in
      let (dy, filter, dx) = p.value
      let padded = UnsafeMutablePointer<Float>.allocate(capacity: padding.count)
      let workspace = SparseWorkspace(entries: entries, channels: o)
      defer {
        padded.deallocate()
        workspace.deallocate()
      }
      for n in first..<last {
        padded.initialize(repeating: 0, count: padding.count)
        kernels.sparseConvolutionInputGradient(
          workspace.image(g, padding, outputGradient: dy + n * g.rowsPerImage * o), filter, padded)
        for ih in 0..<g.height {
          (dx + (n * g.height + ih) * g.width * c)
            .update(from: padded + ((ih + g.padTop) * padding.width + g.padLeft) * c, count: g.width * c)
        }
      }
    }
  }

  /// dw through the sparse kernel: threads sum their images into their own transposed
  /// [outChannels, patch] buffer (per image, as the dense kernel does); the buffers are
  /// transposed and added at the end, in the dense path's order.
  static func backwardFilterSparse(
    _ g: ConvGeometry, input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
    filterGradient dw: UnsafeMutablePointer<Float>, kernels: KernelTable = .active
  ) {
    let o = g.outChannels
    let size = g.patch * o
    let padding = PaddedImage(g)
    let entries = SparseConvolutionGradientImage.workspaceCount(
      outHeight: g.outHeight, outWidth: g.outWidth, outChannels: o)
    let parts = max(1, min(Parallelism.threads, g.batch))
    let partial = UnsafeMutablePointer<Float>.allocate(capacity: size * parts)
    defer { partial.deallocate() }
    partial.initialize(repeating: 0, count: size * parts)
    let p = UncheckedBox((x, dy, partial))
    let used = parallelParts(g.batch, least: 1) { part, first, last in
      let (x, dy, partial) = p.value
      let workspace = SparseWorkspace(entries: entries, channels: o)
      defer { workspace.deallocate() }
      padding.forEachImage(first..<last, of: x, scratch: 0) { n, padded, _ in
        kernels.sparseConvolutionFilterGradient(
          workspace.image(g, padding, outputGradient: dy + n * g.rowsPerImage * o), padded,
          partial + part * size)
      }
    }
    for tap in 0..<g.patch {
      for j in 0..<o {
        var v = partial[j * g.patch + tap]
        for part in 1..<max(1, used) { v += partial[part * size + j * g.patch + tap] }
        dw[tap * o + j] = v
      }
    }
  }
}

/// One thread's buffers for the compressed nonzeros of dy.
private struct SparseWorkspace {
  let indices: UnsafeMutablePointer<Int32>
  let values: UnsafeMutablePointer<Float>
  let starts: UnsafeMutablePointer<Int>

  init(entries: Int, channels: Int) {
    indices = .allocate(capacity: entries)
    values = .allocate(capacity: entries)
    starts = .allocate(capacity: channels + 1)
  }

  func deallocate() {
    indices.deallocate()
    values.deallocate()
    starts.deallocate()
  }

  func image(_ g: ConvGeometry, _ padding: PaddedImage, outputGradient: UnsafePointer<Float>) -> SparseConvolutionGradientImage {
    SparseConvolutionGradientImage(
      outputGradient: outputGradient, outHeight: g.outHeight, outWidth: g.outWidth,
      outChannels: g.outChannels, positionStrideH: g.strideH * padding.width * g.channels,
      positionStrideW: g.strideW * g.channels, kernelHeight: g.kernelHeight,
      rowLength: g.kernelWidth * g.channels, rowStride: padding.width * g.channels,
      indices: indices, values: values, starts: starts)
  }
}
