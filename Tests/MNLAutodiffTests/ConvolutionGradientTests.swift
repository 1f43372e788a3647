import MNLAutodiff
import MNLTensor
import Testing

/// conv2d, max_pool and avg_pool: values against direct loops, gradients (and the gradients'
/// own gradients) against finite differences, at awkward sizes: odd heights and widths,
/// stride 2, both paddings, batch 1.
@Suite struct ConvolutionGradientTests {
  static let cases: [(stride: Int, padding: ConvPadding)] = [(1, .same), (2, .same), (1, .valid), (2, .valid)]

  @Test(arguments: cases)
  func conv2dGradients(stride: Int, padding: ConvPadding) throws {
    var random = TestRandom(seed: 71)
    let x = random.tensor([1, 5, 7, 2])
    let w = random.tensor([3, 2, 2, 3])
    let b = random.tensor([3])
    let g = try convGeometry(input: x.shape, filter: w.shape, stride: (stride, stride), padding: padding)
    try checkGradients(at: [x, w, b]) { v in try conv2d(v[0], v[1], v[2], geometry: g) }
  }

  @Test(arguments: cases)
  func conv2dBackpropOpsAreDifferentiable(stride: Int, padding: ConvPadding) throws {
    var random = TestRandom(seed: 72)
    let g = try convGeometry(input: [2, 5, 6, 2], filter: [2, 3, 2, 2], stride: (stride, stride), padding: padding)
    let dy = random.tensor(g.outputShape)
    try checkGradients(at: [dy, random.tensor(g.filterShape)]) { v in try conv2dBackpropInput(v[0], v[1], geometry: g) }
    try checkGradients(at: [random.tensor(g.inputShape), dy]) { v in try conv2dBackpropFilter(v[0], v[1], geometry: g) }
  }

  /// Output gradients that are mostly zeros (as after ReLU and max-pool) take the sparse
  /// backward kernels when a window's kernel row (KW·C = 16 floats) is whole vectors: the
  /// backprop ops and their own pullbacks (which run the other sparse product) still match
  /// finite differences.
  @Test(arguments: cases)
  func conv2dBackpropOpsWithSparseOutputGradient(stride: Int, padding: ConvPadding) throws {
    var random = TestRandom(seed: 77)
    let g = try convGeometry(input: [2, 5, 6, 8], filter: [3, 2, 8, 4], stride: (stride, stride), padding: padding)
    // One entry in five nonzero: at most one per output position.
    let values = random.tensor(g.outputShape).values.enumerated().map { $0.offset % 5 == 2 ? $0.element : 0 }
    let dy = try Tensor(shape: g.outputShape, values: values)
    try checkGradients(at: [dy, random.tensor(g.filterShape)]) { v in try conv2dBackpropInput(v[0], v[1], geometry: g) }
    try checkGradients(at: [random.tensor(g.inputShape), dy]) { v in try conv2dBackpropFilter(v[0], v[1], geometry: g) }
  }

  @Test func conv2dWithReluMasksTheGradient() throws {
    var random = TestRandom(seed: 73)
    let g = try convGeometry(input: [2, 4, 3, 2], filter: [2, 2, 2, 2], stride: (1, 1), padding: .same)
    // Pre-activations clear of ReLU's kink: retry inputs until every |z| > 0.05.
    for _ in 0..<200 {
      let points = [random.tensor(g.inputShape), random.tensor(g.filterShape), random.tensor([2])]
      let z = try conv2d(points[0], points[1], points[2], geometry: g)
      guard z.values.allSatisfy({ abs($0) > 0.05 }) else { continue }
      try checkGradients(at: points, step: 1e-3) { v in try conv2d(v[0], v[1], v[2], relu: true, geometry: g) }
      return
    }
    Issue.record("no sample without a pre-activation near 0")
  }

  @Test(arguments: cases)
  func maxPoolGradients(stride: Int, padding: ConvPadding) throws {
    var random = TestRandom(seed: 74)
    let x = random.distinct([1, 5, 7, 2])  // no ties: the max moves only at a kink
    let g = try poolGeometry("max_pool", input: x.shape, window: (3, 2), stride: (stride, stride), padding: padding)
    try checkGradients(at: [x], step: 1e-2) { v in try maxPool(v[0], geometry: g) }
    // The gradient's own gradient (grad of grad): max_pool's pullback is linear in g.
    let (out, _) = try maxPool(x, geometry: g)
    try checkGradients(at: [random.tensor(out.shape)]) { v in
      let inner = Tape()
      defer { inner.finish() }
      let xi = inner.variable(x)
      let projected = try reduce(.sum, binary(.multiply, maxPool(xi, geometry: g), v[0]))
      return try gradientVariables(of: projected, withRespectTo: [xi])[0]
    }
  }

