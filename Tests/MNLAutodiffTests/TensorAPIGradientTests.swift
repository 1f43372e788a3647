import MNLAutodiff
import MNLTensor
import Testing

/// Finite-difference checks of the Tensor API ops (sort, topk, scans, clip, composites,
/// einsum, batch-broadcast matmul, multi-axis reductions) at awkward sizes.
@Suite struct TensorAPIGradientTests {
  @Test(arguments: [0, 1, -1])
  func sortAndTopkFollowTheValues(axis: Int) throws {
    var random = TestRandom(seed: 81)
    let x = random.distinct([5, 7])
    try checkGradients(at: [x]) { v in try sort(v[0], axis: axis) }
    try checkGradients(at: [x]) { v in try sort(v[0], axis: axis, descending: true) }
    try checkGradients(at: [x]) { v in try topk(v[0], k: 3, axis: axis).values }
    try checkGradients(at: [random.distinct([3, 1, 4])]) { v in try sort(v[0], axis: nil) }
  }

  @Test(arguments: [0, 1, 2])
  func cumsumAlongEachAxis(axis: Int) throws {
    var random = TestRandom(seed: 82)
    try checkGradients(at: [random.tensor([3, 7, 2])]) { v in try cumsum(v[0], axis: axis) }
    try checkGradients(at: [random.tensor([3, 7, 2])]) { v in try cumsum(v[0], axis: axis, reverse: true) }
  }

  @Test func cumsumFlattenedAndSecondOrder() throws {
    var random = TestRandom(seed: 83)
    try checkGradients(at: [random.tensor([5, 3])]) { v in try cumsum(v[0], axis: nil) }
    // d/dx of Σ g·cumsum(x)² nests through the reverse scan.
    try checkGradients(at: [random.tensor([9])]) { v in
      try cumsum(binary(.multiply, cumsum(v[0], axis: 0), v[0]), axis: 0)
    }
  }

  @Test func cumprodWithAndWithoutZeros() throws {
    var random = TestRandom(seed: 84)
    try checkGradients(at: [random.awayFromZero([4, 6])]) { v in try cumprod(v[0], axis: 1) }
    try checkGradients(at: [random.awayFromZero([17])]) { v in try cumprod(v[0], axis: nil) }
    // cumprod is multilinear, so central differences are exact even across zeros.
    for values: [Float] in [[0.5, 0, 1.5, -1, 0], [0, 1.2, 0.7], [1.1, 0.9, 0], [0, 0, 2]] {
      let x = try Tensor(shape: [values.count], values: values)
      try checkGradients(at: [x]) { v in try cumprod(v[0], axis: 0) }
    }
    let zeros = try Tensor(shape: [2, 3], values: [1, 0, 2, 0.5, 3, 0])
    try checkGradients(at: [zeros]) { v in try cumprod(v[0], axis: 1) }
  }

