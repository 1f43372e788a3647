/// The SIMD vector a kernel set is specialised for: SIMD4<Float> (SSE2 / NEON baseline),
/// SIMD8<Float> (AVX2 ymm) or SIMD16<Float> (AVX-512 zmm). Every kernel in this module is
/// generic over it and `@inlinable`, so the code is compiled where it is specialised — in
/// the per-ISA targets, each with its own `-target-cpu` — and never with this module's
/// (baseline) flags on a hot path.
public protocol KernelVector: SIMD, SendableMetatype where Scalar == Float {
  /// The same number of Int32 lanes (bit patterns for exp/log).
  associatedtype Bits: SIMD where Bits.Scalar == Int32
  /// The same number of UInt8 lanes (pixel bytes).
  associatedtype Bytes: SIMD where Bytes.Scalar == UInt8
  /// Zero-extends bytes to Int32 lanes (the stdlib's conversion is per concrete SIMD type).
  static func widen(_ bytes: Bytes) -> Bits

  // Comparisons and blends through the concrete types' vector operators. The generic `SIMD`
  // versions, once specialised, are lane-by-lane loops with a branch per lane (seen in the
  // disassembly: `vucomiss` per lane in reluGradient); the operators below shadow them for
  // every kernel written against `KernelVector`.
  static func lanes(_ a: Self, lessThan b: Self) -> SIMDMask<MaskStorage>
  static func lanes(_ a: Self, lessOrEqual b: Self) -> SIMDMask<MaskStorage>
  static func lanes(_ a: Self, equal b: Self) -> SIMDMask<MaskStorage>
  static func lanes(_ a: Self, notEqual b: Self) -> SIMDMask<MaskStorage>
  /// `a` with the lanes of `b` where `mask` is set.
  static func blend(_ a: Self, _ b: Self, where mask: SIMDMask<MaskStorage>) -> Self
}

extension SIMD4: KernelVector where Scalar == Float {
  public typealias Bits = SIMD4<Int32>
  public typealias Bytes = SIMD4<UInt8>
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, lessThan b: Self) -> SIMDMask<SIMD4<Int32>> { a .< b }
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, lessOrEqual b: Self) -> SIMDMask<SIMD4<Int32>> { a .<= b }
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, equal b: Self) -> SIMDMask<SIMD4<Int32>> { a .== b }
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, notEqual b: Self) -> SIMDMask<SIMD4<Int32>> { a .!= b }
  @inlinable @inline(__always)
  public static func blend(_ a: Self, _ b: Self, where mask: SIMDMask<SIMD4<Int32>>) -> Self {
    // Bitwise select on the Int32 view (a mask lane is all ones or all zeros). Not
    // `replacing(with:where:)`: here that name resolves to KernelVector's own overload.
    let x = unsafeBitCast(a, to: SIMD4<Int32>.self)
    let y = unsafeBitCast(b, to: SIMD4<Int32>.self)
    let m = unsafeBitCast(mask, to: SIMD4<Int32>.self)
    return unsafeBitCast(x ^ ((x ^ y) & m), to: Self.self)
  }
  @inlinable @inline(__always)
  public static func widen(_ bytes: Bytes) -> Bits { Bits(truncatingIfNeeded: bytes) }
}

extension SIMD8: KernelVector where Scalar == Float {
  public typealias Bits = SIMD8<Int32>
  public typealias Bytes = SIMD8<UInt8>
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, lessThan b: Self) -> SIMDMask<SIMD8<Int32>> { a .< b }
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, lessOrEqual b: Self) -> SIMDMask<SIMD8<Int32>> { a .<= b }
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, equal b: Self) -> SIMDMask<SIMD8<Int32>> { a .== b }
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, notEqual b: Self) -> SIMDMask<SIMD8<Int32>> { a .!= b }
  @inlinable @inline(__always)
  public static func blend(_ a: Self, _ b: Self, where mask: SIMDMask<SIMD8<Int32>>) -> Self {
    // Bitwise select on the Int32 view (a mask lane is all ones or all zeros). Not
    // `replacing(with:where:)`: here that name resolves to KernelVector's own overload.
    let x = unsafeBitCast(a, to: SIMD8<Int32>.self)
    let y = unsafeBitCast(b, to: SIMD8<Int32>.self)
    let m = unsafeBitCast(mask, to: SIMD8<Int32>.self)
    return unsafeBitCast(x ^ ((x ^ y) & m), to: Self.self)
  }
  @inlinable @inline(__always)
  public static func widen(_ bytes: Bytes) -> Bits { Bits(truncatingIfNeeded: bytes) }
}

extension SIMD16: KernelVector where Scalar == Float {
  public typealias Bits = SIMD16<Int32>
  public typealias Bytes = SIMD16<UInt8>
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, lessThan b: Self) -> SIMDMask<SIMD16<Int32>> { a .< b }
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, lessOrEqual b: Self) -> SIMDMask<SIMD16<Int32>> { a .<= b }
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, equal b: Self) -> SIMDMask<SIMD16<Int32>> { a .== b }
  @inlinable @inline(__always)
  public static func lanes(_ a: Self, notEqual b: Self) -> SIMDMask<SIMD16<Int32>> { a .!= b }
  @inlinable @inline(__always)
  public static func blend(_ a: Self, _ b: Self, where mask: SIMDMask<SIMD16<Int32>>) -> Self {
    // Bitwise select on the Int32 view (a mask lane is all ones or all zeros). Not
    // `replacing(with:where:)`: here that name resolves to KernelVector's own overload.
    let x = unsafeBitCast(a, to: SIMD16<Int32>.self)
    let y = unsafeBitCast(b, to: SIMD16<Int32>.self)
    let m = unsafeBitCast(mask, to: SIMD16<Int32>.self)
    return unsafeBitCast(x ^ ((x ^ y) & m), to: Self.self)
  }
  /// In halves: the 16-lane conversion is not specialised inline (a call per vector).
  @inlinable @inline(__always)
  public static func widen(_ bytes: Bytes) -> Bits {
    Bits(
      lowHalf: SIMD8<Int32>(truncatingIfNeeded: bytes.lowHalf),
      highHalf: SIMD8<Int32>(truncatingIfNeeded: bytes.highHalf))
  }
}

