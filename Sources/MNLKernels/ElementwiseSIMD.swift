/// Shared SIMD helpers for the elementwise, reduction and softmax kernels: unaligned
/// 8-lane loads/stores, a vectorised exp, and a pointer box for two-thread splits.
import Dispatch

@usableFromInline typealias Vec8 = SIMD8<Float>

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> Vec8 {
  UnsafeRawPointer(p).loadUnaligned(as: Vec8.self)
}

@inline(__always)
func store8(_ v: Vec8, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec8.self)
}

/// Lane-wise min/max as compare-and-blend. (`clamped` and `pointwiseMin` are not lowered to
/// vector instructions and cost ~10x more; measured.) A NaN in `a` is kept.
@inline(__always)
func vmin(_ a: Vec8, _ b: Vec8) -> Vec8 { a.replacing(with: b, where: b .< a) }

@inline(__always)
func vmax(_ a: Vec8, _ b: Vec8) -> Vec8 { a.replacing(with: b, where: b .> a) }

/// exp(x) for 8 lanes: x = n·ln2 + r with |r| ≤ ln2/2, exp(r) by a degree-7 Taylor polynomial
/// (relative error < 4e-7 over the whole range), scaled by 2^n built in the exponent bits.
/// Rounding and the integer conversion use the 1.5·2^23 "magic number" trick (the generic SIMD
/// conversions are scalarised). Clamping x at −88 makes n = −127 there, whose exponent field 0
/// flushes results below ≈ e^−87.7 to 0 (no subnormals); x > 88.72 gives +inf; NaN stays NaN.
@inline(__always)
func exp8(_ x: Vec8) -> Vec8 {
  let log2e: Float = 1.442_695_04
  let ln2Hi: Float = 0.693_145_751_953_125
  let ln2Lo: Float = 1.428_606_765_330_187e-6
  let magic: Float = 12_582_912  // 1.5·2^23: adding it rounds to an integer in the low bits
  let c = vmin(vmax(x, Vec8(repeating: -88)), Vec8(repeating: 88.722_83))
  let n = vmin(((c * log2e) + magic) - magic, Vec8(repeating: 127))
  var r = c.addingProduct(n, Vec8(repeating: -ln2Hi))
  r = r.addingProduct(n, Vec8(repeating: -ln2Lo))
  // Horner form of 1 + r + r²/2! + … + r⁷/7!, one FMA per degree.
  var p = Vec8(repeating: 1.0 / 720).addingProduct(Vec8(repeating: 1.0 / 5040), r)
  p = Vec8(repeating: 1.0 / 120).addingProduct(p, r)
  p = Vec8(repeating: 1.0 / 24).addingProduct(p, r)
  p = Vec8(repeating: 1.0 / 6).addingProduct(p, r)
  p = Vec8(repeating: 0.5).addingProduct(p, r)
  p = Vec8(repeating: 1).addingProduct(p, r)
  p = Vec8(repeating: 1).addingProduct(p, r)
  // n + magic holds n in its low mantissa bits; move n + 127 into the exponent field.
  let nBits = unsafeBitCast(n + magic, to: SIMD8<Int32>.self) &- 0x4B40_0000
  let result = p * unsafeBitCast((nBits &+ 127) &<< 23, to: Vec8.self)
  return result.replacing(with: Vec8(repeating: .infinity), where: x .> Vec8(repeating: 88.722_83))
}

