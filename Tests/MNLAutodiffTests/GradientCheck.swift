import MNLAutodiff
import MNLTensor
import Testing

/// Deterministic pseudo-random numbers for test inputs (SplitMix64).
struct TestRandom {
  private var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [low, high).
  mutating func uniform(_ low: Float, _ high: Float) -> Float {
    low + (high - low) * Float(next() >> 40) / Float(1 << 24)
  }

  /// Uniform values in [low, high).
  mutating func tensor(_ shape: [Int], _ low: Float = -1, _ high: Float = 1) -> Tensor {
    let values = (0..<shapeCount(shape)).map { _ in uniform(low, high) }
    return (try? Tensor(shape: shape, values: values)) ?? Tensor(shape: shape, repeating: 0)
  }

  /// Values of magnitude in [0.2, 1.2) with random signs: far (in finite-difference terms)
  /// from the kinks of relu, abs and sign at 0.
  mutating func awayFromZero(_ shape: [Int]) -> Tensor {
    let values = (0..<shapeCount(shape)).map { _ in
      (next() & 1 == 0 ? 1 : -1) * uniform(0.2, 1.2)
    }
    return (try? Tensor(shape: shape, values: values)) ?? Tensor(shape: shape, repeating: 0)
  }

  /// Values on the grid k·0.1 + offset (k in -10..<10): two such tensors with offsets that
  /// differ by 0.05 never come closer than 0.05, so maximum/minimum have no ties nearby.
  mutating func grid(_ shape: [Int], offset: Float) -> Tensor {
    let values = (0..<shapeCount(shape)).map { _ in Float(Int(next() % 20) - 10) * 0.1 + offset }
    return (try? Tensor(shape: shape, values: values)) ?? Tensor(shape: shape, repeating: 0)
  }

  /// A permutation of distinct, well-separated values (no ties for max/min).
  mutating func distinct(_ shape: [Int]) -> Tensor {
    var values = (0..<shapeCount(shape)).map { Float($0) * 0.15 - 1 }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
      values.swapAt(i, Int(next() % UInt64(i + 1)))
    }
    return (try? Tensor(shape: shape, values: values)) ?? Tensor(shape: shape, repeating: 0)
  }
}

/// Checks the gradients that autodiff computes for `function` at `points` against central
/// finite differences. A non-scalar output is first projected onto fixed random weights, so
/// every output element (and a wrong sign or scale anywhere) shows in the check.
/// The finite differences are taken in Float32 with step `step` and accumulated in Double;
/// inputs should be well scaled (magnitudes near 1) and away from kinks. An element passes
/// when |autodiff − finite difference| ≤ tolerance · (|finite difference| + 0.1).
func checkGradients(
  at points: [Tensor], step: Float = 1e-2, tolerance: Float = 1e-2,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ function: @escaping ([Variable]) throws -> Variable
) throws {
  let probe = try function(points.map { Variable(constant: $0) }).value
  var random = TestRandom(seed: 7)
  let weights = random.tensor(probe.shape, 0.5, 1.5)
  let projected: ([Variable]) throws -> Variable = { variables in
    let output = try function(variables)
    let weighted = try binary(.multiply, output, Variable(constant: weights))
    return try reduce(.sum, weighted, axes: nil, keepDims: false)
  }
  func numericValue(_ inputs: [Tensor]) throws -> Double {
    let output = try function(inputs.map { Variable(constant: $0) }).value
    return zip(output.values, weights.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
  }

  let (_, analytic) = try valueAndGradients(at: points, of: projected)
  #expect(analytic.count == points.count, sourceLocation: sourceLocation)
  for (i, point) in points.enumerated() where i < analytic.count {
    #expect(analytic[i].shape == point.shape, "gradient \(i) shape", sourceLocation: sourceLocation)
    let gradientValues = analytic[i].values
    for j in 0..<point.count where j < gradientValues.count {
      var inputs = points
      inputs[i].withUnsafeMutableBufferPointer { $0[j] += step }
      let up = try numericValue(inputs)
      inputs[i].withUnsafeMutableBufferPointer { $0[j] -= 2 * step }
      let down = try numericValue(inputs)
      let numeric = Float((up - down) / Double(2 * step))
      let error = abs(gradientValues[j] - numeric)
      #expect(
        error <= tolerance * (abs(numeric) + 0.1),
        "input \(i) element \(j): autodiff \(gradientValues[j]), finite difference \(numeric)",
        sourceLocation: sourceLocation)
    }
  }
}

/// Elementwise comparison with an absolute-plus-relative tolerance.
func expectClose(
  _ actual: Tensor, _ expected: [Float], shape: [Int]? = nil, tolerance: Float = 1e-5,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  if let shape { #expect(actual.shape == shape, sourceLocation: sourceLocation) }
  #expect(actual.count == expected.count, sourceLocation: sourceLocation)
  for (a, e) in zip(actual.values, expected) {
    #expect(abs(a - e) <= tolerance * max(1, abs(e)), "\(a) vs \(e)", sourceLocation: sourceLocation)
  }
}