extension KernelVector {
  @inlinable @inline(__always)
  public static func .< (a: Self, b: Self) -> SIMDMask<MaskStorage> { lanes(a, lessThan: b) }
  @inlinable @inline(__always)
  public static func .> (a: Self, b: Self) -> SIMDMask<MaskStorage> { lanes(b, lessThan: a) }
  @inlinable @inline(__always)
  public static func .<= (a: Self, b: Self) -> SIMDMask<MaskStorage> { lanes(a, lessOrEqual: b) }
  @inlinable @inline(__always)
  public static func .>= (a: Self, b: Self) -> SIMDMask<MaskStorage> { lanes(b, lessOrEqual: a) }
  @inlinable @inline(__always)
  public static func .== (a: Self, b: Self) -> SIMDMask<MaskStorage> { lanes(a, equal: b) }
  @inlinable @inline(__always)
  public static func .!= (a: Self, b: Self) -> SIMDMask<MaskStorage> { lanes(a, notEqual: b) }
  @inlinable @inline(__always)
  public static func .< (a: Self, b: Float) -> SIMDMask<MaskStorage> { a .< Self(repeating: b) }
  @inlinable @inline(__always)
  public func replacing(with b: Self, where mask: SIMDMask<MaskStorage>) -> Self {
    Self.blend(self, b, where: mask)
  }
  @inlinable @inline(__always)
  public func replacing(with b: Float, where mask: SIMDMask<MaskStorage>) -> Self {
    Self.blend(self, Self(repeating: b), where: mask)
  }
  @inlinable @inline(__always)
  public mutating func replace(with b: Self, where mask: SIMDMask<MaskStorage>) {
    self = Self.blend(self, b, where: mask)
  }
  @inlinable @inline(__always)
  public mutating func replace(with b: Float, where mask: SIMDMask<MaskStorage>) {
    self = Self.blend(self, Self(repeating: b), where: mask)
  }

  /// Lanes per vector, a compile-time constant once specialised.
  @inlinable @inline(__always)
  public static var lanes: Int { MemoryLayout<Self>.size / MemoryLayout<Float>.size }

  /// Unaligned load of `lanes` floats.
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Float>) -> Self {
    UnsafeRawPointer(p).loadUnaligned(as: Self.self)
  }

  /// Unaligned store of `lanes` floats.
  @inlinable @inline(__always)
  public func store(_ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self)
  }

  /// Lane-wise min/max as compare-and-blend. (`clamped` and `pointwiseMin` are not lowered to
  /// vector instructions and cost ~10x more; measured.) A NaN in `self` is kept.
  @inlinable @inline(__always)
  public func lanewiseMin(_ b: Self) -> Self { replacing(with: b, where: b .< self) }

  @inlinable @inline(__always)
  public func lanewiseMax(_ b: Self) -> Self { replacing(with: b, where: b .> self) }
}

/// An instruction set as the kernels see it: the vector they work in and whether a
/// multiply-add may be fused. Without FMA hardware (the x86-64 baseline) `addingProduct`
/// becomes a libm `fmaf` call per lane, ~100x slower than a multiply and an add, so the
/// baseline rounds twice instead — results differ from the FMA paths at rounding level.
public protocol KernelTarget: SendableMetatype {
  associatedtype Vector: KernelVector
  static var fusesMultiplyAdd: Bool { get }
}

extension KernelTarget {
  /// acc + a·b, fused when the target has FMA.
  @inlinable @inline(__always)
  public static func madd<W: SIMD>(_ acc: W, _ a: W, _ b: W) -> W where W.Scalar == Float {
    fusesMultiplyAdd ? acc.addingProduct(a, b) : acc + a * b
  }

  @inlinable @inline(__always)
  public static func madd(_ acc: Float, _ a: Float, _ b: Float) -> Float {
    fusesMultiplyAdd ? acc.addingProduct(a, b) : acc + a * b
  }
}

/// SSE2 on x86-64 (any x86-64 CPU) and NEON elsewhere: 4 lanes, 16 registers.
public enum BaselineTarget: KernelTarget {
  public typealias Vector = SIMD4<Float>
  @inlinable public static var fusesMultiplyAdd: Bool {
    #if arch(x86_64)
      false
    #else
      true  // aarch64 always has fused multiply-add (NEON fmla).
    #endif
  }
}

/// AVX2 + FMA (Haswell, Zen): 8 lanes, 16 ymm registers.
public enum AVX2Target: KernelTarget {
  public typealias Vector = SIMD8<Float>
  @inlinable public static var fusesMultiplyAdd: Bool { true }
}

/// AVX-512 F/BW/DQ/VL (Skylake-X, Sapphire Rapids, Zen 4): 16 lanes, 32 zmm registers.
public enum AVX512Target: KernelTarget {
  public typealias Vector = SIMD16<Float>
  @inlinable public static var fusesMultiplyAdd: Bool { true }
}
