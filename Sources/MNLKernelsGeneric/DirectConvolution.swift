/// One image of a direct convolution: the GEMM micro-kernel's 6 × (2 vectors) register tile,
/// but reading its A operand straight from a zero-padded image instead of from an im2col
/// matrix packed into panels. Each of the 6 rows of a tile is one output position; its patch
/// is KH runs of KW·C contiguous floats of the padded image, `rowStride` apart. That removes
/// the im2col write and the A-packing copy, which cost about a third of the conv layers of
/// the MNIST network (n = 32 or 64 columns use each packed A value in only 1–2 vector FMAs).
///
/// Patch values are summed in im2col order (kh, kw, c), the first product initialising the
/// accumulators, and bias and ReLU applied at the store as in GEMMMicroKernel: for a patch of
/// at most GEMMBlocking.kc values the results equal the im2col + GEMM path bit for bit.
@frozen
public struct DirectConvolutionImage {
  /// The padded image: its window for output position (oh, ow) starts at
  /// oh·positionStrideH + ow·positionStrideW.
  public var image: UnsafePointer<Float>
  public var positionStrideH: Int
  public var positionStrideW: Int
  public var outHeight: Int
  public var outWidth: Int
  /// Kernel rows, floats per kernel row (KW·C), floats per padded image row (Wp·C).
  public var kernelHeight: Int
  public var rowLength: Int
  public var rowStride: Int
  /// The filter [patch, outChannels] packed by `packFilter` (panels of NR columns).
  public var packedFilter: UnsafePointer<Float>
  public var outChannels: Int
  public var bias: UnsafePointer<Float>?
  public var relu: Bool
  /// The image's output [outHeight · outWidth, outChannels].
  public var output: UnsafeMutablePointer<Float>
  /// At least 6 × NR floats.
  public var scratch: UnsafeMutablePointer<Float>

  @inlinable
  public init(
    image: UnsafePointer<Float>, positionStrideH: Int, positionStrideW: Int, outHeight: Int,
    outWidth: Int, kernelHeight: Int, rowLength: Int, rowStride: Int,
    packedFilter: UnsafePointer<Float>, outChannels: Int, bias: UnsafePointer<Float>?, relu: Bool,
    output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
  ) {
    self.image = image
    self.positionStrideH = positionStrideH
    self.positionStrideW = positionStrideW
    self.outHeight = outHeight
    self.outWidth = outWidth
    self.kernelHeight = kernelHeight
    self.rowLength = rowLength
    self.rowStride = rowStride
    self.packedFilter = packedFilter
    self.outChannels = outChannels
    self.bias = bias
    self.relu = relu
    self.output = output
    self.scratch = scratch
  }

  @inlinable public var patch: Int { kernelHeight * rowLength }
}

public enum DirectConvolution<T: KernelTarget> {
  public typealias V = T.Vector

  /// Floats of `packFilter`'s output for a [patch, outChannels] filter.
  @inlinable
  public static func packedCount(patch: Int, outChannels: Int) -> Int {
    GEMMBlocking.roundUp(outChannels, to: GEMMBlocking.nr(T.self)) * patch
  }

  /// w [patch, outChannels] (row-major) into panels of NR columns, panel-major, missing
  /// columns zero: the layout GEMMPacking.packB gives B.
  @inlinable
  public static func packFilter(
    _ w: UnsafePointer<Float>, patch: Int, outChannels: Int, into dst: UnsafeMutablePointer<Float>
  ) {
    let nr = GEMMBlocking.nr(T.self)
    var panel = dst
    var j0 = 0
    while j0 < outChannels {
      let width = min(nr, outChannels - j0)
      for p in 0..<patch {
        let src = w + p * outChannels + j0
        let out = panel + p * nr
        for j in 0..<width { out[j] = src[j] }
        for j in width..<nr { out[j] = 0 }
      }
      panel += nr * patch
      j0 += nr
    }
  }

