/// fp32 → bfloat16 rounding, the way PyTorch's `c10::BFloat16` and Eigen's
/// `float_to_bfloat16_rtne` do it: bfloat16 is the top 16 bits of a float, so rounding is an
/// integer add on the bit pattern — round to nearest, ties to even, carrying into the
/// exponent (a value past the largest bfloat16 becomes ±Inf). Subnormals round the same way
/// (no flush to zero). A NaN stays a NaN: it is truncated with the quiet bit set (sign and top
/// payload bits kept), since rounding its bits could carry a signalling NaN into Inf.
///
/// The kernels keep rounded values as floats (low 16 bits zero) so the fp32 micro-kernels can
/// multiply them exactly: a product of two bfloat16 values has 16 significant bits and is
/// exact in fp32, so only the accumulation rounds.
public enum BFloat16 {
  /// The bfloat16 bit pattern nearest to `x`.
  @inlinable @inline(__always)
  public static func bits(_ x: Float) -> UInt16 {
    let u = x.bitPattern
    if x.isNaN { return UInt16(truncatingIfNeeded: u >> 16) | 0x0040 }
    let bias: UInt32 = 0x7FFF + ((u >> 16) & 1)
    return UInt16(truncatingIfNeeded: (u &+ bias) >> 16)
  }

  /// The float holding bfloat16 bit pattern `bits`.
  @inlinable @inline(__always)
  public static func float(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
  }

  /// `x` rounded to the nearest bfloat16, as a float.
  @inlinable @inline(__always)
  public static func rounded(_ x: Float) -> Float { float(bits(x)) }

  /// Every lane of `v` rounded to the nearest bfloat16 (the same result as `rounded` per lane),
  /// branch-free: the NaN lanes are blended in at the end.
  @inlinable @inline(__always)
  public static func rounded<V: KernelVector>(_ v: V) -> V {
    let u = unsafeBitCast(v, to: V.Bits.self)
    let one = V.Bits(repeating: 1)
    let low = V.Bits(repeating: 0x7FFF)
    let top = V.Bits(repeating: -65536)  // 0xFFFF0000
    let odd = (u &>> 16) & one
    let nearest = unsafeBitCast((u &+ low &+ odd) & top, to: V.self)
    let quietNaN = unsafeBitCast((u | V.Bits(repeating: 0x0040_0000)) & top, to: V.self)
    return V.blend(nearest, quietNaN, where: V.lanes(v, notEqual: v))
  }
}

/// How a GEMM path treats its operands as it reads them: unchanged (fp32, "highest") or
/// rounded to bfloat16 ("bf16" precision). The kernels are generic over it, so the fp32 path
/// compiles to exactly what it was before and the bf16 one pays only for its rounding.
public protocol OperandRounding {
  static func round(_ x: Float) -> Float
  static func round<V: KernelVector>(_ v: V) -> V
}

/// fp32 operands, untouched.
public enum NoRounding: OperandRounding {
  @inlinable @inline(__always)
  public static func round(_ x: Float) -> Float { x }
  @inlinable @inline(__always)
  public static func round<V: KernelVector>(_ v: V) -> V { v }
}

/// Operands rounded to bfloat16 (nearest, ties to even) on the way in.
public enum RoundingToBFloat16: OperandRounding {
  @inlinable @inline(__always)
  public static func round(_ x: Float) -> Float { BFloat16.rounded(x) }
  @inlinable @inline(__always)
  public static func round<V: KernelVector>(_ v: V) -> V { BFloat16.rounded(v) }
}

extension BFloat16 {
  /// `count` floats rounded to bfloat16, a vector of V at a time (operands rounded once
  /// before a product: the sparse path's B, the narrow path's bands of A).
  @inlinable @inline(__always)
  public static func roundRow<V: KernelVector>(
    _ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int,
    as _: V.Type
  ) {
    var j = 0
    while j + V.lanes <= count {
      rounded(V.load(src + j)).store(dst + j)
      j += V.lanes
    }
    while j < count {
      dst[j] = rounded(src[j])
      j += 1
    }
  }
}
