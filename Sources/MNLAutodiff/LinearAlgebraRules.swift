import MNLTensor

/// `op(a) · op(b)` (NumPy's `@`, with 1-D, 2-D and batched 3-D operands), where op transposes
/// the last two axes when asked. The pullbacks are matmuls with transpose flags, so no
/// transposed copy is materialised, and a constant operand costs nothing.
public func matmul(
  _ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false
) throws -> Variable {
  let x = a.value
  let y = b.value
  let out = try matmul(x, y, transposeA: transposeA, transposeB: transposeB)
  // 1-D operands are a row (left) or a column (right) vector, whose axis the result drops.
  let xMatrix = x.rank == 1 ? x.reshaped(unchecked: [1, x.count]) : x
  let yMatrix = y.rank == 1 ? y.reshaped(unchecked: [y.count, 1]) : y
  let tA = x.rank == 1 ? false : transposeA
  let tB = y.rank == 1 ? false : transposeB
  var outMatrixShape = out.shape
  if x.rank == 1 { outMatrixShape.insert(1, at: outMatrixShape.count - (y.rank == 1 ? 0 : 1)) }
  if y.rank == 1 { outMatrixShape.append(1) }
  let (xShape, yShape) = (x.shape, y.shape)
  return try recorded(out, [a, b]) { g, needs in
    let gMatrix = g.reshaped(unchecked: outMatrixShape)
    return [
      try needs[0]
        ? unbroadcast(matmulGradientA(gMatrix, yMatrix, tA, tB), to: xMatrix.shape)
          .reshaped(unchecked: xShape) : nil,
      try needs[1]
        ? unbroadcast(matmulGradientB(gMatrix, xMatrix, tA, tB), to: yMatrix.shape)
          .reshaped(unchecked: yShape) : nil,
    ]
  }
}

// For C = op(A)·op(B). Batched results are summed back to a 2-D operand by `unbroadcast`.

/// dA = dC·op(B)ᵀ, or op(B)·dCᵀ when A is used transposed.
private func matmulGradientA(_ g: Tensor, _ b: Tensor, _ tA: Bool, _ tB: Bool) throws -> Tensor {
  tA
    ? try matmul(b, g, transposeA: tB, transposeB: true)
    : try matmul(g, b, transposeA: false, transposeB: !tB)
}

/// dB = op(A)ᵀ·dC, or dCᵀ·op(A) when B is used transposed.
private func matmulGradientB(_ g: Tensor, _ a: Tensor, _ tA: Bool, _ tB: Bool) throws -> Tensor {
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
  let inputMatrix = input.rank == 1 ? input.reshaped(unchecked: [1, input.count]) : input
  let inputShape = input.shape
  let hasBias = b != nil
  return try recorded(out, b.map { [x, w, $0] } ?? [x, w]) { g, needs in
    let gz = relu ? try reluGradient(g, input: out) : g
    let gzMatrix = gz.reshaped(unchecked: [inputMatrix.shape[0], weight.shape[1]])
    var result: [Tensor?] = [
      try needs[0]
        ? matmul(gzMatrix, weight, transposeB: true).reshaped(unchecked: inputShape) : nil,
      try needs[1] ? matmul(inputMatrix, gzMatrix, transposeA: true) : nil,
    ]
    if hasBias {
      result.append(try needs[2] ? reduce(.sum, gzMatrix, axes: [0]) : nil)
    }
    return result
  }
}
