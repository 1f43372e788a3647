/// One image of a convolution's backward pass whose output gradient dy is mostly zeros — in a
/// conv → ReLU → max-pool layer, at most one position of each pooling window per channel has
/// a gradient (≤ 25% for 2×2 pools, fewer where ReLU was off). Both backward products then
/// run over the nonzero entries of dy only:
/// - input gradient: each nonzero dy[position, o] adds dy·w[kh, ·, ·, o] to the KW·C run of
///   the (zero-padded) input gradient at kernel row kh of the position's window;
/// - filter gradient: each nonzero dy[position, o] adds dy·window[kh, ·, ·] to row (o, kh) of
///   a transposed filter gradient [outChannels, patch].
/// Runs of KW·C floats (a whole number of vectors) are swept up to 8 vectors at a time, as
/// many independent FMA chains; loads and FMAs are 1:1, so this wins only on sparse dy (the
/// dispatcher measures it).
///
/// Summation order is the dense direct kernels' (positions in order, then output channels in
/// order, one FMA chain per element, the filter gradient summed per image), and skipped terms
/// are exact zeros, so the results equal theirs — as long as the other operand is finite (the
/// dense kernels would turn 0·Inf into NaN; the dispatcher checks).
@frozen
public struct SparseConvolutionGradientImage {
  /// The image's output gradient [outHeight · outWidth, outChannels].
  public var outputGradient: UnsafePointer<Float>
  public var outHeight: Int
  public var outWidth: Int
  public var outChannels: Int
  /// Floats from one window's corner to the next, down and across, in the padded image.
  public var positionStrideH: Int
  public var positionStrideW: Int
  /// Kernel rows, floats per kernel row (KW·C, a multiple of the vector width), floats per
  /// padded image row.
  public var kernelHeight: Int
  public var rowLength: Int
  public var rowStride: Int
  /// Workspace for the compressed nonzeros: outHeight·outWidth·outChannels + outChannels
  /// entries of each, and outChannels + 1 list starts.
  public var indices: UnsafeMutablePointer<Int32>
  public var values: UnsafeMutablePointer<Float>
  public var starts: UnsafeMutablePointer<Int>

  @inlinable
  public init(
    outputGradient: UnsafePointer<Float>, outHeight: Int, outWidth: Int, outChannels: Int,
    positionStrideH: Int, positionStrideW: Int, kernelHeight: Int, rowLength: Int, rowStride: Int,
    indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Float>,
    starts: UnsafeMutablePointer<Int>
  ) {
    self.outputGradient = outputGradient
    self.outHeight = outHeight
    self.outWidth = outWidth
    self.outChannels = outChannels
    self.positionStrideH = positionStrideH
    self.positionStrideW = positionStrideW
    self.kernelHeight = kernelHeight
    self.rowLength = rowLength
    self.rowStride = rowStride
    self.indices = indices
    self.values = values
    self.starts = starts
  }

  /// Entries of `indices` and `values` the kernels need.
  @inlinable
  public static func workspaceCount(outHeight: Int, outWidth: Int, outChannels: Int) -> Int {
    (outHeight * outWidth + 1) * outChannels
  }
}

public enum SparseConvolutionGradient<T: KernelTarget> {
  public typealias V = T.Vector

