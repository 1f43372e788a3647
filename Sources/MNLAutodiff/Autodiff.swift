/// Reverse-mode automatic differentiation over MNLTensor ops: JAX-style from the outside,
/// micrograd-style inside (each op records a pullback closure on a tape; the backward pass
/// runs them in reverse and sums the gradients).
///
/// ## How the interpreter uses it (`grad(f)` / `value_and_grad(f)`)
/// 1. `let tape = Tape()`; wrap each tensor leaf of the first argument (any nesting of lists
///    and records): `tape.variable(t)`.
/// 2. Call the user's function. A built-in with at least one `Variable` argument calls the
///    `Variable` overload of the same op here (same name and labels as in MNLTensor), with
///    plain tensors and numbers wrapped as `Variable(constant: t)`. Ops whose inputs are all
///    constants return a constant `Variable` and record nothing, so work on data alone leaves
///    no trace. Non-differentiable built-ins (argmax, comparisons, one_hot, shape queries, …)
///    take `.value` and give plain tensors. `stop_gradient(v)` is `Variable(constant: v.value)`.
/// 3. `try gradients(of: result, withRespectTo: leaves)` returns one tensor per leaf, in
///    order, in the leaf's shape (zeros for a leaf the result does not depend on). The result
///    must hold exactly one element (any rank), else a `TensorError` says to reduce it. This
///    finishes the tape and frees what it held: its variables then act as constants (a value
///    leaked out of the function stays usable), and a second call throws.
/// 4. Nested differentiation (grad of grad, Hessian-vector products, gradient penalties): an
///    inner `grad` makes its leaves with `tape.variable(watching: outer)`, so they stay on the
///    outer tapes, and gets its gradients from `gradientVariables(of:withRespectTo:)`. Every
///    rule is written with `Variable` ops, so while an outer tape records, the inner backward
///    pass is recorded on it like any other computation (TensorFlow's nested tapes,
///    PyTorch's `create_graph`). A tape and its variables hold each other until it is finished:
///    a caller whose function throws before the gradients are taken calls `tape.finish()`.
/// 5. Drop the `Variable`s (leaves and result) before updating the parameters in place
///    (`addScaled`): a leaf still shares the parameter's storage, so the update would copy it.
///
/// From Swift: `try valueAndGradients(at: [w, b]) { v in ...a scalar Variable from v... }`.
///
/// ## Differentiable ops (on `Variable`, mirroring MNLTensor)
/// - `binary(op, a, b)`: add, subtract, multiply, divide, power, maximum, minimum (ties split
///   the gradient equally); comparisons give constants. NumPy broadcasting; each input's
///   gradient is summed back to its shape in one place (`unbroadcast`).
/// - `unary(op, x)`: negate, exp, log, sqrt, abs, tanh, sigmoid, relu, square, reciprocal;
///   sign and floor give constants (zero gradient). `whereSelect(cond, a, b)`: no gradient
///   to `cond`.
/// - `reduce(op, x, axes:, keepDims:)` for sum, mean, max, min (max/min share the gradient
///   equally among the positions that attain the extreme, as TensorFlow and JAX do);
///   `variance`, `standardDeviation` (composed); `l2Loss(x)`.
/// - `matmul(a, b, transposeA:, transposeB:)` with 1-D, 2-D and broadcast batched operands;
///   `linear(x, w, b, relu:)`, the fused dense layer (b may be nil).
/// - `softmax(x, axis:)`, `logSoftmax(x, axis:)`, `sparseSoftmaxCrossEntropy(logits:labels:)`.
/// - Methods, as on Tensor: `x.reshaped(shape)`, `x.squeezed(axes:)`, `x.expandingDims(at:)`,
///   `x.transposed(perm)`, `x.broadcast(to:)`, `x.indexed(specs)`, and `x.assigning(specs, v)`
///   (the functional form of `x[specs] = v`).
/// - `cast(x, to:)` (to float32 passes the gradient; to an integer dtype gives a constant),
///   `concat(xs, axis:)`, `stack(xs, axis:)`, `take(x, indices:, axis:)` (scatter-add: repeated
///   indices accumulate; indices get no gradient).
///
/// Cost: only ops with a recorded input are recorded; a rule computes only the input
/// gradients that lead to a requested leaf (no dX for a constant input batch); matmul
/// gradients use transpose flags instead of transposed copies; gradients used twice are
/// summed in place, and an L2 term's g·w is added in place into the weight's matmul gradient.
/// All errors are `TensorError`s with a message for the user.
import MNLTensor

/// Gradients of the scalar `output` with respect to each of `inputs`, in order; zeros for an
/// input that `output` does not depend on (including constants).
public func gradients(of output: Variable, withRespectTo inputs: [Variable]) throws -> [Tensor] {
  try gradientVariables(of: output, withRespectTo: inputs).map(\.value)
}

/// Like `gradients(of:withRespectTo:)`, as variables: recorded on the tapes that are still
/// recording outside the one being differentiated (so the gradient can be differentiated again).
public func gradientVariables(of output: Variable, withRespectTo inputs: [Variable]) throws
  -> [Variable]
{
  // The innermost tape: the one the inputs were made on last.
  guard let tape = inputs.lazy.compactMap({ $0.memberships.last?.tape }).first else {
    guard output.value.count == 1 else {
      throw TensorError(
        "can only differentiate a scalar, but the function returned shape "
          + "\(formatShape(output.shape)); reduce it first, e.g. with sum or mean")
    }
    return inputs.map { Variable(constant: Tensor(shape: $0.shape, repeating: 0)) }
  }
  return try tape.gradientVariables(of: output, withRespectTo: inputs)
}

/// Runs `function` on fresh variables holding `points` and returns its (scalar) value and
/// its gradient with respect to each point.
public func valueAndGradients(
  at points: [Tensor], of function: ([Variable]) throws -> Variable
) throws -> (value: Tensor, gradients: [Tensor]) {
  let tape = Tape()
  defer { tape.finish() }
  let leaves = points.map { tape.variable($0) }
  let output = try function(leaves)
  return (output.value, try gradients(of: output, withRespectTo: leaves))
}
