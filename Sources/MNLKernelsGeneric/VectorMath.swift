/// Vectorised exp, log and tanh for any target's vector width.
public enum VectorMath<T: KernelTarget> {
  public typealias V = T.Vector

  /// exp(x): x = n·ln2 + r with |r| ≤ ln2/2, exp(r) by a degree-7 Taylor polynomial
  /// (relative error < 4e-7 over the whole range), scaled by 2^n built in the exponent bits.
  /// Rounding and the integer conversion use the 1.5·2^23 "magic number" trick (the generic SIMD
  /// conversions are scalarised). Clamping x at −88 makes n = −127 there, whose exponent field 0
  /// flushes results below ≈ e^−87.7 to 0 (no subnormals); x > 88.72 gives +inf; NaN stays NaN.
  @inlinable @inline(__always)
  public static func exp(_ x: V) -> V {
    let log2e: Float = 1.442_695_04
    let ln2Hi: Float = 0.693_145_751_953_125
    let ln2Lo: Float = 1.428_606_765_330_187e-6
    let magic: Float = 12_582_912  // 1.5·2^23: adding it rounds to an integer in the low bits
    let c = x.lanewiseMax(V(repeating: -88)).lanewiseMin(V(repeating: 88.722_83))
    let n = (((c * log2e) + magic) - magic).lanewiseMin(V(repeating: 127))
    var r = T.madd(c, n, V(repeating: -ln2Hi))
    r = T.madd(r, n, V(repeating: -ln2Lo))
    // Horner form of 1 + r + r²/2! + … + r⁷/7!, one FMA per degree.
    var p = T.madd(V(repeating: 1.0 / 720), V(repeating: 1.0 / 5040), r)
    p = T.madd(V(repeating: 1.0 / 120), p, r)
    p = T.madd(V(repeating: 1.0 / 24), p, r)
    p = T.madd(V(repeating: 1.0 / 6), p, r)
    p = T.madd(V(repeating: 0.5), p, r)
    p = T.madd(V(repeating: 1), p, r)
    p = T.madd(V(repeating: 1), p, r)
    // n + magic holds n in its low mantissa bits; move n + 127 into the exponent field.
    let nBits = unsafeBitCast(n + magic, to: V.Bits.self) &- 0x4B40_0000
    let result = p * unsafeBitCast((nBits &+ 127) &<< 23, to: V.self)
    return result.replacing(
      with: V(repeating: .infinity), where: x .> V(repeating: 88.722_83))
  }

  /// log(x): x = m·2^e with m in [√½, √2), log m = 2·atanh(s) with s = (m − 1)/(m + 1),
  /// |s| ≤ 0.172, by its odd series up to s⁹ (truncation < 1e-9). Measured relative error
  /// < 2e-7. Subnormals are scaled by 2^23 first. log 0 = −inf, log of a negative number is
  /// NaN, log inf = inf, NaN stays NaN.
  @inlinable @inline(__always)
  public static func log(_ x: V) -> V {
    let isSubnormal = x .< V(repeating: .leastNormalMagnitude)
    let scaled = x.replacing(with: x * 8_388_608, where: isSubnormal)
    let bits = unsafeBitCast(scaled, to: V.Bits.self)
    let mantissa = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: V.self)  // [1, 2)
    let exponentBits = ((bits &>> 23) & 0xFF) &- 127
    // Int32 → Float with the magic-number trick (exact for |e| < 2^22).
    var e = unsafeBitCast(exponentBits &+ 0x4B40_0000, to: V.self) - 12_582_912
    e = e.replacing(with: e - 23, where: isSubnormal)
    let high = mantissa .> V(repeating: 1.414_213_56)
    let m = mantissa.replacing(with: mantissa * 0.5, where: high)
    e = e.replacing(with: e + 1, where: high)
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    var p = T.madd(V(repeating: 2.0 / 7), V(repeating: 2.0 / 9), s2)
    p = T.madd(V(repeating: 2.0 / 5), p, s2)
    p = T.madd(V(repeating: 2.0 / 3), p, s2)
    p = T.madd(V(repeating: 2), p, s2)
    let logM = s * p
    var result =
      (e * 0.693_145_751_953_125) + T.madd(logM, e, V(repeating: 1.428_606_765_330_187e-6))
    result.replace(with: V(repeating: -.infinity), where: x .== V(repeating: 0))
    result.replace(with: V(repeating: .nan), where: x .< V(repeating: 0))
    result.replace(with: x, where: (x .== V(repeating: .infinity)) .| (x .!= x))
    return result
  }

  /// tanh(x), relative error < 2e-7 (measured): an odd Taylor polynomial up to x⁹ for
  /// |x| < 0.25 (truncation < 1e-8), else sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|), where
  /// 1 − e ≥ 0.39 keeps the cancellation small. Large |x| gives ±1; NaN stays NaN.
  @inlinable @inline(__always)
  public static func tanh(_ x: V) -> V {
    let zero = V(repeating: 0)
    let magnitude = x.replacing(with: -x, where: x .< zero)
    let e = exp(V(repeating: -2) * magnitude)
    var large = (V(repeating: 1) - e) / (V(repeating: 1) + e)
    large.replace(with: -large, where: x .< zero)
    let x2 = x * x
    var p = T.madd(V(repeating: -17.0 / 315), V(repeating: 62.0 / 2835), x2)
    p = T.madd(V(repeating: 2.0 / 15), p, x2)
    p = T.madd(V(repeating: -1.0 / 3), p, x2)
    let small = T.madd(x, x * x2, p)
    return large.replacing(with: small, where: magnitude .< V(repeating: 0.25))
  }

  /// Scalar twins for loop tails: lane 0 of the vector function, so a value never depends on
  /// whether it fell in a vector body or a tail (nor on the vector width).
  @inlinable @inline(__always)
  public static func exp1(_ x: Float) -> Float { exp(V(repeating: x))[0] }
  @inlinable @inline(__always)
  public static func log1(_ x: Float) -> Float { log(V(repeating: x))[0] }
  @inlinable @inline(__always)
  public static func tanh1(_ x: Float) -> Float { tanh(V(repeating: x))[0] }
}
