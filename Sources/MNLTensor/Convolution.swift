import MNLKernels

public typealias ConvGeometry = MNLKernels.ConvGeometry

/// TensorFlow's padding modes: SAME keeps ⌈size / stride⌉ outputs per axis (zeros split
/// evenly around the image, the odd one after), VALID keeps only windows inside the image.
public enum ConvPadding: String, Sendable {
  case same = "SAME"
  case valid = "VALID"
}

/// Output size and leading padding of one spatial axis.
private func axisGeometry(
  _ op: String, _ extent: Int, window: Int, stride: Int, padding: ConvPadding
) throws -> (out: Int, pad: Int) {
  switch padding {
  case .same:
    let out = (extent + stride - 1) / stride
    let total = max(0, (out - 1) * stride + window - extent)
    return (out, total / 2)
  case .valid:
    guard extent >= window else {
      throw TensorError("\(op) with VALID padding needs a window of at most the input size: window \(window) > input \(extent)")
    }
    return ((extent - window) / stride + 1, 0)
  }
}

/// The geometry of conv2d(x [N, H, W, C], w [KH, KW, C, O]).
public func convGeometry(
  input: [Int], filter: [Int], stride: (Int, Int), padding: ConvPadding
) throws -> ConvGeometry {
  guard input.count == 4 else {
    throw TensorError("conv2d needs an NHWC input [batch, height, width, channels], got \(formatShape(input))")
  }
  guard filter.count == 4 else {
    throw TensorError("conv2d needs an HWIO filter [height, width, in_channels, out_channels], got \(formatShape(filter))")
  }
  guard input[3] == filter[2] else {
    throw TensorError.shapeMismatch("conv2d (input channels vs filter in_channels)", input, filter, infix: "with filter")
  }
  guard filter[0] > 0, filter[1] > 0 else { throw TensorError("conv2d needs a filter window of at least 1×1, got \(formatShape(filter))") }
  return try windowGeometry("conv2d", input: input, window: (filter[0], filter[1]), outChannels: filter[3], stride: stride, padding: padding)
}

/// The geometry of a pooling window over x [N, H, W, C].
public func poolGeometry(
  _ op: String, input: [Int], window: (Int, Int), stride: (Int, Int), padding: ConvPadding
) throws -> ConvGeometry {
  guard input.count == 4 else {
    throw TensorError("\(op) needs an NHWC input [batch, height, width, channels], got \(formatShape(input))")
  }
  guard window.0 > 0, window.1 > 0 else { throw TensorError("\(op) needs a window of at least 1×1, got \(window.0)×\(window.1)") }
  return try windowGeometry(op, input: input, window: window, outChannels: input[3], stride: stride, padding: padding)
}

private func windowGeometry(
  _ op: String, input: [Int], window: (Int, Int), outChannels: Int, stride: (Int, Int), padding: ConvPadding
) throws -> ConvGeometry {
  guard stride.0 > 0, stride.1 > 0 else { throw TensorError("\(op) needs positive strides, got \(stride.0), \(stride.1)") }
  // Window and stride sizes far beyond any image would overflow the index arithmetic.
  let largest = 1 << 30
  guard window.0 <= largest, window.1 <= largest, stride.0 <= largest, stride.1 <= largest else {
    throw TensorError("\(op): window \(window.0)×\(window.1) or stride \(stride.0)×\(stride.1) is too large")
  }
  let (oh, top) = try axisGeometry(op, input[1], window: window.0, stride: stride.0, padding: padding)
  let (ow, left) = try axisGeometry(op, input[2], window: window.1, stride: stride.1, padding: padding)
  let g = ConvGeometry(
    batch: input[0], height: input[1], width: input[2], channels: input[3], kernelHeight: window.0,
    kernelWidth: window.1, outChannels: outChannels, strideH: stride.0, strideW: stride.1, padTop: top,
    padLeft: left, outHeight: oh, outWidth: ow)
  try validateShape([g.batch, oh, ow, outChannels])
  let (area, overflow1) = window.0.multipliedReportingOverflow(by: window.1)
  let (patch, overflow2) = area.multipliedReportingOverflow(by: max(1, input[3]))
  guard !overflow1, !overflow2, patch < Int(Int32.max), g.inputCount < Int(Int32.max) else {
    throw TensorError("\(op): input \(formatShape(input)) is too large")
  }
  return g
}

extension ConvGeometry {
  public var inputShape: [Int] { [batch, height, width, channels] }
  public var filterShape: [Int] { [kernelHeight, kernelWidth, channels, outChannels] }
  public var outputShape: [Int] { [batch, outHeight, outWidth, outChannels] }
}

/// TensorFlow's conv2d (NHWC input, HWIO filter), plus a bias per output channel and ReLU.
public func conv2d(
  _ x: Tensor, _ w: Tensor, _ b: Tensor?, relu: Bool = false, geometry g: ConvGeometry
) throws -> Tensor {
  if let b, b.shape != [g.outChannels] {
    throw TensorError("bias shape \(formatShape(b.shape)) does not match \(g.outChannels) output channels in conv2d")
  }
  let (x, w, b) = (x.convertedToFloat32(), w.convertedToFloat32(), b?.convertedToFloat32())
  var out = Tensor(uninitializedShape: g.outputShape)
  out.withUnsafeMutableBufferPointer { o in
    guard let base = o.baseAddress else { return }
    if g.patch == 0 {
      for i in 0..<o.count { o[i] = relu ? max(0, b?.storage.pointer[i % g.outChannels] ?? 0) : (b?.storage.pointer[i % g.outChannels] ?? 0) }
      return
    }
    Convolution.forward(
      g, input: x.storage.pointer, filter: w.storage.pointer, bias: b.map { UnsafePointer($0.storage.pointer) },
      relu: relu, output: base)
  }
  return out
}

