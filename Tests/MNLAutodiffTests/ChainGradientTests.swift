@testable import MNLAutodiff
import MNLTensor
import Testing

/// The reference program's loss on a small two-layer network:
/// mean(xent(linear(relu(linear(x, w1, b1)), w2, b2), labels)) + rate · Σ l2Loss(w).
func mlpLoss(_ p: [Variable], images: Tensor, labels: Tensor, rate: Float) throws -> Variable {
  let hidden = try linear(Variable(constant: images), p[0], p[1], relu: true)
  let logits = try linear(hidden, p[2], p[3], relu: false)
  let crossEntropy = try sparseSoftmaxCrossEntropy(logits: logits, labels: Variable(constant: labels))
  let dataLoss = try reduce(.mean, crossEntropy, axes: nil, keepDims: false)
  let weightNorms = try binary(.add, l2Loss(p[0]), l2Loss(p[2]))
  let penalty = try binary(.multiply, weightNorms, Variable(constant: Tensor(scalar: rate)))
  return try binary(.add, dataLoss, penalty)
}

@Suite struct ChainGradientTests {
  let images: Tensor
  let labels: Tensor
  let parameters: [Tensor]

  init() throws {
    var random = TestRandom(seed: 61)
    images = random.tensor([6, 5], 0, 1)
    labels = try Tensor(shape: [6], values: [0, 1, 2, 3, 1, 0], dtype: .int32)
    parameters = [
      random.tensor([5, 7]), random.tensor([7], -0.1, 0.1),
      random.tensor([7, 4]), random.tensor([4], -0.1, 0.1),
    ]
  }

  @Test func twoLayerNetworkLoss() throws {
    let (images, labels) = (images, labels)
    // A step small enough not to cross ReLU kinks in the hidden layer.
    try checkGradients(at: parameters, step: 2e-3, tolerance: 2e-2) { p in
      try mlpLoss(p, images: images, labels: labels, rate: 0.1)
    }
  }

  @Test func gradientDescentLowersTheLoss() throws {
    let (images, labels) = (images, labels)
    var parameters = parameters
    var losses: [Float] = []
    for _ in 0..<30 {
      let (loss, grads) = try valueAndGradients(at: parameters) { p in
        try mlpLoss(p, images: images, labels: labels, rate: 1e-3)
      }
      losses.append(loss.scalarValue ?? .nan)
      for i in parameters.indices { try parameters[i].addScaled(grads[i], scale: -0.5) }
    }
    let first = losses.first ?? 0
    let last = losses.last ?? .nan
    #expect(last < 0.5 * first, "loss went from \(first) to \(last)")
  }

  @Test func networkRecordsOnlyParameterOps() throws {
    let tape = Tape()
    let leaves = parameters.map { tape.variable($0) }
    _ = try mlpLoss(leaves, images: images, labels: labels, rate: 0.1)
    // linear, linear, xent, mean, l2, l2, add, multiply, add — nothing for the data.
    #expect(tape.recordCount == 9)
  }

  @Test func weightGradientsAreSummedInPlace() throws {
    let tape = Tape()
    let leaves = parameters.map { tape.variable($0) }
    let loss = try mlpLoss(leaves, images: images, labels: labels, rate: 0.1)
    _ = try gradients(of: loss, withRespectTo: leaves)
    // Each weight's L2 term is added into its matmul gradient without copying it.
    #expect(tape.sumCopies == 0)
  }

  @Test func variableUsedTwiceAccumulates() throws {
    let x = try Tensor(shape: [3], values: [1, -2, 0.5])
    let (_, grads) = try valueAndGradients(at: [x]) { v in
      // Σ (x·x + x) → 2x + 1
      try reduce(.sum, binary(.add, binary(.multiply, v[0], v[0]), v[0]), axes: nil, keepDims: false)
    }
    expectClose(grads[0], [3, -3, 2])
  }

  @Test func diamondAccumulates() throws {
    var random = TestRandom(seed: 62)
    try checkGradients(at: [random.tensor([2, 3])]) { v in
      let a = try unary(.tanh, v[0])
      let b = try unary(.exp, a)
      let c = try binary(.multiply, a, b)
      return try binary(.subtract, c, reduce(.sum, a, axes: [1], keepDims: true))
    }
  }

  /// The L2 rule's deferred g·w contribution, alone and combined with others in each order.
  @Test func l2ContributionsCombineInEveryOrder() throws {
    let w = try Tensor(shape: [3], values: [1, -2, 3])
    func gradient(_ f: @escaping (Variable) throws -> Variable) throws -> Tensor {
      try valueAndGradients(at: [w]) { v in try f(v[0]) }.gradients[0]
    }
    func scaled(_ x: Variable, _ s: Float) throws -> Variable {
      try binary(.multiply, x, Variable(constant: Tensor(scalar: s)))
    }
    func sum(_ x: Variable) throws -> Variable { try reduce(.sum, x) }
    expectClose(try gradient { try l2Loss($0) }, [1, -2, 3])
    expectClose(try gradient { try scaled(l2Loss($0), 3) }, [3, -6, 9])
    expectClose(
      try gradient { try binary(.add, scaled(l2Loss($0), 2), scaled(l2Loss($0), 3)) },
      [5, -10, 15])
    expectClose(try gradient { try binary(.add, sum($0), l2Loss($0)) }, [2, -1, 4])
    expectClose(try gradient { try binary(.add, l2Loss($0), sum($0)) }, [2, -1, 4])
    expectClose(
      try gradient { x in
        try binary(.add, binary(.add, l2Loss(x), sum(x)), scaled(l2Loss(x), -1))
      }, [1, 1, 1])
    // The input itself is not changed by the in-place sums.
    expectClose(w, [1, -2, 3])
  }
}
