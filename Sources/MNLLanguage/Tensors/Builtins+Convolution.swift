import MNLAutodiff
import MNLTensor

extension Builtins {
  /// Convolution and pooling over NHWC images (TensorFlow's layouts and padding rules).
  static let convolution: [BuiltinFunction] = [
    BuiltinFunction(
      "conv2d",
      [.init("x"), .init("w"), .init("b", default: Value.none), .init("stride", default: .int(1)),
       .init("padding", default: .string("SAME")), .init("relu", default: .bool(false))],
      doc: "2-D convolution of x [N, H, W, C] with filters w [KH, KW, C, O] (TensorFlow's NHWC/HWIO), stride and padding \"SAME\" or \"VALID\"; then + b [O] and ReLU if relu, fused."
    ) { ctx in
      let (x, w) = (try ctx.tensorArg(0), try ctx.tensorArg(1))
      let g = try convGeometry(
        input: x.tensor.shape, filter: w.tensor.shape, stride: try ctx.pair(3), padding: try ctx.padding(4))
      let relu = try ctx.bool(5)
      var args = [x, w]
      let hasBias = !ctx[2].isNone
      if hasBias { args.append(try ctx.tensorArg(2)) }
      return try tensorOp(
        args, plain: { try conv2d($0[0], $0[1], hasBias ? $0[2] : nil, relu: relu, geometry: g) },
        traced: { try MNLAutodiff.conv2d($0[0], $0[1], hasBias ? $0[2] : nil, relu: relu, geometry: g) })
    },
    BuiltinFunction(
      "max_pool",
      [.init("x"), .init("size", default: .int(2)), .init("stride", default: Value.none), .init("padding", default: .string("SAME"))],
      doc: "The max of each size×size window of x [N, H, W, C], windows stride apart (default: size), padding \"SAME\" or \"VALID\"."
    ) { ctx in
      let g = try ctx.poolGeometry()
      return try tensorOp(
        [try ctx.tensorArg(0)], plain: { try maxPool($0[0], geometry: g).0 }, traced: { try MNLAutodiff.maxPool($0[0], geometry: g) })
    },
    BuiltinFunction(
      "avg_pool",
      [.init("x"), .init("size", default: .int(2)), .init("stride", default: Value.none), .init("padding", default: .string("SAME"))],
      doc: "The mean of each size×size window of x [N, H, W, C] (padding not counted), windows stride apart (default: size)."
    ) { ctx in
      let g = try ctx.poolGeometry()
      return try tensorOp(
        [try ctx.tensorArg(0)], plain: { try avgPool($0[0], geometry: g) }, traced: { try MNLAutodiff.avgPool($0[0], geometry: g) })
    },
  ]
}

extension CallContext {
  /// Argument `i` as a (height, width) pair: one int for both, or a list of two.
  func pair(_ i: Int) throws -> (Int, Int) {
    let name = i < function.parameters.count ? function.parameters[i].name : "argument"
    switch self[i] {
    case .int(let n): return (n, n)
    case .list(let l) where l.items.count == 2:
      if case .int(let a) = l.items[0], case .int(let b) = l.items[1] { return (a, b) }
    default: break
    }
    throw ScriptError("\(function.name)() expects '\(name)' to be an int or a list of two ints, got \(self[i].display())")
  }

  func padding(_ i: Int) throws -> ConvPadding {
    let s = try string(i)
    guard let p = ConvPadding(rawValue: s.uppercased()) else {
      throw ScriptError("\(function.name)(): padding must be \"SAME\" or \"VALID\", got \"\(s)\"")
    }
    return p
  }

  /// max_pool/avg_pool's (x, size, stride, padding) as a window geometry.
  fileprivate func poolGeometry() throws -> ConvGeometry {
    let size = try pair(1)
    let stride = self[2].isNone ? size : try pair(2)
    return try MNLTensor.poolGeometry(function.name, input: try tensor(0).shape, window: size, stride: stride, padding: try padding(3))
  }
}
