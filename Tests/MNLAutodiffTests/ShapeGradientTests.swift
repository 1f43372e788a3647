import MNLAutodiff
import MNLTensor
import Testing

@Suite struct ShapeGradientTests {
  @Test func reshape() throws {
    var random = TestRandom(seed: 51)
    try checkGradients(at: [random.tensor([2, 6])]) { v in try v[0].reshaped([3, -1]) }
    try checkGradients(at: [random.tensor([4])]) { v in try v[0].reshaped([2, 1, 2]) }
  }

  @Test func transpose() throws {
    var random = TestRandom(seed: 52)
    try checkGradients(at: [random.tensor([3, 5])]) { v in try v[0].transposed(nil) }
    try checkGradients(at: [random.tensor([2, 3, 4])]) { v in try v[0].transposed([1, 2, 0]) }
    try checkGradients(at: [random.tensor([2, 3, 4])]) { v in try v[0].transposed([2, 0, 1]) }
  }

  @Test func broadcastTo() throws {
    var random = TestRandom(seed: 53)
    try checkGradients(at: [random.tensor([3])]) { v in try v[0].broadcast(to: [2, 3]) }
    try checkGradients(at: [random.tensor([2, 1])]) { v in try v[0].broadcast(to: [4, 2, 3]) }
    try checkGradients(at: [random.tensor([])]) { v in try v[0].broadcast(to: [2, 2]) }
  }

  @Test func castToFloatPassesGradient() throws {
    var random = TestRandom(seed: 54)
    try checkGradients(at: [random.tensor([3])]) { v in try cast(v[0], to: .float32) }
    let tape = Tape()
    let toInteger = try cast(tape.variable(Tensor(shape: [2], repeating: 1.5)), to: .int32)
    #expect(!toInteger.requiresGradient)
  }

  @Test(arguments: [0, 1, -1])
  func concatAlongAxis(axis: Int) throws {
    var random = TestRandom(seed: 55)
    let shapes: [[Int]] = axis == 0 ? [[2, 3], [1, 3], [3, 3]] : [[2, 1], [2, 4], [2, 2]]
    try checkGradients(at: shapes.map { random.tensor($0) }) { v in try concat(v, axis: axis) }
  }

  @Test func concatWithConstantPart() throws {
    var random = TestRandom(seed: 56)
    let fixed = random.tensor([2, 2])
    try checkGradients(at: [random.tensor([2, 3])]) { v in
      try concat([Variable(constant: fixed), v[0]], axis: 1)
    }
  }

  @Test(arguments: [0, 1, 2, -1])
  func stackAlongAxis(axis: Int) throws {
    var random = TestRandom(seed: 57)
    try checkGradients(at: [random.tensor([2, 3]), random.tensor([2, 3])]) { v in
      try stack(v, axis: axis)
    }
  }

  @Test(arguments: [0, 1, -1])
  func takeWithRepeatedIndices(axis: Int) throws {
    var random = TestRandom(seed: 58)
    let indices = try Tensor(shape: [2, 2], values: [2, 0, 2, 2], dtype: .int32)
    try checkGradients(at: [random.tensor([3, 3])]) { v in
      try take(v[0], indices: Variable(constant: indices), axis: axis)
    }
  }

  @Test func takeScatterAddsRepeatedRows() throws {
    let table = Tensor(shape: [4, 2], repeating: 1)
    let indices = try Tensor(shape: [3], values: [3, 1, 3], dtype: .int32)
    let (_, grads) = try valueAndGradients(at: [table]) { v in
      try reduce(.sum, take(v[0], indices: Variable(constant: indices), axis: 0), axes: nil, keepDims: false)
    }
    expectClose(grads[0], [0, 0, 1, 1, 0, 0, 2, 2])
  }
}
