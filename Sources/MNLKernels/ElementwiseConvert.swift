/// Conversions between raw data and Float32: pixel bytes to scaled floats.
extension Elementwise {
  /// out[i] = Float(bytes[i]) · scale. A plain loop: compiled here (-Ounchecked, znver3) the
  /// optimiser vectorises it; in the data module it would keep bounds checks and stay scalar.
  public static func bytesToFloat(
    _ bytes: UnsafePointer<UInt8>, scale: Float, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    var i = 0
    while i < count {
      out[i] = Float(bytes[i]) * scale
      i += 1
    }
  }
}
