/// Reproducible floats in [-1, 1) (SplitMix64), and sparse vectors of them, for the
/// convolution kernel tests.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func bits() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func next() -> Float { Float(bits() >> 40) / Float(1 << 23) - 1 }
  mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
  /// Each entry nonzero with probability `density` (exactly none at 0, all at 1).
  mutating func sparse(_ count: Int, density: Double) -> [Float] {
    (0..<count).map { _ in
      let keep = Double(bits() >> 11) / Double(1 << 53) < density
      let v = next()
      return keep ? (v == 0 ? 0.5 : v) : 0
    }
  }
}