  /// Every output position of one image, 6 positions at a time (the last tile of the image
  /// may have fewer: its missing rows repeat the last window and are not stored).
  @inlinable
  public static func image(_ d: DirectConvolutionImage) {
    let nr = GEMMBlocking.nr(T.self)
    let positions = d.outHeight * d.outWidth
    guard positions > 0, d.patch > 0 else { return }
    var windows = (d.image, d.image, d.image, d.image, d.image, d.image)
    var first = 0
    while first < positions {
      let rows = min(6, positions - first)
      withUnsafeMutableBytes(of: &windows) { raw in
        let w = raw.bindMemory(to: UnsafePointer<Float>.self)
        for r in 0..<6 {
          let (oh, ow) = (first + min(r, rows - 1)).quotientAndRemainder(dividingBy: d.outWidth)
          w[r] = d.image + oh * d.positionStrideH + ow * d.positionStrideW
        }
      }
      var j0 = 0
      while j0 < d.outChannels {
        let width = min(nr, d.outChannels - j0)
        let panel = d.packedFilter + j0 * d.patch
        let out = d.output + first * d.outChannels + j0
        if rows == 6 && width == nr {
          tile(d, windows, panel, out, ldc: d.outChannels, store: GEMMTileStore(beta: 0, bias: d.bias.map { $0 + j0 }, relu: d.relu))
        } else {
          tile(d, windows, panel, d.scratch, ldc: nr, store: GEMMTileStore(beta: 0, bias: nil, relu: false))
          // Bias and ReLU as the full tile applies them, so no value depends on its tile.
          for r in 0..<rows {
            for j in 0..<width {
              var v = d.scratch[r * nr + j]
              if let bias = d.bias { v += bias[j0 + j] }
              if d.relu && v < 0 { v = 0 }
              out[r * d.outChannels + j] = v
            }
          }
        }
        j0 += nr
      }
      first += rows
    }
  }

  /// 6 windows × one NR-column panel of the filter, over the whole patch.
  @inlinable @inline(never)
  static func tile(
    _ d: DirectConvolutionImage,
    _ windows: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>),
    _ panel: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, ldc: Int, store: GEMMTileStore
  ) {
    let (a0, a1, a2, a3, a4, a5) = windows
    let lanes = V.lanes
    var pb = panel
    // The first product initialises the accumulators, as in GEMMMicroKernel.fullTile.
    var bl = V.load(pb)
    var bh = V.load(pb + lanes)
    var x = V(repeating: a0[0])
    var c0l = x * bl
    var c0h = x * bh
    x = V(repeating: a1[0])
    var c1l = x * bl
    var c1h = x * bh
    x = V(repeating: a2[0])
    var c2l = x * bl
    var c2h = x * bh
    x = V(repeating: a3[0])
    var c3l = x * bl
    var c3h = x * bh
    x = V(repeating: a4[0])
    var c4l = x * bl
    var c4h = x * bh
    x = V(repeating: a5[0])
    var c5l = x * bl
    var c5h = x * bh
    var start = 1
    for kh in 0..<d.kernelHeight {
      let base = kh * d.rowStride
      var o = base + start
      let end = base + d.rowLength
      while o < end {
        pb += 2 * lanes
        bl = V.load(pb)
        bh = V.load(pb + lanes)
        x = V(repeating: a0[o])
        c0l = T.madd(c0l, x, bl)
        c0h = T.madd(c0h, x, bh)
        x = V(repeating: a1[o])
        c1l = T.madd(c1l, x, bl)
        c1h = T.madd(c1h, x, bh)
        x = V(repeating: a2[o])
        c2l = T.madd(c2l, x, bl)
        c2h = T.madd(c2h, x, bh)
        x = V(repeating: a3[o])
        c3l = T.madd(c3l, x, bl)
        c3h = T.madd(c3h, x, bh)
        x = V(repeating: a4[o])
        c4l = T.madd(c4l, x, bl)
        c4h = T.madd(c4h, x, bh)
        x = V(repeating: a5[o])
        c5l = T.madd(c5l, x, bl)
        c5h = T.madd(c5h, x, bh)
        o += 1
      }
      start = 0
    }
    let biasL: V
    let biasH: V
    if let bias = store.bias {
      biasL = V.load(bias)
      biasH = V.load(bias + lanes)
    } else {
      biasL = V()
      biasH = V()
    }
    GEMMMicroKernel<T>.storeRow(c0l, c0h, c, store, biasL, biasH)
    GEMMMicroKernel<T>.storeRow(c1l, c1h, c + ldc, store, biasL, biasH)
    GEMMMicroKernel<T>.storeRow(c2l, c2h, c + 2 * ldc, store, biasL, biasH)
    GEMMMicroKernel<T>.storeRow(c3l, c3h, c + 3 * ldc, store, biasL, biasH)
    GEMMMicroKernel<T>.storeRow(c4l, c4h, c + 4 * ldc, store, biasL, biasH)
    GEMMMicroKernel<T>.storeRow(c5l, c5h, c + 5 * ldc, store, biasL, biasH)
  }
}
