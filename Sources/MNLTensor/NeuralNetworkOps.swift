/// Neural-network ops: softmax, log-softmax, sparse softmax cross-entropy (with its gradient),
/// one-hot encoding and the L2 loss.
import MNLKernels

/// Applies a row kernel along `axis` by moving that axis last (and back) when needed.
private func alongAxis(
  _ x: Tensor, axis: Int, op: String,
  _ rowKernel: (UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>) -> Void
) throws -> Tensor {
  guard x.rank > 0 else { throw TensorError("\(op) needs at least one axis, got a 0-d tensor") }
  let x = x.convertedToFloat32()
  let a = try normalizeAxis(axis, rank: x.rank, op: op)
  let last = x.rank - 1
  var perm = Array(0..<x.rank)
  perm.swapAt(a, last)
  let input = a == last ? x : try x.transposed(perm)
  let length = x.shape[a]
  var result = Tensor(uninitializedShape: input.shape)
  if result.count > 0 {
    result.withUnsafeMutableBufferPointer { out in
      rowKernel(input.storage.pointer, input.count / length, length, out.baseAddress.unsafelyUnwrapped)
    }
  }
  return a == last ? result : try result.transposed(perm)
}

/// exp(x − max) / Σ exp(x − max) along `axis` (the last by default).
public func softmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
  try alongAxis(x, axis: axis, op: "softmax") { src, rows, length, dst in
    Softmax.rows(src, rows: rows, length: length, dst, log: false)
  }
}

/// x − max − log Σ exp(x − max) along `axis` (the last by default).
public func logSoftmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
  try alongAxis(x, axis: axis, op: "log_softmax") { src, rows, length, dst in
    Softmax.rows(src, rows: rows, length: length, dst, log: true)
  }
}

/// Validated class indices of `labels` ([n], any integer dtype) for `classes` classes.
private func labelIndices(_ labels: Tensor, classes: Int, op: String) throws -> [Int] {
  guard labels.dtype.isInteger || labels.count == 0 else {
    throw TensorError(
      "\(op) needs integer labels, got \(labels.dtype.withArticle) tensor; "
        + "cast(labels, \"int64\") converts whole-number floats")
  }
  let result = labels.integerValues.map { Int($0) }
  for (i, v) in result.enumerated() where v < 0 || v >= classes {
    throw TensorError("label \(v) at index \(i) is out of range for \(classes) classes in \(op)")
  }
  return result
}

private func checkCrossEntropyShapes(_ logits: Tensor, _ labels: Tensor) throws {
  guard logits.rank == 2, labels.rank == 1, labels.shape[0] == logits.shape[0],
    logits.shape[1] > 0
  else {
    throw TensorError(
      "sparse_softmax_cross_entropy needs logits [n, classes] and labels [n]: got logits "
        + "\(formatShape(logits.shape)) and labels \(formatShape(labels.shape))")
  }
}

/// Per-example −log softmax(logits)[label]: logits [n, classes], integer labels [n] → [n].
public func sparseSoftmaxCrossEntropy(logits: Tensor, labels: Tensor) throws -> Tensor {
  try sparseSoftmaxCrossEntropyWithGradient(logits: logits, labels: labels, wantGradient: false).loss
}

/// The loss and its gradient with respect to the logits, softmax(logits) − onehot(labels)
/// ([n, classes], not divided by n), computed in one pass.
public func sparseSoftmaxCrossEntropyWithGradient(logits: Tensor, labels: Tensor) throws -> (
  loss: Tensor, gradient: Tensor
) {
  let both = try sparseSoftmaxCrossEntropyWithGradient(logits: logits, labels: labels, wantGradient: true)
  return (both.loss, both.gradient ?? logits)
}

private func sparseSoftmaxCrossEntropyWithGradient(
  logits: Tensor, labels: Tensor, wantGradient: Bool
) throws -> (loss: Tensor, gradient: Tensor?) {
  try checkCrossEntropyShapes(logits, labels)
  let logits = logits.convertedToFloat32()
  let rows = logits.shape[0]
  let classes = logits.shape[1]
  let indices = try labelIndices(labels, classes: classes, op: "sparse_softmax_cross_entropy")
  var loss = Tensor(uninitializedShape: [rows])
  var gradient = wantGradient ? Tensor(uninitializedShape: logits.shape) : nil
  indices.withUnsafeBufferPointer { labelPointer in
    loss.withUnsafeMutableBufferPointer { lossOut in
      guard let lossBase = lossOut.baseAddress, let labelBase = labelPointer.baseAddress else { return }
      if gradient != nil {
        gradient?.withUnsafeMutableBufferPointer { g in
          Softmax.sparseCrossEntropy(
            logits.storage.pointer, labels: labelBase, rows: rows, classes: classes,
            loss: lossBase, gradient: g.baseAddress)
        }
      } else {
        Softmax.sparseCrossEntropy(
          logits.storage.pointer, labels: labelBase, rows: rows, classes: classes, loss: lossBase,
          gradient: nil)
      }
    }
  }
  return (loss, gradient)
}

/// labels.shape + [depth] float32 tensor with 1 at each label's index. Labels must be whole
/// numbers in 0..<depth.
public func oneHot(_ labels: Tensor, depth: Int) throws -> Tensor {
  try validateShape(labels.shape + [depth])
  guard depth > 0 else { throw TensorError("one_hot needs a positive depth, got \(depth)") }
  let indices = try labelIndices(labels, classes: depth, op: "one_hot")
  var result = try Tensor.zeros(labels.shape + [depth])
  result.withUnsafeMutableBufferPointer { out in
    for (row, label) in indices.enumerated() { out[row * depth + label] = 1 }
  }
  return result
}

/// sum(x²) / 2 as a 0-d tensor (TensorFlow's tf.nn.l2_loss).
public func l2Loss(_ x: Tensor) -> Tensor {
  let x = x.convertedToFloat32()
  return Tensor(scalar: Reduction.sumOfSquares(x.storage.pointer, count: x.count) / 2)
}
