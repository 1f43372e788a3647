import MNLTensor

// Convolution and pooling. Each op's pullback is built from the others, recorded in turn, so
// gradients of gradients work: conv2d, its input gradient and its filter gradient are the
// three bilinear products of one contraction (TensorFlow's Conv2D, Conv2DBackpropInput,
// Conv2DBackpropFilter), and max-pool is a gather whose adjoint is a scatter.

/// conv2d(x, w) (+ b, then ReLU). Backward: the ReLU mask from the output, then
/// dx = conv2dBackpropInput(g, w), dw = conv2dBackpropFilter(x, g), db = Σ g over N, H, W.
public func conv2d(_ x: Variable, _ w: Variable, _ b: Variable?, relu: Bool = false, geometry g: ConvGeometry) throws -> Variable {
  let out = try conv2d(x.value, w.value, b?.value, relu: relu, geometry: g)
  let hasBias = b != nil
  return recorded(out, b.map { [x, w, $0] } ?? [x, w]) { grad, out, needs in
    let gz = relu ? try maskedWherePositive(grad, out.value) : grad
    var result: [Variable?] = [
      try needs[0] ? conv2dBackpropInput(gz, w, geometry: g) : nil,
      try needs[1] ? conv2dBackpropFilter(x, gz, geometry: g) : nil,
    ]
    if hasBias { result.append(try needs[2] ? reduce(.sum, gz, axes: [0, 1, 2]) : nil) }
    return result
  }
}

/// dx from dy and w. Linear in both: d dy = conv2d(gx, w), d w = conv2dBackpropFilter(gx, dy).
public func conv2dBackpropInput(_ dy: Variable, _ w: Variable, geometry g: ConvGeometry) throws -> Variable {
  let out = try conv2dBackpropInput(dy.value, w.value, geometry: g)
  return recorded(out, [dy, w]) { gx, _, needs in
    [
      try needs[0] ? conv2d(gx, w, nil, geometry: g) : nil,
      try needs[1] ? conv2dBackpropFilter(gx, dy, geometry: g) : nil,
    ]
  }
}

/// dw from x and dy. d x = conv2dBackpropInput(dy, gw), d dy = conv2d(x, gw).
public func conv2dBackpropFilter(_ x: Variable, _ dy: Variable, geometry g: ConvGeometry) throws -> Variable {
  let out = try conv2dBackpropFilter(x.value, dy.value, geometry: g)
  return recorded(out, [x, dy]) { gw, _, needs in
    [
      try needs[0] ? conv2dBackpropInput(dy, gw, geometry: g) : nil,
      try needs[1] ? conv2d(x, gw, nil, geometry: g) : nil,
    ]
  }
}

/// max_pool: the max of each window, found with its position in one pass; the gradient goes
/// to that position only (the first one on ties, as TensorFlow's MaxPoolGrad).
public func maxPool(_ x: Variable, geometry g: ConvGeometry) throws -> Variable {
  let (out, indices) = try maxPool(x.value, geometry: g)
  return recorded(out, [x]) { grad, _, _ in
    [try scatterPooled(grad, indices: indices, inputShape: g.inputShape)]
  }
}

private func scatterPooled(_ dy: Variable, indices: Tensor, inputShape: [Int]) throws -> Variable {
  let out = try scatterPooled(dy.value, indices: indices, inputShape: inputShape)
  return recorded(out, [dy]) { gx, _, _ in [try gatherPooled(gx, indices: indices)] }
}

private func gatherPooled(_ x: Variable, indices: Tensor) throws -> Variable {
  let out = try gatherPooled(x.value, indices: indices)
  let shape = x.shape
  return recorded(out, [x]) { grad, _, _ in [try scatterPooled(grad, indices: indices, inputShape: shape)] }
}

/// avg_pool, whose pullback is its adjoint (and the adjoint's pullback avg_pool again).
public func avgPool(_ x: Variable, geometry g: ConvGeometry) throws -> Variable {
  let out = try avgPool(x.value, geometry: g)
  return recorded(out, [x]) { grad, _, _ in [try avgPoolBackward(grad, geometry: g)] }
}

private func avgPoolBackward(_ dy: Variable, geometry g: ConvGeometry) throws -> Variable {
  let out = try avgPoolBackward(dy.value, geometry: g)
  return recorded(out, [dy]) { gx, _, _ in [try avgPool(gx, geometry: g)] }
}