  @Test(arguments: cases)
  func avgPoolGradients(stride: Int, padding: ConvPadding) throws {
    var random = TestRandom(seed: 75)
    let g = try poolGeometry("avg_pool", input: [2, 5, 4, 3], window: (2, 3), stride: (stride, stride), padding: padding)
    try checkGradients(at: [random.tensor(g.inputShape)]) { v in try avgPool(v[0], geometry: g) }
  }

  /// Large enough for several im2col chunks and both threads: the kernel against direct loops.
  @Test(arguments: [(1, ConvPadding.same), (2, ConvPadding.valid)])
  func conv2dMatchesDirectLoopsAcrossChunks(stride: Int, padding: ConvPadding) throws {
    var random = TestRandom(seed: 76)
    let x = random.tensor([9, 13, 11, 20])
    let w = random.tensor([5, 5, 20, 7])
    let b = random.tensor([7])
    let g = try convGeometry(input: x.shape, filter: w.shape, stride: (stride, stride), padding: padding)
    let y = try conv2d(x, w, b, geometry: g)
    let reference = directConv(x.values, w.values, b.values, g)
    #expect(y.shape == g.outputShape)
    let error = zip(y.values, reference).map { abs(Double($0) - $1) }.max() ?? 0
    #expect(error < 1e-4, "max error \(error)")
    // The input gradient is the adjoint: <conv(dx), dy> = <dx, backpropInput(dy)>.
    let dy = random.tensor(g.outputShape)
    let dx = random.tensor(g.inputShape)
    let lhs = dot(try conv2d(dx, w, nil, geometry: g).values, dy.values)
    let rhs = dot(dx.values, try conv2dBackpropInput(dy, w, geometry: g).values)
    #expect(abs(lhs - rhs) < 1e-3 * max(1, abs(lhs)), "\(lhs) vs \(rhs)")
    let dw = random.tensor(g.filterShape)
    let lhsW = dot(try conv2d(x, dw, nil, geometry: g).values, dy.values)
    let rhsW = dot(dw.values, try conv2dBackpropFilter(x, dy, geometry: g).values)
    #expect(abs(lhsW - rhsW) < 1e-3 * max(1, abs(lhsW)), "\(lhsW) vs \(rhsW)")
  }

  @Test func shapeErrorsNameTheProblem() throws {
    #expect(throws: TensorError.self) { try convGeometry(input: [1, 4, 4, 3], filter: [2, 2, 2, 1], stride: (1, 1), padding: .same) }
    #expect(throws: TensorError.self) { try convGeometry(input: [1, 2, 2, 1], filter: [3, 3, 1, 1], stride: (1, 1), padding: .valid) }
    #expect(throws: TensorError.self) { try convGeometry(input: [4, 4, 1], filter: [3, 3, 1, 1], stride: (1, 1), padding: .same) }
    #expect(throws: TensorError.self) { try poolGeometry("max_pool", input: [1, 4, 4, 1], window: (2, 2), stride: (0, 1), padding: .same) }
  }

  private func dot(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
  }

  private func directConv(_ x: [Float], _ w: [Float], _ b: [Float], _ g: ConvGeometry) -> [Double] {
    var out = [Double](repeating: 0, count: g.batch * g.outHeight * g.outWidth * g.outChannels)
    for n in 0..<g.batch {
      for oh in 0..<g.outHeight {
        for ow in 0..<g.outWidth {
          for o in 0..<g.outChannels {
            var s = Double(b[o])
            for kh in 0..<g.kernelHeight {
              for kw in 0..<g.kernelWidth {
                let ih = oh * g.strideH - g.padTop + kh
                let iw = ow * g.strideW - g.padLeft + kw
                guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                for c in 0..<g.channels {
                  s += Double(x[((n * g.height + ih) * g.width + iw) * g.channels + c])
                    * Double(w[((kh * g.kernelWidth + kw) * g.channels + c) * g.outChannels + o])
                }
              }
            }
            out[((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + o] = s
          }
        }
      }
    }
    return out
  }
}
