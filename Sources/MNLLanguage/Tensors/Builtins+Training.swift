import MNLTensor

extension Builtins {
  /// Whole-tree operations for training loops. The in-place updates are fused kernels:
  /// written in mnl, `p = p - lr * g` would allocate two tensors per parameter per step.
  static let training: [BuiltinFunction] = [
    BuiltinFunction(
      "sgd_update",
      [.init("params"), .init("grads"), .init("learning_rate"), .init("weight_decay", default: .float(0)),
       .init("averages", default: Value.none), .init("average_decay", default: Value.none)],
      doc: "Gradient descent in place: every tensor or number p of params becomes p - learning_rate * (g + weight_decay * p); "
        + "with averages, then a = average_decay * a + (1 - average_decay) * p, all in one pass."
    ) { ctx in
      let lr = try ctx.float(2)
      let averaged = ctx[4].isSome
      let plain = ctx[3].asDouble == 0 && !averaged
      guard averaged == ctx[5].isSome else {
        throw ScriptError("sgd_update(): averages and average_decay go together")
      }
      if plain {
        let lrDouble = ctx[2].asDouble ?? Double(lr)
        try ParameterTree.updateInPlace(ctx[0], ctx[1], scalar: { $0 - lrDouble * $1 }) { p, g, path in
          guard p.shape == g.shape else { throw TensorError.shapeMismatch("sgd_update at \(path)", p.shape, g.shape, infix: "vs gradient") }
          try p.addScaled(g, scale: -lr)
        }
        return .none
      }
      // Weight decay (the L2 term's gradient) and the moving average fused into the update:
      // one pass over each weight instead of three (OptimizerStep.Kind.sgd).
      var decay: Float = 0
      if averaged {
        decay = try ctx.float(5)
        guard (0...1).contains(decay) else { throw ScriptError("sgd_update(): average_decay must be in [0, 1], got \(decay)") }
      }
      let step = OptimizerStep(kind: .sgd(averaged: averaged), learningRate: lr, beta1: decay)
      try applyOptimizer(ctx, step, states: averaged ? [ctx[4]] : [], stateName: "averages", weightDecay: ctx[3])
      return .none
    },
    BuiltinFunction(
      "ema_update", [.init("averages"), .init("params"), .init("decay")],
      doc: "Moving average in place: every tensor or number a of averages becomes decay * a + (1 - decay) * p."
    ) { ctx in
      let decay = try ctx.float(2)
      guard (0...1).contains(decay) else { throw ScriptError("ema_update(): decay must be in [0, 1], got \(decay)") }
      let decayDouble = ctx[2].asDouble ?? Double(decay)
      try ParameterTree.updateInPlace(ctx[0], ctx[1], scalar: { decayDouble * $0 + (1 - decayDouble) * $1 }) { a, p, path in
        guard a.shape == p.shape else { throw TensorError.shapeMismatch("ema_update at \(path)", a.shape, p.shape, infix: "vs") }
        try a.movingAverage(toward: p, decay: decay)
      }
      return .none
    },
    BuiltinFunction(
      "tree_map", [.init("f"), .init("tree")], variadic: true,
      doc: "Applies f to every tensor leaf of tree (and the matching leaves of further trees), keeping the structure."
    ) { ctx in
      let others = try ctx.rest.map { try ParameterTree.leaves($0) }
      var i = 0
      let f = ctx[0]
      return try ParameterTree.map(ctx[1]) { leaf in
        defer { i += 1 }
        var args = [leaf]
        for (n, leaves) in others.enumerated() {
          guard i < leaves.count else { throw ScriptError("tree_map(): tree \(n + 2) has fewer leaves than the first") }
          args.append(leaves[i])
        }
        return try ctx.interpreter.call(f, args, at: ctx.location)
      }
    },
    BuiltinFunction("clone", [.init("tree")], doc: "A copy of a tree of lists, records and tensors that shares nothing mutable.") { ctx in
      try ParameterTree.map(ctx[0]) { $0 }
    },
    BuiltinFunction("param_count", [.init("tree")], doc: "Total number of elements in the tensors of a tree.") { ctx in
      .int(try ParameterTree.leaves(ctx[0]).reduce(0) { $0 + ((try $1.tensorArg()?.tensor.count) ?? 0) })
    },
  ]
}

extension Value {
  /// Anything but `none` (an optional argument that was given).
  fileprivate var isSome: Bool {
    if case .none = self { return false }
    return true
  }
}