  @Test func cumprodSecondDerivativeAtAZeroIsAnError() throws {
    let x = try Tensor(shape: [3], values: [2, 0, 3])
    #expect(throws: TensorError.self) {
      _ = try valueAndGradients(at: [x]) { v in
        let (_, inner) = try innerGradient(v[0]) { try reduce(.sum, cumprod($0, axis: 0)) }
        return try reduce(.sum, binary(.multiply, inner, inner))
      }
    }
    // Without zeros the second derivative is recorded and checks out.
    var random = TestRandom(seed: 85)
    try checkGradients(at: [random.awayFromZero([5])]) { v in
      try innerGradient(v[0]) { try reduce(.sum, cumprod($0, axis: 0)) }.1
    }
  }

  /// The gradient of `f` at `x`, recorded so that it can be differentiated again.
  func innerGradient(_ x: Variable, _ f: (Variable) throws -> Variable) throws -> (Variable, Variable) {
    let tape = Tape()
    let leaf = tape.variable(watching: x)
    let y = try f(leaf)
    return (y, try gradientVariables(of: y, withRespectTo: [leaf])[0])
  }

  @Test func clipWithTensorAndMissingBounds() throws {
    var random = TestRandom(seed: 86)
    // x on a grid offset from the bounds by 0.05: no element within a step of a bound.
    let x = random.grid([4, 5], offset: 0.05)
    try checkGradients(at: [x]) { v in
      try clip(v[0], lo: Variable(constant: Tensor(scalar: -0.5)), hi: Variable(constant: Tensor(scalar: 0.5)))
    }
    try checkGradients(at: [x]) { v in try clip(v[0], lo: nil, hi: Variable(constant: Tensor(scalar: 0.3))) }
    try checkGradients(at: [x, random.grid([5], offset: 0), random.grid([4, 1], offset: 0.02)]) { v in
      try clip(v[0], lo: v[1], hi: v[2])
    }
  }

  @Test func clipGradientAtTheBoundsIsOne() throws {
    // PyTorch's convention: an element equal to a bound gets the whole gradient.
    let x = try Tensor(shape: [4], values: [-1, 0, 1, 2])
    let (_, grads) = try valueAndGradients(at: [x]) { v in
      try reduce(.sum, clip(v[0], lo: Variable(constant: Tensor(scalar: 0)), hi: Variable(constant: Tensor(scalar: 1))))
    }
    expectClose(grads[0], [0, 1, 1, 0])
  }

  @Test func compositesTilePadRepeatFlipDiagOuter() throws {
    var random = TestRandom(seed: 87)
    let x = random.tensor([3, 5])
    try checkGradients(at: [x]) { v in try tile(v[0], reps: [2, 1, 3]) }
    try checkGradients(at: [x]) { v in try repeatElements(v[0], repeats: [3], axis: 1) }
    try checkGradients(at: [x]) { v in try repeatElements(v[0], repeats: [2, 0, 3], axis: 0) }
    try checkGradients(at: [x]) { v in try repeatElements(v[0], repeats: [2], axis: nil) }
    try checkGradients(at: [x]) { v in try flip(v[0], axes: [1]) }
    try checkGradients(at: [x]) { v in try flip(v[0], axes: nil) }
    try checkGradients(at: [x]) { v in try pad(v[0], widths: [(1, 2), (0, 3)], value: Tensor(scalar: 7)) }
    try checkGradients(at: [x]) { v in try diag(v[0], k: 1) }
    try checkGradients(at: [x]) { v in try diag(v[0], k: -2) }
    try checkGradients(at: [random.tensor([4])]) { v in try diag(v[0], k: -1) }
    try checkGradients(at: [random.tensor([3]), random.tensor([2, 2])]) { v in try outer(v[0], v[1]) }
  }

  @Test(arguments: [
    "ij,jk->ik", "ij,kj->ki", "bij,bjk->bik", "i,j->ij", "ii->", "ii->i", "ij,ij->i", "...ij,...jk->...ik",
    "ijk,kj->i",
  ])
  func einsumCases(subscripts: String) throws {
    var random = TestRandom(seed: 88)
    let shapes: [String: [[Int]]] = [
      "ij,jk->ik": [[3, 5], [5, 7]], "ij,kj->ki": [[3, 5], [2, 5]], "bij,bjk->bik": [[2, 3, 4], [2, 4, 5]],
      "i,j->ij": [[3], [4]], "ii->": [[5, 5]], "ii->i": [[3, 3]], "ij,ij->i": [[4, 3], [4, 3]],
      "...ij,...jk->...ik": [[2, 1, 3, 4], [3, 4, 2]], "ijk,kj->i": [[2, 3, 4], [4, 3]],
    ]
    let points = (shapes[subscripts] ?? []).map { random.tensor($0) }
    try checkGradients(at: points) { v in try einsum(subscripts, v) }
  }

  @Test(arguments: [
    ([2, 1, 3, 4], [5, 4, 2]), ([4, 3, 3, 5], [5, 2]), ([3, 4], [2, 2, 4, 5]), ([4], [2, 3, 4, 5]),
    ([2, 3, 1, 4], [4]), ([1, 2, 3], [2, 3, 2]),
  ])
  func batchBroadcastMatmul(aShape: [Int], bShape: [Int]) throws {
    var random = TestRandom(seed: 89)
    try checkGradients(at: [random.tensor(aShape), random.tensor(bShape)]) { v in try matmul(v[0], v[1]) }
  }

  @Test func batchBroadcastMatmulTransposed() throws {
    var random = TestRandom(seed: 90)
    try checkGradients(at: [random.tensor([2, 1, 4, 3]), random.tensor([3, 2, 4])]) { v in
      try matmul(v[0], v[1], transposeA: true, transposeB: true)
    }
  }

  @Test(arguments: [ReductionOp.sum, .mean])
  func reductionsOverSeveralAxes(op: ReductionOp) throws {
    var random = TestRandom(seed: 91)
    try checkGradients(at: [random.tensor([3, 4, 5])]) { v in try reduce(op, v[0], axes: [0, 2]) }
    try checkGradients(at: [random.tensor([3, 4, 5])]) { v in try reduce(op, v[0], axes: [-1, 0], keepDims: true) }
  }
}