/// log(x) for 8 lanes: x = m·2^e with m in [√½, √2), log m = 2·atanh(s) with
/// s = (m − 1)/(m + 1), |s| ≤ 0.172, by its odd series up to s⁹ (truncation < 1e-9).
/// Measured relative error < 2e-7. Subnormals are scaled by 2^23 first. log 0 = −inf, log of a negative number is NaN,
/// log inf = inf, NaN stays NaN.
@inline(__always)
func log8(_ x: Vec8) -> Vec8 {
  let isSubnormal = x .< Vec8(repeating: .leastNormalMagnitude)
  let scaled = x.replacing(with: x * 8_388_608, where: isSubnormal)
  let bits = unsafeBitCast(scaled, to: SIMD8<Int32>.self)
  let mantissa = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: Vec8.self)  // [1, 2)
  let exponentBits = ((bits &>> 23) & 0xFF) &- 127
  // Int32 → Float with the magic-number trick (exact for |e| < 2^22).
  var e = unsafeBitCast(exponentBits &+ 0x4B40_0000, to: Vec8.self) - 12_582_912
  e = e.replacing(with: e - 23, where: isSubnormal)
  let high = mantissa .> Vec8(repeating: 1.414_213_56)
  let m = mantissa.replacing(with: mantissa * 0.5, where: high)
  e = e.replacing(with: e + 1, where: high)
  let s = (m - 1) / (m + 1)
  let s2 = s * s
  var p = Vec8(repeating: 2.0 / 7).addingProduct(Vec8(repeating: 2.0 / 9), s2)
  p = Vec8(repeating: 2.0 / 5).addingProduct(p, s2)
  p = Vec8(repeating: 2.0 / 3).addingProduct(p, s2)
  p = Vec8(repeating: 2).addingProduct(p, s2)
  let logM = s * p
  var result = (e * 0.693_145_751_953_125) + logM.addingProduct(e, Vec8(repeating: 1.428_606_765_330_187e-6))
  result.replace(with: Vec8(repeating: -.infinity), where: x .== Vec8(repeating: 0))
  result.replace(with: Vec8(repeating: .nan), where: x .< Vec8(repeating: 0))
  result.replace(with: x, where: (x .== Vec8(repeating: .infinity)) .| (x .!= x))
  return result
}

/// tanh(x) for 8 lanes, relative error < 2e-7 (measured): an odd Taylor polynomial up to x⁹ for
/// |x| < 0.25 (truncation < 1e-8), else sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|), where
/// 1 − e ≥ 0.39 keeps the cancellation small. Large |x| gives ±1; NaN stays NaN.
@inline(__always)
func tanh8(_ x: Vec8) -> Vec8 {
  let magnitude = x.replacing(with: -x, where: x .< Vec8(repeating: 0))
  let e = exp8(Vec8(repeating: -2) * magnitude)
  var large = (Vec8(repeating: 1) - e) / (Vec8(repeating: 1) + e)
  large.replace(with: -large, where: x .< Vec8(repeating: 0))
  let x2 = x * x
  var p = Vec8(repeating: -17.0 / 315).addingProduct(Vec8(repeating: 62.0 / 2835), x2)
  p = Vec8(repeating: 2.0 / 15).addingProduct(p, x2)
  p = Vec8(repeating: -1.0 / 3).addingProduct(p, x2)
  let small = x.addingProduct(x * x2, p)
  return large.replacing(with: small, where: magnitude .< Vec8(repeating: 0.25))
}

/// Scalar twin of `exp8` for loop tails, so a row gives the same values whatever its length.
@inline(__always)
func exp1(_ x: Float) -> Float {
  exp8(Vec8(repeating: x))[0]
}

/// Raw pointers are not Sendable; the two halves of a split write disjoint ranges.
struct SendablePointers: @unchecked Sendable {
  let a: UnsafePointer<Float>
  let b: UnsafePointer<Float>
  let out: UnsafeMutablePointer<Float>
}

/// Element counts from which the simple streaming kernels split work over two threads.
let parallelThreshold = 1 << 18

/// Runs `body(start, end)` over 0..<count, in two halves on two threads when count is large.
/// Halves are multiples of 8 so each thread's SIMD loop covers whole vectors.
@inline(__always)
func splitInTwo(_ count: Int, _ body: (Int, Int) -> Void) {
  if count < parallelThreshold {
    body(0, count)
    return
  }
  let half = (count / 2) & ~7
  withoutActuallyEscaping(body) { body in
    let box = UncheckedBox(body)
    DispatchQueue.concurrentPerform(iterations: 2) { part in
      if part == 0 { box.value(0, half) } else { box.value(half, count) }
    }
  }
}

struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