/// The gradient of conv2d's input from the output gradient dy (TensorFlow's conv2d_backprop_input).
public func conv2dBackpropInput(_ dy: Tensor, _ w: Tensor, geometry g: ConvGeometry) throws -> Tensor {
  guard dy.shape == g.outputShape else { throw TensorError.shapeMismatch("conv2d's input gradient", dy.shape, g.outputShape, infix: "vs output") }
  let (dy, w) = (dy.convertedToFloat32(), w.convertedToFloat32())
  return filled(g.inputShape) {
    Convolution.backwardInput(g, outputGradient: dy.storage.pointer, filter: w.storage.pointer, inputGradient: $0)
  }
}

/// The gradient of conv2d's filter from its input x and output gradient dy
/// (TensorFlow's conv2d_backprop_filter).
public func conv2dBackpropFilter(_ x: Tensor, _ dy: Tensor, geometry g: ConvGeometry) throws -> Tensor {
  guard dy.shape == g.outputShape else { throw TensorError.shapeMismatch("conv2d's filter gradient", dy.shape, g.outputShape, infix: "vs output") }
  let (x, dy) = (x.convertedToFloat32(), dy.convertedToFloat32())
  return filled(g.filterShape) {
    Convolution.backwardFilter(g, input: x.storage.pointer, outputGradient: dy.storage.pointer, filterGradient: $0)
  }
}

/// Max pooling: the output and, per output element, the flat input index of its max (int32).
public func maxPool(_ x: Tensor, geometry g: ConvGeometry) throws -> (Tensor, Tensor) {
  let x = x.convertedToFloat32()
  var out = Tensor(uninitializedShape: g.outputShape)
  let indices = Tensor(uninitializedShape: g.outputShape, dtype: .int32)
  let idx = indices.storage.raw.assumingMemoryBound(to: Int32.self)
  out.withUnsafeMutableBufferPointer { o in
    guard let base = o.baseAddress else { return }
    Pooling.maxForward(g, input: x.storage.pointer, output: base, argmax: idx)
  }
  return (out, indices)
}

/// dx with dy[i] added at input index indices[i] (the adjoint of `gatherPooled`).
public func scatterPooled(_ dy: Tensor, indices: Tensor, inputShape: [Int]) throws -> Tensor {
  guard dy.shape == indices.shape, indices.dtype == .int32 else {
    throw TensorError.shapeMismatch("max_pool's gradient", dy.shape, indices.shape, infix: "vs indices")
  }
  let dy = dy.convertedToFloat32()
  var dx = Tensor(uninitializedShape: inputShape)
  let idx = UnsafePointer(indices.storage.raw.assumingMemoryBound(to: Int32.self))
  let n = dy.count
  dx.withUnsafeMutableBufferPointer { d in
    guard let base = d.baseAddress else { return }
    Pooling.scatter(dy.storage.pointer, argmax: idx, count: n, into: base, inputCount: d.count)
  }
  return dx
}

/// x read at the pooled positions `indices` (shape of the pool's output).
public func gatherPooled(_ x: Tensor, indices: Tensor) throws -> Tensor {
  let x = x.convertedToFloat32()
  var out = Tensor(uninitializedShape: indices.shape)
  let idx = UnsafePointer(indices.storage.raw.assumingMemoryBound(to: Int32.self))
  let n = x.count
  out.withUnsafeMutableBufferPointer { o in
    guard let base = o.baseAddress else { return }
    Pooling.gather(x.storage.pointer, argmax: idx, count: o.count, inputCount: n, into: base)
  }
  return out
}

/// Average pooling (padding excluded from each mean, as TensorFlow's avg_pool).
public func avgPool(_ x: Tensor, geometry g: ConvGeometry) throws -> Tensor {
  let x = x.convertedToFloat32()
  return filled(g.outputShape) { Pooling.averageForward(g, input: x.storage.pointer, output: $0) }
}

/// The adjoint of avgPool: the input gradient from the output gradient.
public func avgPoolBackward(_ dy: Tensor, geometry g: ConvGeometry) throws -> Tensor {
  guard dy.shape == g.outputShape else { throw TensorError.shapeMismatch("avg_pool's gradient", dy.shape, g.outputShape, infix: "vs output") }
  let dy = dy.convertedToFloat32()
  return filled(g.inputShape) { Pooling.averageBackward(g, outputGradient: dy.storage.pointer, inputGradient: $0) }
}

/// A float32 tensor of `shape` whose every element `fill` writes (nothing to do when empty).
private func filled(_ shape: [Int], _ fill: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
  var out = Tensor(uninitializedShape: shape)
  out.withUnsafeMutableBufferPointer { if let base = $0.baseAddress { fill(base) } }
  return out
}
