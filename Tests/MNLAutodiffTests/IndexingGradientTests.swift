import MNLAutodiff
import MNLTensor
import Testing

@Suite struct IndexingGradientTests {
  static let indexExpressions: [[IndexSpec]] = [
    [.index(1)],
    [.all, .index(-1)],
    [.range(start: 1, end: nil, step: nil)],
    [.range(start: nil, end: nil, step: -1), .range(start: 0, end: 4, step: 2)],
    [.newAxis, .index(2), .range(start: -3, end: nil, step: 1)],
    [.index(0), .index(3)],
  ]

  @Test(arguments: indexExpressions)
  func basicIndexing(specs: [IndexSpec]) throws {
    var random = TestRandom(seed: 71)
    try checkGradients(at: [random.tensor([3, 4])]) { v in try v[0].indexed(specs) }
  }

  @Test func indexingGradientIsZeroOutsideTheRegion() throws {
    let (_, grads) = try valueAndGradients(at: [Tensor(shape: [2, 3], repeating: 1)]) { v in
      try reduce(.sum, v[0].indexed([.all, .range(start: 1, end: nil, step: nil)]))
    }
    expectClose(grads[0], [0, 1, 1, 0, 1, 1])
  }

  @Test func assigningARegion() throws {
    var random = TestRandom(seed: 72)
    let specs: [IndexSpec] = [.range(start: 0, end: 2, step: nil), .index(1)]
    try checkGradients(at: [random.tensor([3, 4]), random.tensor([2])]) { v in
      try v[0].assigning(specs, v[1])
    }
    // A broadcast value collects the gradient of every position it fills.
    try checkGradients(at: [random.tensor([3, 4]), random.tensor([])]) { v in
      try v[0].assigning(specs, v[1])
    }
  }

  @Test func assigningLeavesTheOriginalUntouched() throws {
    let original = Tensor(shape: [2, 2], repeating: 1)
    let result = try Variable(constant: original).assigning(
      [.index(0)], Variable(constant: Tensor(scalar: 5)))
    expectClose(result.value, [5, 5, 1, 1])
    expectClose(original, [1, 1, 1, 1])
  }
}

@Suite struct MoreShapeGradientTests {
  @Test func squeezeAndExpand() throws {
    var random = TestRandom(seed: 73)
    try checkGradients(at: [random.tensor([2, 1, 3, 1])]) { v in try v[0].squeezed() }
    try checkGradients(at: [random.tensor([2, 1, 3])]) { v in try v[0].squeezed(axes: [1]) }
    try checkGradients(at: [random.tensor([2, 3])]) { v in try v[0].expandingDims(at: -1) }
  }

  @Test func varianceAndStandardDeviation() throws {
    var random = TestRandom(seed: 74)
    try checkGradients(at: [random.tensor([3, 4])]) { v in try variance(v[0], axes: [1]) }
    try checkGradients(at: [random.tensor([3, 4])]) { v in
      try standardDeviation(v[0], axes: [0], keepDims: true)
    }
    try checkGradients(at: [random.tensor([5])]) { v in try standardDeviation(v[0]) }
  }

  @Test func matmulWithVectors() throws {
    var random = TestRandom(seed: 75)
    try checkGradients(at: [random.tensor([4]), random.tensor([4, 3])]) { v in
      try matmul(v[0], v[1])
    }
    try checkGradients(at: [random.tensor([3, 4]), random.tensor([4])]) { v in
      try matmul(v[0], v[1])
    }
    try checkGradients(at: [random.tensor([4, 3]), random.tensor([4])]) { v in
      try matmul(v[0], v[1], transposeA: true)
    }
    try checkGradients(at: [random.tensor([4]), random.tensor([4])]) { v in
      try matmul(v[0], v[1])
    }
  }

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func batchedMatmul(transposeA: Bool, transposeB: Bool) throws {
    var random = TestRandom(seed: 76)
    let a3 = random.tensor(transposeA ? [2, 4, 3] : [2, 3, 4])
    let b3 = random.tensor(transposeB ? [2, 5, 4] : [2, 4, 5])
    let a2 = random.tensor(transposeA ? [4, 3] : [3, 4])
    let b2 = random.tensor(transposeB ? [5, 4] : [4, 5])
    for (a, b) in [(a3, b3), (a3, b2), (a2, b3)] {
      try checkGradients(at: [a, b]) { v in
        try matmul(v[0], v[1], transposeA: transposeA, transposeB: transposeB)
      }
    }
  }

  @Test func linearWithVectorInput() throws {
    var random = TestRandom(seed: 77)
    try checkGradients(at: [random.tensor([4]), random.tensor([4, 3]), random.tensor([3])]) { v in
      try linear(v[0], v[1], v[2], relu: false)
    }
  }
}
