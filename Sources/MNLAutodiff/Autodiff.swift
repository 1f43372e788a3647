/// Reverse-mode automatic differentiation over MNLTensor ops, JAX-style from the outside and
/// micrograd-style inside.
///
/// ## How the interpreter uses it (`grad(f)` / `value_and_grad(f)`)
/// 1. `let tape = Tape()`; wrap each tensor leaf of the first argument: `tape.variable(t)`.
/// 2. Call the user's function. A built-in whose arguments include a `Variable` dispatches to
///    the `Variable` overload of the same op here, with plain tensors wrapped as
///    `Variable(constant: t)`. Only ops with a recorded input are recorded; the others return
///    a constant `Variable`, so work on data alone leaves no trace.
/// 3. `try gradients(of: result, withRespectTo: leaves)` gives one tensor per leaf, in order
///    (zeros for a leaf the result does not depend on). The result must hold one element.
///    This releases the tape: its variables then act as constants, and a second call throws.
///
/// Or, from Swift: `try valueAndGradients(at: [w, b]) { v in ...build a scalar from v... }`.
///
/// ## Differentiable ops (same names and arguments as MNLTensor's, on `Variable`)
/// - `binary(op, a, b)`: add, subtract, multiply, divide, power, maximum, minimum (ties split
///   the gradient equally); comparisons return constants. NumPy broadcasting; gradients are
///   summed back to each input's shape.
/// - `unary(op, x)`: negate, exp, log, sqrt, abs, tanh, sigmoid, relu, square, reciprocal;
///   sign and floor return constants. `whereSelect(cond, a, b)` (cond gets no gradient).
/// - `reduce(op, x, axes:, keepDims:)` for sum, mean, max, min (max/min share the gradient
///   equally among tied extreme positions); `l2Loss(x)`.
/// - `matmul(a, b, transposeA:, transposeB:)`, `linear(x, w, b, relu:)` (fused dense layer).
/// - `softmax(x, axis:)`, `logSoftmax(x, axis:)`, `sparseSoftmaxCrossEntropy(logits:labels:)`.
/// - `reshaped(x, shape)`, `transposed(x, perm)`, `broadcast(x, to:)`, `cast(x, to:)`,
///   `concat(xs, axis:)`, `stack(xs, axis:)`, `take(x, indices:, axis:)`,
///   `indexed(x, specs)`.
///
/// Non-differentiable ops (argmax, comparisons, one-hot, …) are applied to `.value` and give
/// constants. Errors are `TensorError`s with a message for the user.
import MNLTensor

/// Gradients of the scalar `output` with respect to each of `inputs`, in order; zeros for an
/// input that `output` does not depend on (including constants).
public func gradients(of output: Variable, withRespectTo inputs: [Variable]) throws -> [Tensor] {
  guard let tape = output.tape ?? inputs.lazy.compactMap(\.tape).first else {
    guard output.value.count == 1 else {
      throw TensorError(
        "can only differentiate a scalar, but the function returned shape "
          + "\(formatShape(output.shape)); reduce it first, e.g. with sum or mean")
    }
    return inputs.map { Tensor(shape: $0.shape, repeating: 0) }
  }
  return try tape.gradients(of: output, withRespectTo: inputs)
}

/// Runs `function` on fresh variables holding `points` and returns its (scalar) value and
/// its gradient with respect to each point.
public func valueAndGradients(
  at points: [Tensor], of function: ([Variable]) throws -> Variable
) throws -> (value: Tensor, gradients: [Tensor]) {
  let tape = Tape()
  let leaves = points.map { tape.variable($0) }
  let output = try function(leaves)
  return (output.value, try gradients(of: output, withRespectTo: leaves))
}
