import MNLTensor

/// `softmax(x)` along `axis`. dx = y ⊙ (g − Σ_axis g⊙y).
public func softmax(_ a: Variable, axis: Int) throws -> Variable {
  let y = try softmax(a.value, axis: axis)
  return try recorded(y, [a]) { g, _ in
    let dot = try reduce(.sum, mul(g, y), axes: [axis], keepDims: true)
    return [try mul(y, sub(g, dot))]
  }
}

/// `log(softmax(x))` along `axis`. dx = g − softmax(x) ⊙ Σ_axis g.
public func logSoftmax(_ a: Variable, axis: Int) throws -> Variable {
  let out = try logSoftmax(a.value, axis: axis)
  return try recorded(out, [a]) { g, _ in
    let total = try reduce(.sum, g, axes: [axis], keepDims: true)
    return [try sub(g, mul(unary(.exp, out), total))]
  }
}

/// Per-example cross-entropy of `logits` [N, C] against integer `labels` [N] → [N].
/// d logits = (softmax(logits) − onehot(labels)) scaled by each example's incoming gradient;
/// the labels are data and get no gradient.
public func sparseSoftmaxCrossEntropy(logits: Variable, labels: Variable) throws -> Variable {
  let z = logits.value
  let classes = labels.value
  let out = try sparseSoftmaxCrossEntropy(logits: z, labels: classes)
  return try recorded(out, [logits]) { g, _ in
    let depth = z.shape.last ?? 0
    let probabilities = try softmax(z, axis: -1)
    let residual = try sub(probabilities, oneHot(classes, depth: depth))
    return [try mul(residual, g.reshaped(unchecked: g.shape + [1]))]
  }
}