  /// Adds the image's input gradient into `padded` (the zero-padded input layout of the
  /// forward pass). `filter` is w rearranged as [KH, outChannels, KW·C].
  @inlinable
  public static func inputGradient(
    _ d: SparseConvolutionGradientImage, filter: UnsafePointer<Float>,
    into padded: UnsafeMutablePointer<Float>
  ) {
    let o = d.outChannels
    let length = d.rowLength
    let vectors = length / V.lanes
    guard vectors > 0, vectors * V.lanes == length else { return }
    for position in 0..<(d.outHeight * d.outWidth) {
      // The row's nonzeros, compressed without a branch per entry.
      let row = d.outputGradient + position * o
      var count = 0
      for channel in 0..<o {
        let v = row[channel]
        d.indices[count] = Int32(truncatingIfNeeded: channel)
        d.values[count] = v
        count &+= v != 0 ? 1 : 0
      }
      guard count > 0 else { continue }
      let (oh, ow) = position.quotientAndRemainder(dividingBy: d.outWidth)
      let corner = padded + oh * d.positionStrideH + ow * d.positionStrideW
      for kh in 0..<d.kernelHeight {
        forEachTile(vectors) { first, width in
          scatterTile(
            corner + kh * d.rowStride + first * V.lanes,
            filter + kh * o * length + first * V.lanes, rowLength: length,
            indices: d.indices, values: d.values, count: count, width: width)
        }
      }
    }
  }

  /// Adds the image's filter gradient, summed over its positions, into `transposed`
  /// [outChannels, KH·KW·C]. `image` is the zero-padded input image.
  @inlinable
  public static func filterGradient(
    _ d: SparseConvolutionGradientImage, image: UnsafePointer<Float>,
    into transposed: UnsafeMutablePointer<Float>
  ) {
    let o = d.outChannels
    let length = d.rowLength
    let vectors = length / V.lanes
    let positions = d.outHeight * d.outWidth
    guard vectors > 0, vectors * V.lanes == length, positions > 0 else { return }
    // Channel-major lists of (window corner, dy): count, then fill in position order. Each
    // list has one spare slot, so the branch-free fill may write one past its end.
    let starts = d.starts
    for channel in 0...o { starts[channel] = 0 }
    for position in 0..<positions {
      let row = d.outputGradient + position * o
      for channel in 0..<o { starts[channel + 1] &+= row[channel] != 0 ? 1 : 0 }
    }
    for channel in 0..<o { starts[channel + 1] += starts[channel] + 1 }
    for position in 0..<positions {
      let row = d.outputGradient + position * o
      let (oh, ow) = position.quotientAndRemainder(dividingBy: d.outWidth)
      let corner = Int32(truncatingIfNeeded: oh * d.positionStrideH + ow * d.positionStrideW)
      for channel in 0..<o {
        let v = row[channel]
        let slot = starts[channel]
        d.indices[slot] = corner
        d.values[slot] = v
        starts[channel] = slot &+ (v != 0 ? 1 : 0)
      }
    }
    // starts[channel] is now the end of list `channel`; it began at the previous end + 1.
    let patch = d.kernelHeight * length
    for channel in 0..<o {
      let begin = channel == 0 ? 0 : starts[channel - 1] + 1
      let count = starts[channel] - begin
      guard count > 0 else { continue }
      for kh in 0..<d.kernelHeight {
        forEachTile(vectors) { first, width in
          gatherTile(
            image + kh * d.rowStride + first * V.lanes,
            corners: d.indices + begin, values: d.values + begin, count: count,
            into: transposed + channel * patch + kh * length + first * V.lanes, width: width)
        }
      }
    }
  }

  /// Splits `vectors` into tiles of at most 8, as even as possible (10 → 5 + 5), so every
  /// tile has several independent FMA chains.
  @inlinable @inline(__always)
  static func forEachTile(_ vectors: Int, _ body: (Int, Int) -> Void) {
    let tiles = (vectors + 7) / 8
    var first = 0
    for t in 0..<tiles {
      let width = vectors / tiles + (t < vectors % tiles ? 1 : 0)
      body(first, width)
      first += width
    }
  }

