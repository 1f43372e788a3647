/// MNLRandom: the deterministic pseudo-random generator behind weight initialisation and
/// shuffling, so one seed reproduces a whole run.
#if canImport(Glibc)
  import Glibc
#endif

/// xoshiro256** (Blackman & Vigna, 2018): 256 bits of state, period 2^256 − 1, passes BigCrush.
/// The state is seeded from one UInt64 by four steps of splitmix64, so every seed (including 0)
/// gives a well-mixed, non-zero state. All derived draws are pure functions of the state:
/// - `nextFloat()`: the top 24 bits of `next()` times 2^-24, uniform in [0, 1).
/// - `nextNormal()`: Box–Muller on two 53-bit uniforms (u1 in (0, 1]), in Double; it produces
///   pairs, and the second of each pair is kept for the following call.
/// - `next(below:)`: Lemire's multiply-and-reject method, unbiased.
/// The sequence for a seed is fixed by this file, independent of the Swift standard library.
public struct MNLRandom: RandomNumberGenerator, Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64
  private var spareNormal: Double?

  public init(seed: UInt64) {
    var x = seed
    func splitmix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitmix()
    s1 = splitmix()
    s2 = splitmix()
    s3 = splitmix()
  }

  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  @inline(__always)
  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// Uniform in [0, 1), multiples of 2^-24.
  public mutating func nextFloat() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// Uniform in [0, 1), multiples of 2^-53.
  public mutating func nextDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A standard normal draw (mean 0, standard deviation 1).
  public mutating func nextNormal() -> Float {
    if let spare = spareNormal {
      spareNormal = nil
      return Float(spare)
    }
    let u1 = 1 - nextDouble()  // (0, 1]: log is finite
    let u2 = nextDouble()
    let radius = (-2 * log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    spareNormal = radius * sin(angle)
    return Float(radius * cos(angle))
  }

  /// Uniform integer in 0..<bound, without modulo bias; 0 when bound ≤ 1.
  public mutating func next(below bound: Int) -> Int {
    guard bound > 1 else { return 0 }
    let n = UInt64(bound)
    var product = next().multipliedFullWidth(by: n)
    if product.low < n {
      let threshold = (0 &- n) % n
      while product.low < threshold { product = next().multipliedFullWidth(by: n) }
    }
    return Int(product.high)
  }

  /// A uniformly random ordering of 0..<n (Fisher–Yates, drawing with `next(below:)`).
  public mutating func permutation(_ n: Int) -> [Int] {
    var order = Array(0..<max(n, 0))
    var i = order.count - 1
    while i > 0 {
      let j = next(below: i + 1)
      order.swapAt(i, j)
      i -= 1
    }
    return order
  }
}
