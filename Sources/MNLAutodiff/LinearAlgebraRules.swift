import MNLTensor

/// `op(a) · op(b)` where op transposes when asked. The pullbacks are matmuls with transpose
/// flags, so no transposed copy is ever materialised, and a constant input costs nothing.
public func matmul(
  _ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false
) throws -> Variable {
  let x = a.value
  let y = b.value
  let out = try matmul(x, y, transposeA: transposeA, transposeB: transposeB)
  return try recorded(out, [a, b]) { g, needs in
    [
      needs[0] ? try matmulGradientA(g, y, transposeA, transposeB) : nil,
      needs[1] ? try matmulGradientB(g, x, transposeA, transposeB) : nil,
    ]
  }
}

/// C = op(A)·op(B): dA = dC·op(B)ᵀ, or op(B)·dCᵀ when A is used transposed.
private func matmulGradientA(_ g: Tensor, _ b: Tensor, _ tA: Bool, _ tB: Bool) throws -> Tensor {
  tA
    ? try matmul(b, g, transposeA: tB, transposeB: true)
    : try matmul(g, b, transposeA: false, transposeB: !tB)
}

/// C = op(A)·op(B): dB = op(A)ᵀ·dC, or dCᵀ·op(A) when B is used transposed.
private func matmulGradientB(_ g: Tensor, _ a: Tensor, _ tA: Bool, _ tB: Bool) throws -> Tensor {
  tB
    ? try matmul(g, a, transposeA: true, transposeB: tA)
    : try matmul(a, g, transposeA: !tA, transposeB: false)
}

/// The fused dense layer `x·w + b`, followed by ReLU when `relu`; `b` may be nil.
/// Backward: two matmuls (dx only when x needs it), a column sum for db, and the ReLU mask
/// taken from the output (y > 0 exactly where the pre-activation was positive).
public func linear(_ x: Variable, _ w: Variable, _ b: Variable?, relu: Bool) throws -> Variable {
  let input = x.value
  let weight = w.value
  let out = try linear(input, weight, b?.value, relu: relu)
  let biasShape = b?.shape
  var inputs = [x, w]
  if let b { inputs.append(b) }
  return try recorded(out, inputs) { g, needs in
    let gz = relu ? try reluGradient(g, input: out) : g
    var result: [Tensor?] = [
      needs[0] ? try matmul(gz, weight, transposeA: false, transposeB: true) : nil,
      needs[1] ? try matmul(input, gz, transposeA: true, transposeB: false) : nil,
    ]
    if let biasShape {
      result.append(needs[2] ? try unbroadcast(gz, to: biasShape) : nil)
    }
    return result
  }
}