  /// dst[0..<width vectors] += Σ over the list of values[j]·w[indices[j]·rowLength + …], in
  /// list order, in registers.
  @inlinable @inline(__always)
  static func scatterTile(
    _ dst: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>, rowLength: Int,
    indices: UnsafePointer<Int32>, values: UnsafePointer<Float>, count: Int, width: Int
  ) {
    let l = V.lanes
    var a0 = V.load(dst)
    var a1 = width > 1 ? V.load(dst + l) : V()
    var a2 = width > 2 ? V.load(dst + 2 * l) : V()
    var a3 = width > 3 ? V.load(dst + 3 * l) : V()
    var a4 = width > 4 ? V.load(dst + 4 * l) : V()
    var a5 = width > 5 ? V.load(dst + 5 * l) : V()
    var a6 = width > 6 ? V.load(dst + 6 * l) : V()
    var a7 = width > 7 ? V.load(dst + 7 * l) : V()
    for j in 0..<count {
      let b = V(repeating: values[j])
      let p = w + Int(indices[j]) * rowLength
      a0 = T.madd(a0, b, V.load(p))
      if width > 1 { a1 = T.madd(a1, b, V.load(p + l)) }
      if width > 2 { a2 = T.madd(a2, b, V.load(p + 2 * l)) }
      if width > 3 { a3 = T.madd(a3, b, V.load(p + 3 * l)) }
      if width > 4 { a4 = T.madd(a4, b, V.load(p + 4 * l)) }
      if width > 5 { a5 = T.madd(a5, b, V.load(p + 5 * l)) }
      if width > 6 { a6 = T.madd(a6, b, V.load(p + 6 * l)) }
      if width > 7 { a7 = T.madd(a7, b, V.load(p + 7 * l)) }
    }
    a0.store(dst)
    if width > 1 { a1.store(dst + l) }
    if width > 2 { a2.store(dst + 2 * l) }
    if width > 3 { a3.store(dst + 3 * l) }
    if width > 4 { a4.store(dst + 4 * l) }
    if width > 5 { a5.store(dst + 5 * l) }
    if width > 6 { a6.store(dst + 6 * l) }
    if width > 7 { a7.store(dst + 7 * l) }
  }

  /// dst[0..<width vectors] += (Σ over the list of src[corners[j] + …]·values[j]), the sum
  /// starting from zero in list order and added to dst at the end (the dense kernel's
  /// per-image sum, stored with beta = 1).
  @inlinable @inline(__always)
  static func gatherTile(
    _ src: UnsafePointer<Float>, corners: UnsafePointer<Int32>, values: UnsafePointer<Float>,
    count: Int, into dst: UnsafeMutablePointer<Float>, width: Int
  ) {
    let l = V.lanes
    var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
    for j in 0..<count {
      let b = V(repeating: values[j])
      let p = src + Int(corners[j])
      a0 = T.madd(a0, V.load(p), b)
      if width > 1 { a1 = T.madd(a1, V.load(p + l), b) }
      if width > 2 { a2 = T.madd(a2, V.load(p + 2 * l), b) }
      if width > 3 { a3 = T.madd(a3, V.load(p + 3 * l), b) }
      if width > 4 { a4 = T.madd(a4, V.load(p + 4 * l), b) }
      if width > 5 { a5 = T.madd(a5, V.load(p + 5 * l), b) }
      if width > 6 { a6 = T.madd(a6, V.load(p + 6 * l), b) }
      if width > 7 { a7 = T.madd(a7, V.load(p + 7 * l), b) }
    }
    (a0 + V.load(dst)).store(dst)
    if width > 1 { (a1 + V.load(dst + l)).store(dst + l) }
    if width > 2 { (a2 + V.load(dst + 2 * l)).store(dst + 2 * l) }
    if width > 3 { (a3 + V.load(dst + 3 * l)).store(dst + 3 * l) }
    if width > 4 { (a4 + V.load(dst + 4 * l)).store(dst + 4 * l) }
    if width > 5 { (a5 + V.load(dst + 5 * l)).store(dst + 5 * l) }
    if width > 6 { (a6 + V.load(dst + 6 * l)).store(dst + 6 * l) }
    if width > 7 { (a7 + V.load(dst + 7 * l)).store(dst + 7 * l) }
  }
}
