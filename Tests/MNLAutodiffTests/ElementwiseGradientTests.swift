import MNLAutodiff
import MNLTensor
import Testing

/// Broadcasting patterns (left shape, right shape): same shape, scalar, row, column, and an
/// awkward one where both sides broadcast.
let broadcastPatterns: [([Int], [Int])] = [
  ([3, 4], [3, 4]), ([3, 4], []), ([], [3, 4]), ([3, 4], [4]), ([3, 1], [3, 4]),
  ([2, 1, 4], [3, 1]), ([1], [2, 3]),
]

@Suite struct ElementwiseGradientTests {
  @Test(arguments: [BinaryOp.add, .subtract, .multiply])
  func arithmetic(op: BinaryOp) throws {
    var random = TestRandom(seed: 11)
    for (left, right) in broadcastPatterns {
      try checkGradients(at: [random.tensor(left), random.tensor(right)]) { v in
        try binary(op, v[0], v[1])
      }
    }
  }

  @Test func divide() throws {
    var random = TestRandom(seed: 12)
    for (left, right) in broadcastPatterns {
      try checkGradients(at: [random.tensor(left), random.tensor(right, 0.6, 1.6)]) { v in
        try binary(.divide, v[0], v[1])
      }
    }
  }

  @Test func power() throws {
    var random = TestRandom(seed: 13)
    for (left, right) in broadcastPatterns {
      try checkGradients(at: [random.tensor(left, 0.5, 1.5), random.tensor(right, -1, 2)]) { v in
        try binary(.power, v[0], v[1])
      }
    }
  }

  @Test func powerWithZeroExponentAndBaseIsFinite() throws {
    let (_, grads) = try valueAndGradients(at: [Tensor(scalar: 0), Tensor(scalar: 0)]) { v in
      try binary(.power, v[0], v[1])
    }
    #expect(grads.allSatisfy { $0.values.allSatisfy(\.isFinite) })
  }

  @Test(arguments: [BinaryOp.maximum, .minimum])
  func extremes(op: BinaryOp) throws {
    var random = TestRandom(seed: 14)
    for (left, right) in broadcastPatterns {
      try checkGradients(
        at: [random.grid(left, offset: 0.03), random.grid(right, offset: 0.08)]
      ) { v in try binary(op, v[0], v[1]) }
    }
  }

  @Test func maximumSplitsTiesEqually() throws {
    let x = try Tensor(shape: [3], values: [1, 2, 3])
    let y = try Tensor(shape: [3], values: [2, 2, 2])
    let (_, grads) = try valueAndGradients(at: [x, y]) { v in
      try reduce(.sum, binary(.maximum, v[0], v[1]), axes: nil, keepDims: false)
    }
    expectClose(grads[0], [0, 0.5, 1])
    expectClose(grads[1], [1, 0.5, 0])
  }

  @Test func comparisonsAreConstants() throws {
    let tape = Tape()
    let x = tape.variable(Tensor(shape: [3], repeating: 1))
    let y = try binary(.less, x, Variable(constant: Tensor(scalar: 2)))
    #expect(!y.requiresGradient)
    #expect(tape.recordCount == 0)
    expectClose(y.value, [1, 1, 1])
  }

  @Test(arguments: [UnaryOp.negate, .exp, .tanh, .sigmoid, .square, .abs, .relu])
  func unaryOnSignedInputs(op: UnaryOp) throws {
    var random = TestRandom(seed: 15)
    try checkGradients(at: [random.awayFromZero([3, 5])]) { v in try unary(op, v[0]) }
    try checkGradients(at: [random.awayFromZero([])]) { v in try unary(op, v[0]) }
  }

  @Test(arguments: [UnaryOp.log, .sqrt, .reciprocal])
  func unaryOnPositiveInputs(op: UnaryOp) throws {
    var random = TestRandom(seed: 16)
    try checkGradients(at: [random.tensor([4, 3], 0.5, 2)]) { v in try unary(op, v[0]) }
  }

  @Test(arguments: [UnaryOp.sign, .floor])
  func piecewiseConstantOpsAreConstants(op: UnaryOp) throws {
    let tape = Tape()
    let x = tape.variable(Tensor(shape: [2], repeating: 1.5))
    let y = try unary(op, x)
    #expect(!y.requiresGradient)
    #expect(tape.recordCount == 0)
  }

  @Test func reluGradientIsMask() throws {
    let x = try Tensor(shape: [4], values: [-2, -0.5, 0.5, 3])
    let (_, grads) = try valueAndGradients(at: [x]) { v in
      try reduce(.sum, unary(.relu, v[0]), axes: nil, keepDims: false)
    }
    expectClose(grads[0], [0, 0, 1, 1])
  }

  @Test func whereSelectWithBroadcasting() throws {
    var random = TestRandom(seed: 17)
    let condition = try Tensor(shape: [3, 1], values: [1, 0, 1])
    try checkGradients(at: [random.tensor([3, 4]), random.tensor([4])]) { v in
      try whereSelect(Variable(constant: condition), v[0], v[1])
    }
    let (_, grads) = try valueAndGradients(at: [Tensor(shape: [3, 2], repeating: 5), Tensor(scalar: 7)]) { v in
      try reduce(.sum, whereSelect(Variable(constant: condition), v[0], v[1]), axes: nil, keepDims: false)
    }
    expectClose(grads[0], [1, 1, 0, 0, 1, 1])
    expectClose(grads[1], [2])
  }
}
