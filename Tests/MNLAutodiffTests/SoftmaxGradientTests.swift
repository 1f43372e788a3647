import MNLAutodiff
import MNLTensor
import Testing

@Suite struct SoftmaxGradientTests {
  @Test(arguments: [0, 1, -1])
  func softmaxAlongAxis(axis: Int) throws {
    var random = TestRandom(seed: 41)
    try checkGradients(at: [random.tensor([3, 4], -2, 2)]) { v in try softmax(v[0], axis: axis) }
  }

  @Test(arguments: [0, 1, -1])
  func logSoftmaxAlongAxis(axis: Int) throws {
    var random = TestRandom(seed: 42)
    try checkGradients(at: [random.tensor([3, 4], -2, 2)]) { v in
      try logSoftmax(v[0], axis: axis)
    }
  }

  @Test func softmaxOfThreeDimensions() throws {
    var random = TestRandom(seed: 43)
    try checkGradients(at: [random.tensor([2, 3, 4], -2, 2)]) { v in try softmax(v[0], axis: 1) }
  }

  @Test func sparseCrossEntropy() throws {
    var random = TestRandom(seed: 44)
    let labels = try Tensor(shape: [5], values: [0, 3, 3, 1, 2], dtype: .int32)
    try checkGradients(at: [random.tensor([5, 4], -2, 2)]) { v in
      try sparseSoftmaxCrossEntropy(logits: v[0], labels: Variable(constant: labels))
    }
  }

  @Test func sparseCrossEntropyGradientIsSoftmaxMinusOneHot() throws {
    let logits = Tensor(shape: [2, 4], repeating: 0)
    let labels = try Tensor(shape: [2], values: [1, 3], dtype: .int32)
    let (value, grads) = try valueAndGradients(at: [logits]) { v in
      try reduce(
        .sum, sparseSoftmaxCrossEntropy(logits: v[0], labels: Variable(constant: labels)),
        axes: nil, keepDims: false)
    }
    expectClose(value, [2 * 1.3862944])  // 2 · log 4
    expectClose(grads[0], [0.25, -0.75, 0.25, 0.25, 0.25, 0.25, 0.25, -0.75])
  }
}
