import MNLTensor

/// `softmax(x)` along `axis`. dx = y ⊙ (g − Σ_axis g⊙y).
public func softmax(_ a: Variable, axis: Int = -1) throws -> Variable {
  let y = try softmax(a.value, axis: axis)
  return recorded(y, [a]) { g, y, _ in
    [try y * (g - reduce(.sum, g * y, axes: [axis], keepDims: true))]
  }
}

/// `log(softmax(x))` along `axis`. dx = g − softmax(x) ⊙ Σ_axis g.
public func logSoftmax(_ a: Variable, axis: Int = -1) throws -> Variable {
  let out = try logSoftmax(a.value, axis: axis)
  return recorded(out, [a]) { g, out, _ in
    [try g - unary(.exp, out) * reduce(.sum, g, axes: [axis], keepDims: true)]
  }
}

/// Per-example cross-entropy of `logits` [N, C] against integer `labels` [N] → [N].
/// d logits = (softmax(logits) − onehot(labels)), computed with the loss in one pass, with
/// row i scaled by example i's incoming gradient. The labels are data and get no gradient.
/// Under an outer tape (grad of grad) the residual is recomputed from recorded ops instead,
/// since it depends on the logits.
public func sparseSoftmaxCrossEntropy(logits: Variable, labels: Variable) throws -> Variable {
  guard logits.requiresGradient else {
    return Variable(
      constant: try sparseSoftmaxCrossEntropy(logits: logits.value, labels: labels.value))
  }
  let (loss, residual) = try sparseSoftmaxCrossEntropyWithGradient(
    logits: logits.value, labels: labels.value)
  let labelValues = labels.value
  return recorded(loss, [logits]) { g, _, _ in
    let column = try g.reshaped(g.shape + [1])
    guard logits.requiresGradient else { return [try column * residual] }
    let classes = logits.shape.last ?? 0
    let oneHotLabels = try oneHot(labelValues, depth: classes)
    return [try column * (softmax(logits, axis: -1) - Variable(constant: oneHotLabels))]
  }
}
