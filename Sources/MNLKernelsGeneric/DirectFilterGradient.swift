/// One image's share of a convolution's filter gradient, computed directly:
/// dw[p, o] += Σ over output positions of window[p]·dy[position, o], where window[p] is tap p
/// (kh, kw, c) of the position's window in a zero-padded image. The register tile is 6 taps ×
/// 2 vectors of output channels, summed over every position of the image: the taps are
/// broadcast straight from the padded image (6 offsets from the window's corner) and dy rows
/// are loaded in place, so neither an im2col matrix nor a packed copy is written.
@frozen
public struct DirectFilterGradientImage {
  /// The padded image; the window of output position (oh, ow) starts at
  /// oh·positionStrideH + ow·positionStrideW.
  public var image: UnsafePointer<Float>
  public var positionStrideH: Int
  public var positionStrideW: Int
  public var outHeight: Int
  public var outWidth: Int
  /// The offset of each tap (in im2col order) from its window's corner; `patch` of them.
  public var tapOffsets: UnsafePointer<Int>
  public var patch: Int
  /// The image's output gradient [outHeight · outWidth, outChannels]; outChannels is a
  /// multiple of NR (2 vectors), so every row load stays inside the row.
  public var outputGradient: UnsafePointer<Float>
  public var outChannels: Int
  /// [patch, outChannels], added into.
  public var filterGradient: UnsafeMutablePointer<Float>
  /// At least 6 × NR floats.
  public var scratch: UnsafeMutablePointer<Float>

  @inlinable
  public init(
    image: UnsafePointer<Float>, positionStrideH: Int, positionStrideW: Int, outHeight: Int,
    outWidth: Int, tapOffsets: UnsafePointer<Int>, patch: Int, outputGradient: UnsafePointer<Float>,
    outChannels: Int, filterGradient: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
  ) {
    self.image = image
    self.positionStrideH = positionStrideH
    self.positionStrideW = positionStrideW
    self.outHeight = outHeight
    self.outWidth = outWidth
    self.tapOffsets = tapOffsets
    self.patch = patch
    self.outputGradient = outputGradient
    self.outChannels = outChannels
    self.filterGradient = filterGradient
    self.scratch = scratch
  }
}

extension DirectConvolution {
  /// Adds one image's filter gradient into d.filterGradient, 6 taps × NR channels at a time
  /// (the last tile of taps may have fewer: its missing rows repeat the last tap, unstored).
  @inlinable
  public static func filterGradient(_ d: DirectFilterGradientImage) {
    let nr = GEMMBlocking.nr(T.self)
    guard d.outHeight > 0, d.outWidth > 0, d.patch > 0, d.outChannels % nr == 0 else { return }
    var p0 = 0
    while p0 < d.patch {
      let rows = min(6, d.patch - p0)
      let tap = { (r: Int) in d.tapOffsets[p0 + min(r, rows - 1)] }
      let taps = (tap(0), tap(1), tap(2), tap(3), tap(4), tap(5))
      var j0 = 0
      while j0 < d.outChannels {
        let dw = d.filterGradient + p0 * d.outChannels + j0
        if rows == 6 {
          filterTile(d, taps, column: j0, into: dw, ldc: d.outChannels, beta: 1)
        } else {
          filterTile(d, taps, column: j0, into: d.scratch, ldc: nr, beta: 0)
          for r in 0..<rows {
            for j in 0..<nr { dw[r * d.outChannels + j] += d.scratch[r * nr + j] }
          }
        }
        j0 += nr
      }
      p0 += rows
    }
  }

  /// 6 taps × one NR-column panel of dy, summed over every output position of the image.
  @inlinable @inline(never)
  static func filterTile(
    _ d: DirectFilterGradientImage, _ taps: (Int, Int, Int, Int, Int, Int), column j0: Int,
    into c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float
  ) {
    let (o0, o1, o2, o3, o4, o5) = taps
    let lanes = V.lanes
    var pb = d.outputGradient + j0
    var a = d.image
    // The first position initialises the accumulators, as in GEMMMicroKernel.fullTile.
    var bl = V.load(pb)
    var bh = V.load(pb + lanes)
    var x = V(repeating: a[o0])
    var c0l = x * bl
    var c0h = x * bh
    x = V(repeating: a[o1])
    var c1l = x * bl
    var c1h = x * bh
    x = V(repeating: a[o2])
    var c2l = x * bl
    var c2h = x * bh
    x = V(repeating: a[o3])
    var c3l = x * bl
    var c3h = x * bh
    x = V(repeating: a[o4])
    var c4l = x * bl
    var c4h = x * bh
    x = V(repeating: a[o5])
    var c5l = x * bl
    var c5h = x * bh
    var start = 1
    for oh in 0..<d.outHeight {
      a = d.image + oh * d.positionStrideH + start * d.positionStrideW
      pb = d.outputGradient + (oh * d.outWidth + start) * d.outChannels + j0
      for _ in start..<d.outWidth {
        bl = V.load(pb)
        bh = V.load(pb + lanes)
        x = V(repeating: a[o0])
        c0l = T.madd(c0l, x, bl)
        c0h = T.madd(c0h, x, bh)
        x = V(repeating: a[o1])
        c1l = T.madd(c1l, x, bl)
        c1h = T.madd(c1h, x, bh)
        x = V(repeating: a[o2])
        c2l = T.madd(c2l, x, bl)
        c2h = T.madd(c2h, x, bh)
        x = V(repeating: a[o3])
        c3l = T.madd(c3l, x, bl)
        c3h = T.madd(c3h, x, bh)
        x = V(repeating: a[o4])
        c4l = T.madd(c4l, x, bl)
        c4h = T.madd(c4h, x, bh)
        x = V(repeating: a[o5])
        c5l = T.madd(c5l, x, bl)
        c5h = T.madd(c5h, x, bh)
        a += d.positionStrideW
        pb += d.outChannels
      }
      start = 0
    }
    let store = GEMMTileStore(beta: beta, bias: nil, relu: false)
    let zero = V()
    GEMMMicroKernel<T>.storeRow(c0l, c0h, c, store, zero, zero)
    GEMMMicroKernel<T>.storeRow(c1l, c1h, c + ldc, store, zero, zero)
    GEMMMicroKernel<T>.storeRow(c2l, c2h, c + 2 * ldc, store, zero, zero)
    GEMMMicroKernel<T>.storeRow(c3l, c3h, c + 3 * ldc, store, zero, zero)
    GEMMMicroKernel<T>.storeRow(c4l, c4h, c + 4 * ldc, store, zero, zero)
    GEMMMicroKernel<T>.storeRow(c5l, c5h, c + 5 * ldc, store, zero, zero)
  }
}
