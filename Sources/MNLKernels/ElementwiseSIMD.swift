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

/// exp(x) for 8 lanes: x = n·ln2 + r with |r| ≤ ln2/2, exp(r) by a degree-7 Taylor polynomial
/// (relative error ≈ 2 ulp), scaled by 2^n built in the exponent bits. Inputs below −87.34
/// give 0 (no subnormals), above 88.72 give +inf; NaN stays NaN.
@inline(__always)
func exp8(_ x: Vec8) -> Vec8 {
  let log2e: Float = 1.442_695_04
  let ln2Hi: Float = 0.693_145_751_953_125
  let ln2Lo: Float = 1.428_606_765_330_187e-6
  let clamped = x.clamped(lowerBound: Vec8(repeating: -87.5), upperBound: Vec8(repeating: 88.75))
  var n = (clamped * log2e).rounded(.toNearestOrEven)
  n = n.clamped(lowerBound: Vec8(repeating: -126), upperBound: Vec8(repeating: 127))
  var r = clamped.addingProduct(n, Vec8(repeating: -ln2Hi))
  r = r.addingProduct(n, Vec8(repeating: -ln2Lo))
  // Horner form of 1 + r + r²/2! + … + r⁷/7!, one FMA per degree.
  var p = Vec8(repeating: 1.0 / 720).addingProduct(Vec8(repeating: 1.0 / 5040), r)
  p = Vec8(repeating: 1.0 / 120).addingProduct(p, r)
  p = Vec8(repeating: 1.0 / 24).addingProduct(p, r)
  p = Vec8(repeating: 1.0 / 6).addingProduct(p, r)
  p = Vec8(repeating: 0.5).addingProduct(p, r)
  p = Vec8(repeating: 1).addingProduct(p, r)
  p = Vec8(repeating: 1).addingProduct(p, r)
  let bits = (SIMD8<Int32>(n) &+ 127) &<< 23
  var result = p * unsafeBitCast(bits, to: Vec8.self)
  result.replace(with: 0, where: x .< -87.336_54)
  result.replace(with: .infinity, where: x .> 88.722_83)
  result.replace(with: x, where: x .!= x)
  return result
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
