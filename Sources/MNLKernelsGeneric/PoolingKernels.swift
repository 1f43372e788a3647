/// One image of a max-pool over NHWC data: its windows (clipped to the image, as in
/// Pooling.maxForward) and where the image starts in the whole input (argmax holds flat
/// indices into that).
@frozen
public struct MaxPoolImage {
  /// The image's first element and its flat index in the whole input.
  public var input: UnsafePointer<Float>
  public var inputOffset: Int
  public var height: Int
  public var width: Int
  public var channels: Int
  public var kernelHeight: Int
  public var kernelWidth: Int
  public var strideH: Int
  public var strideW: Int
  public var padTop: Int
  public var padLeft: Int
  public var outHeight: Int
  public var outWidth: Int
  /// The image's output and argmax, [outHeight · outWidth, channels] each.
  public var output: UnsafeMutablePointer<Float>
  public var argmax: UnsafeMutablePointer<Int32>

  @inlinable
  public init(
    input: UnsafePointer<Float>, inputOffset: Int, height: Int, width: Int, channels: Int,
    kernelHeight: Int, kernelWidth: Int, strideH: Int, strideW: Int, padTop: Int, padLeft: Int,
    outHeight: Int, outWidth: Int, output: UnsafeMutablePointer<Float>,
    argmax: UnsafeMutablePointer<Int32>
  ) {
    self.input = input
    self.inputOffset = inputOffset
    self.height = height
    self.width = width
    self.channels = channels
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.strideH = strideH
    self.strideW = strideW
    self.padTop = padTop
    self.padLeft = padLeft
    self.outHeight = outHeight
    self.outWidth = outWidth
    self.output = output
    self.argmax = argmax
  }
}

/// Max-pooling, SIMD over channels (innermost in NHWC): each output position keeps a vector of
/// running maxima and one of their flat input indices, blended per window element. The first
/// window element initialises them; a later one replaces a lane only when larger, or when it
/// is NaN and the lane is not (the first NaN wins, as in NumPy's max) — the scalar rule of
/// the reference loop, so the results are the same bit for bit.
public enum PoolingKernels<T: KernelTarget> {
  public typealias V = T.Vector

  @inlinable
  public static func maxImage(_ d: MaxPoolImage) {
    let c = d.channels
    let x = d.input
    var iota = V.Bits()
    for lane in 0..<V.lanes { iota[lane] = Int32(truncatingIfNeeded: lane) }
    for oh in 0..<d.outHeight {
      let top = oh * d.strideH - d.padTop
      let rows = max(0, top)..<max(max(0, top), min(d.height, top + d.kernelHeight))
      for ow in 0..<d.outWidth {
        let left = ow * d.strideW - d.padLeft
        let columns = max(0, left)..<max(max(0, left), min(d.width, left + d.kernelWidth))
        let out = d.output + (oh * d.outWidth + ow) * c
        let argmax = d.argmax + (oh * d.outWidth + ow) * c
        guard !rows.isEmpty, !columns.isEmpty else {
          out.update(repeating: -.infinity, count: c)
          argmax.update(repeating: -1, count: c)
          continue
        }
        let first = (rows.lowerBound * d.width + columns.lowerBound) * c
        var ch = 0
        while ch + V.lanes <= c {
          var best = V.load(x + first + ch)
          var at = index(iota, d.inputOffset + first + ch)
          for ih in rows {
            for iw in columns where ih != rows.lowerBound || iw != columns.lowerBound {
              let i = (ih * d.width + iw) * c + ch
              let v = V.load(x + i)
              let takes = (v .> best) .| ((v .!= v) .& (best .== best))
              best = V.blend(best, v, where: takes)
              at = V.blend(at, index(iota, d.inputOffset + i), where: takes)
            }
          }
          best.store(out + ch)
          UnsafeMutableRawPointer(argmax + ch).storeBytes(of: at, as: V.self)
          ch += V.lanes
        }
        while ch < c {
          var best = x[first + ch]
          var at = first + ch
          for ih in rows {
            for iw in columns {
              let i = (ih * d.width + iw) * c + ch
              let v = x[i]
              if v > best || (v.isNaN && !best.isNaN) {
                best = v
                at = i
              }
            }
          }
          out[ch] = best
          argmax[ch] = Int32(truncatingIfNeeded: d.inputOffset + at)
          ch += 1
        }
      }
    }
  }

  /// Flat indices start, start + 1, … as the bits of a float vector (blended like the maxima).
  @inlinable @inline(__always)
  static func index(_ iota: V.Bits, _ start: Int) -> V {
    unsafeBitCast(iota &+ V.Bits(repeating: Int32(truncatingIfNeeded: start)), to: V.self)
  }
}
