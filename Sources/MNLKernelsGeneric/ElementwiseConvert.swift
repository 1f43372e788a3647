/// Conversions between raw data and Float32: pixel bytes to scaled floats.
extension ElementwiseKernels {
  /// out[i] = Float(bytes[i]) · scale. A byte b becomes a float exactly as the bit pattern of
  /// 2^23 + b minus 2^23 (integer→float conversions of generic SIMD types are scalarised).
  @inlinable
  public static func bytesToFloat(
    _ bytes: UnsafePointer<UInt8>, scale: Float, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    let s = V(repeating: scale)
    let twoTo23 = V(repeating: 8_388_608)
    let raw = UnsafeRawPointer(bytes)
    var i = 0
    while i + V.lanes <= count {
      let b = raw.loadUnaligned(fromByteOffset: i, as: V.Bytes.self)
      let widened = V.widen(b) | 0x4B00_0000
      ((unsafeBitCast(widened, to: V.self) - twoTo23) * s).store(out + i)
      i += V.lanes
    }
    while i < count {
      out[i] = Float(bytes[i]) * scale
      i += 1
    }
  }
}
