import MNLAutodiff
import MNLTensor
import Testing

@Suite struct TapeTests {
  @Test func nonScalarOutputIsAnError() throws {
    let tape = Tape()
    let x = tape.variable(Tensor(shape: [2, 2], repeating: 1))
    let y = try unary(.exp, x)
    #expect(throws: TensorError.self) { try gradients(of: y, withRespectTo: [x]) }
    do {
      _ = try gradients(of: y, withRespectTo: [x])
    } catch let error as TensorError {
      #expect(error.message.contains("scalar"))
      #expect(error.message.contains("[2, 2]"))
    }
  }

  @Test func singleElementOutputOfAnyRankIsAccepted() throws {
    let (_, grads) = try valueAndGradients(at: [Tensor(shape: [1, 1], repeating: 3)]) { v in
      try binary(.multiply, v[0], v[0])
    }
    expectClose(grads[0], [6], shape: [1, 1])
  }

  @Test func unreachedInputsGetZeros() throws {
    let tape = Tape()
    let x = tape.variable(Tensor(shape: [2], repeating: 1))
    let unused = tape.variable(Tensor(shape: [3, 2], repeating: 1))
    let constant = Variable(constant: Tensor(shape: [4], repeating: 1))
    let y = try reduce(.sum, x, axes: nil, keepDims: false)
    let grads = try gradients(of: y, withRespectTo: [x, unused, constant])
    expectClose(grads[0], [1, 1])
    expectClose(grads[1], [Float](repeating: 0, count: 6), shape: [3, 2])
    expectClose(grads[2], [0, 0, 0, 0], shape: [4])
  }

  @Test func outputThatIsALeaf() throws {
    let (_, grads) = try valueAndGradients(at: [Tensor(scalar: 4)]) { v in v[0] }
    expectClose(grads[0], [1])
  }

  @Test func constantOutputGivesZeros() throws {
    let (_, grads) = try valueAndGradients(at: [Tensor(shape: [2], repeating: 1)]) { _ in
      Variable(constant: Tensor(scalar: 5))
    }
    expectClose(grads[0], [0, 0])
  }

  @Test func opsOnConstantsAreNotRecorded() throws {
    let tape = Tape()
    let w = tape.variable(Tensor(shape: [3], repeating: 1))
    let data = Variable(constant: Tensor(shape: [3], repeating: 2))
    let scaled = try unary(.exp, binary(.multiply, data, data))
    #expect(!scaled.requiresGradient)
    #expect(tape.recordCount == 0)
    _ = try binary(.add, w, scaled)
    #expect(tape.recordCount == 1)
  }

  @Test func tapeIsUsedOnceAndReleasesItsRecords() throws {
    let tape = Tape()
    let x = tape.variable(Tensor(shape: [2], repeating: 1))
    let y = try reduce(.sum, unary(.exp, x), axes: nil, keepDims: false)
    _ = try gradients(of: y, withRespectTo: [x])
    #expect(tape.recordCount == 0)
    #expect(throws: TensorError.self) { try gradients(of: y, withRespectTo: [x]) }
    // Values of a finished tape act as constants.
    let later = try unary(.exp, x)
    #expect(!later.requiresGradient)
    #expect(tape.recordCount == 0)
  }

  @Test func tapeIsFreedWhenItsValuesAreGone() throws {
    weak var released: Tape?
    do {
      let tape = Tape()
      released = tape
      let x = tape.variable(Tensor(shape: [3], repeating: 1))
      let y = try reduce(.sum, binary(.multiply, unary(.tanh, x), x), axes: nil, keepDims: false)
      _ = try gradients(of: y, withRespectTo: [x])
    }
    #expect(released == nil)
  }

  @Test func parametersAreNotSharedAfterGradients() throws {
    var weight = Tensor(shape: [4, 3], repeating: 0.5)
    let input = Tensor(shape: [2, 4], repeating: 1)
    let tape = Tape()
    var grads: [Tensor] = []
    do {
      let leaf = tape.variable(weight)
      let loss = try l2Loss(linear(Variable(constant: input), leaf, nil, relu: true))
      grads = try gradients(of: loss, withRespectTo: [leaf])
    }
    // The variables are gone and the finished tape (still alive) holds nothing of the weight,
    // so the update happens in place.
    try withExtendedLifetime(tape) {
      let before = weight.storage.pointer
      try weight.addScaled(grads[0], scale: -0.1)
      #expect(weight.storage.pointer == before)
    }
  }

  @Test func nestedTapesGiveSecondDerivatives() throws {
    let outer = Tape()
    let x = outer.variable(Tensor(scalar: 2))
    let inner = Tape()
    let y = inner.variable(watching: x)
    let cube = try binary(.multiply, binary(.multiply, y, y), y)
    // d(y³)/dy = 3y² = 12, itself recorded on the outer tape ...
    let slope = try gradientVariables(of: cube, withRespectTo: [y])[0]
    expectClose(slope.value, [12])
    #expect(slope.requiresGradient)
    // ... so it can be differentiated again: d(3x²)/dx = 6x = 12.
    expectClose(try gradients(of: slope, withRespectTo: [x])[0], [12])
  }

  @Test func opsMixingTwoTapesAreRecordedOnBoth() throws {
    let first = Tape()
    let second = Tape()
    let a = first.variable(Tensor(scalar: 1))
    let b = second.variable(Tensor(scalar: 2))
    let product = try binary(.multiply, a, b)
    #expect(first.recordCount == 1)
    #expect(second.recordCount == 1)
    expectClose(try gradients(of: product, withRespectTo: [b])[0], [1])
    // The second tape is finished; the first still differentiates the same product.
    expectClose(try gradients(of: product, withRespectTo: [a])[0], [2])
  }

  @Test func gradientOfIntermediateValue() throws {
    let tape = Tape()
    let x = tape.variable(Tensor(shape: [2], repeating: 0.5))
    let h = try binary(.multiply, x, Variable(constant: Tensor(scalar: 3)))
    let y = try reduce(.sum, unary(.square, h), axes: nil, keepDims: false)
    let grads = try gradients(of: y, withRespectTo: [h, x])
    expectClose(grads[0], [3, 3])  // 2h
    expectClose(grads[1], [9, 9])  // 2h · 3
  }
}
