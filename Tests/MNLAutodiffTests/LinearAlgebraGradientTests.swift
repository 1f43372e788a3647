import MNLAutodiff
import MNLTensor
import Testing

@Suite struct LinearAlgebraGradientTests {
  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func matmulTransposes(transposeA: Bool, transposeB: Bool) throws {
    var random = TestRandom(seed: 31)
    let a = random.tensor(transposeA ? [4, 3] : [3, 4])
    let b = random.tensor(transposeB ? [5, 4] : [4, 5])
    try checkGradients(at: [a, b]) { v in
      try matmul(v[0], v[1], transposeA: transposeA, transposeB: transposeB)
    }
  }

  @Test func matmulWithConstantOperandRecordsOnlyWhatIsNeeded() throws {
    var random = TestRandom(seed: 32)
    let data = random.tensor([6, 4])
    try checkGradients(at: [random.tensor([4, 2])]) { v in
      try matmul(Variable(constant: data), v[0])
    }
  }

  @Test(arguments: [false, true])
  func linearLayer(relu: Bool) throws {
    var random = TestRandom(seed: 33)
    // Pick inputs whose pre-activations stay clear of ReLU's kink at 0.
    var points: [Tensor] = []
    for _ in 0..<50 {
      points = [random.tensor([5, 4]), random.tensor([4, 3]), random.tensor([3])]
      let z = try matmul(points[0], points[1]) + points[2]
      if z.values.allSatisfy({ abs($0) > 0.1 }) { break }
    }
    try checkGradients(at: points) { v in try linear(v[0], v[1], v[2], relu: relu) }
    try checkGradients(at: Array(points[0..<2])) { v in try linear(v[0], v[1], nil, relu: relu) }
  }

  @Test func linearMatchesComposedOps() throws {
    var random = TestRandom(seed: 34)
    let points = [random.tensor([8, 6]), random.tensor([6, 5]), random.tensor([5])]
    let weights = random.tensor([8, 5])
    func loss(_ y: Variable) throws -> Variable {
      try reduce(.sum, binary(.multiply, y, Variable(constant: weights)), axes: nil, keepDims: false)
    }
    let fused = try valueAndGradients(at: points) { v in
      try loss(linear(v[0], v[1], v[2], relu: true))
    }
    let composed = try valueAndGradients(at: points) { v in
      try loss(unary(.relu, binary(.add, matmul(v[0], v[1]), v[2])))
    }
    for (f, c) in zip(fused.gradients, composed.gradients) {
      expectClose(f, c.values, shape: c.shape)
    }
  }

  @Test func linearWithConstantInputRecordsOneOp() throws {
    let tape = Tape()
    let w = tape.variable(Tensor(shape: [4, 3], repeating: 0.1))
    let x = Variable(constant: Tensor(shape: [2, 4], repeating: 1))
    let y = try linear(x, w, nil, relu: true)
    #expect(tape.recordCount == 1)
    let grads = try gradients(
      of: reduce(.sum, y, axes: nil, keepDims: false), withRespectTo: [w, x])
    expectClose(grads[0], [Float](repeating: 2, count: 12))
    expectClose(grads[1], [Float](repeating: 0, count: 8), shape: [2, 4])
  }
}
