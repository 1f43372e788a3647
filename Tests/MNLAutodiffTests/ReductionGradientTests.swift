import MNLAutodiff
import MNLTensor
import Testing

let reductionAxes: [[Int]?] = [nil, [0], [1], [-1], [0, 2], [2, 0, 1]]

@Suite struct ReductionGradientTests {
  @Test(arguments: [ReductionOp.sum, .mean, .max, .min])
  func overAxes(op: ReductionOp) throws {
    var random = TestRandom(seed: 21)
    for axes in reductionAxes {
      for keepDims in [false, true] {
        try checkGradients(at: [random.distinct([2, 3, 4])]) { v in
          try reduce(op, v[0], axes: axes, keepDims: keepDims)
        }
      }
    }
  }

  @Test(arguments: [ReductionOp.sum, .mean, .max, .min])
  func awkwardShapes(op: ReductionOp) throws {
    var random = TestRandom(seed: 22)
    try checkGradients(at: [random.distinct([1, 5, 1])]) { v in
      try reduce(op, v[0], axes: [1], keepDims: false)
    }
    try checkGradients(at: [random.distinct([7])]) { v in
      try reduce(op, v[0], axes: nil, keepDims: true)
    }
    try checkGradients(at: [random.distinct([])]) { v in
      try reduce(op, v[0], axes: nil, keepDims: false)
    }
  }

  @Test func maxSharesGradientAmongTies() throws {
    let x = try Tensor(shape: [2, 3], values: [1, 3, 3, 5, 2, 5])
    let (_, grads) = try valueAndGradients(at: [x]) { v in
      try reduce(.sum, reduce(.max, v[0], axes: [1], keepDims: false), axes: nil, keepDims: false)
    }
    expectClose(grads[0], [0, 0.5, 0.5, 0.5, 0, 0.5])
  }

  @Test func meanGradientIsOneOverCount() throws {
    let (_, grads) = try valueAndGradients(at: [Tensor(shape: [4, 5], repeating: 2)]) { v in
      try reduce(.mean, v[0], axes: nil, keepDims: false)
    }
    expectClose(grads[0], [Float](repeating: 0.05, count: 20))
  }

  @Test func l2Loss() throws {
    var random = TestRandom(seed: 23)
    try checkGradients(at: [random.tensor([5, 3])]) { v in try MNLAutodiff.l2Loss(v[0]) }
    let x = try Tensor(shape: [3], values: [1, -2, 3])
    let (value, grads) = try valueAndGradients(at: [x]) { v in try MNLAutodiff.l2Loss(v[0]) }
    expectClose(value, [7])
    expectClose(grads[0], [1, -2, 3])
  }
}
