import MNLTensor

/// `op(a) · op(b)` (NumPy's `@`, with 1-D, 2-D and broadcast batched operands), where op transposes
/// the last two axes when asked. The pullbacks are matmuls with transpose flags, so no
/// transposed copy is materialised, and a constant operand costs nothing.
public func matmul(
  _ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false
) throws -> Variable {
  let x = a.value
  let y = b.value
  let out = try matmul(x, y, transposeA: transposeA, transposeB: transposeB)
  // 1-D operands are a row (left) or a column (right) vector, whose axis the result drops.
  let xMatrixShape = x.rank == 1 ? [1, x.count] : x.shape
  let yMatrixShape = y.rank == 1 ? [y.count, 1] : y.shape
  let tA = x.rank == 1 ? false : transposeA
  let tB = y.rank == 1 ? false : transposeB
  var outMatrixShape = out.shape
  if x.rank == 1 { outMatrixShape.insert(1, at: outMatrixShape.count - (y.rank == 1 ? 0 : 1)) }
  if y.rank == 1 { outMatrixShape.append(1) }
  let (xShape, yShape) = (x.shape, y.shape)
  return recorded(out, [a, b]) { g, _, needs in
    let gMatrix = try g.reshaped(outMatrixShape)
    let aMatrix = try a.reshapedIfNeeded(xMatrixShape)
    let bMatrix = try b.reshapedIfNeeded(yMatrixShape)
    return [
      try needs[0]
        ? unbroadcast(matmulGradientA(gMatrix, bMatrix, tA, tB), to: xMatrixShape)
          .reshapedIfNeeded(xShape) : nil,
      try needs[1]
        ? unbroadcast(matmulGradientB(gMatrix, aMatrix, tA, tB), to: yMatrixShape)
          .reshapedIfNeeded(yShape) : nil,
    ]
  }
}

// For C = op(A)·op(B). Batched results are summed back to a 2-D operand by `unbroadcast`.

/// dA = dC·op(B)ᵀ, or op(B)·dCᵀ when A is used transposed.
private func matmulGradientA(_ g: Variable, _ b: Variable, _ tA: Bool, _ tB: Bool) throws -> Variable {
  tA
    ? try matmul(b, g, transposeA: tB, transposeB: true)
    : try matmul(g, b, transposeA: false, transposeB: !tB)
}

/// dB = op(A)ᵀ·dC, or dCᵀ·op(A) when B is used transposed.
private func matmulGradientB(_ g: Variable, _ a: Variable, _ tA: Bool, _ tB: Bool) throws -> Variable {
  tB
    ? try matmul(g, a, transposeA: true, transposeB: tA)
    : try matmul(a, g, transposeA: !tA, transposeB: false)
}

/// The fused dense layer `x·w + b` (x [n, k] or [k], w [k, m], b [m] or nil), followed by ReLU
/// when `relu`. Backward: the ReLU mask taken from the output (y > 0 exactly where the
/// pre-activation was positive), dw = xᵀ·g, dx = g·wᵀ only when x needs it, db = column sums.
public func linear(_ x: Variable, _ w: Variable, _ b: Variable?, relu: Bool = false) throws
  -> Variable
{
  let input = x.value
  let weight = w.value
  let out = try linear(input, weight, b?.value, relu: relu)
  let inputMatrixShape = input.rank == 1 ? [1, input.count] : input.shape
  let inputShape = input.shape
  let hasBias = b != nil
  return recorded(out, b.map { [x, w, $0] } ?? [x, w]) { g, out, needs in
    let gz = relu ? try maskedWherePositive(g, out.value) : g
    let gzMatrix = try gz.reshapedIfNeeded([inputMatrixShape[0], weight.shape[1]])
    var result: [Variable?] = [
      try needs[0]
        ? matmul(gzMatrix, w, transposeB: true).reshapedIfNeeded(inputShape) : nil,
      try needs[1] ? matmul(x.reshapedIfNeeded(inputMatrixShape), gzMatrix, transposeA: true) : nil,
    ]
    if hasBias {
      result.append(try needs[2] ? reduce(.sum, gzMatrix, axes: [0]) : nil)
    }
    return result
  }
}

extension Variable {
  /// `reshaped(shape)` that returns self when the shape is already right (no record).
  func reshapedIfNeeded(_ shape: [Int]) throws -> Variable {
    self.shape == shape ? self : try reshaped(shape)
  }
}
