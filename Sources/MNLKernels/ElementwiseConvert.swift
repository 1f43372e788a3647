/// Conversions between raw data and Float32: pixel bytes to scaled floats.
extension Elementwise {
  /// out[i] = Float(bytes[i]) · scale, eight lanes at a time. Not inlinable: it must be
  /// compiled here, with this module's target CPU and without bounds checks.
  @inline(never)
  public static func bytesToFloat(
    _ bytes: UnsafePointer<UInt8>, scale: Float, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    let s = SIMD8<Float>(repeating: scale)
    let raw = UnsafeRawPointer(bytes)
    var i = 0
    while i + 8 <= count {
      let b = raw.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self)
      let f = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: b)) * s
      UnsafeMutableRawPointer(out + i).storeBytes(of: f, as: SIMD8<Float>.self)
      i += 8
    }
    while i < count {
      out[i] = Float(bytes[i]) * scale
      i += 1
    }
  }
}
