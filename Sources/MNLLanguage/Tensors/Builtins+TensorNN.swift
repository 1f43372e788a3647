import MNLAutodiff
import MNLTensor

extension Builtins {
  /// Linear algebra and the building blocks of a classifier.
  static let tensorNN: [BuiltinFunction] = [
    BuiltinFunction(
      "matmul", [.init("a"), .init("b"), .init("transpose_a", default: .bool(false)), .init("transpose_b", default: .bool(false))],
      doc: "Matrix product a @ b (2-D, 1-D or batched 3-D); transpose_a/b use aᵀ or bᵀ without copying."
    ) { ctx in
      let (ta, tb) = (try ctx.bool(2), try ctx.bool(3))
      return try tensorOp(
        [try ctx.tensorArg(0), try ctx.tensorArg(1)],
        plain: { try matmul($0[0], $0[1], transposeA: ta, transposeB: tb) },
        traced: { try MNLAutodiff.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) })
    },
    BuiltinFunction(
      "linear", [.init("x"), .init("w"), .init("b", default: Value.none), .init("relu", default: .bool(false))],
      doc: "A dense layer in one fused kernel: x @ w + b, then ReLU if relu is true."
    ) { ctx in
      let relu = try ctx.bool(3)
      var args = [try ctx.tensorArg(0), try ctx.tensorArg(1)]
      let hasBias = !(ctx[2].isNone)
      if hasBias { args.append(try ctx.tensorArg(2)) }
      return try tensorOp(
        args, plain: { try linear($0[0], $0[1], hasBias ? $0[2] : nil, relu: relu) },
        traced: { try MNLAutodiff.linear($0[0], $0[1], hasBias ? $0[2] : nil, relu: relu) })
    },
    BuiltinFunction("softmax", [.init("x"), .init("axis", default: .int(-1))], doc: "exp(x) / sum(exp(x)) along axis (stable).") { ctx in
      let axis = try ctx.int(1)
      return try tensorOp(
        [try ctx.tensorArg(0)], plain: { try softmax($0[0], axis: axis) }, traced: { try MNLAutodiff.softmax($0[0], axis: axis) })
    },
    BuiltinFunction("log_softmax", [.init("x"), .init("axis", default: .int(-1))], doc: "log(softmax(x)) computed stably.") { ctx in
      let axis = try ctx.int(1)
      return try tensorOp(
        [try ctx.tensorArg(0)], plain: { try logSoftmax($0[0], axis: axis) },
        traced: { try MNLAutodiff.logSoftmax($0[0], axis: axis) })
    },
    BuiltinFunction(
      "sparse_softmax_cross_entropy", [.init("logits"), .init("labels")],
      doc: "Per-example cross-entropy of softmax(logits [N, C]) against int labels [N] (stable)."
    ) { ctx in
      try tensorOp(
        [try ctx.tensorArg(0), try ctx.tensorArg(1)],
        plain: { try sparseSoftmaxCrossEntropy(logits: $0[0], labels: $0[1]) },
        traced: { try MNLAutodiff.sparseSoftmaxCrossEntropy(logits: $0[0], labels: $0[1]) })
    },
    BuiltinFunction("one_hot", [.init("labels"), .init("n")], doc: "Rows of n zeros with a 1 at each label.") { ctx in
      .tensor(try oneHot(try ctx.tensor(0), depth: try ctx.int(1)))
    },
    BuiltinFunction("l2_loss", [.init("x")], doc: "sum(x²) / 2, as TensorFlow's tf.nn.l2_loss.") { ctx in
      try tensorOp([try ctx.tensorArg(0)], plain: { l2Loss($0[0]) }, traced: { try MNLAutodiff.l2Loss($0[0]) })
    },
    BuiltinFunction(
      "cast", [.init("x"), .init("dtype")],
      doc: "Converts elements to dtype (\"float32\", \"int64\", \"int32\", \"uint8\", \"bool\"); floats truncate toward zero, values that do not fit are errors, bool means non-zero."
    ) { ctx in
      let dtype = try ctx.dtype(1)
      return try tensorOp([try ctx.tensorArg(0)], plain: { try cast($0[0], to: dtype) }, traced: { try MNLAutodiff.cast($0[0], to: dtype) })
    },
    BuiltinFunction("accuracy", [.init("logits"), .init("labels")], doc: "Fraction of rows whose argmax equals the label.") { ctx in
      let (logits, labels) = (try ctx.tensor(0), try ctx.tensor(1))
      let predicted = try argmax(logits, axis: -1)
      guard predicted.shape == labels.shape else {
        throw TensorError.shapeMismatch("accuracy", logits.shape, labels.shape, infix: "vs labels")
      }
      guard labels.dtype.isInteger || labels.count == 0 else {
        throw ScriptError("accuracy() needs integer labels, got \(labels.dtype.withArticle) tensor")
      }
      let hits = try reduce(.mean, try binary(.equal, predicted, labels))
      return .float(Double(hits.scalarValue ?? 0))
    },
  ]

  /// Shapes: reading, reshaping, transposing, joining and gathering.
  static let tensorShape: [BuiltinFunction] = [
    BuiltinFunction("shape", [.init("x")], doc: "The shape of a tensor as a list of ints.") { ctx in
      .list(try ctx.tensor(0).shape.map(Value.int))
    },
    BuiltinFunction("reshape", [.init("x"), .init("shape")], doc: "Same elements, new shape; one dimension may be -1.") { ctx in
      let shape = try ctx.shape(1)
      return try tensorOp([try ctx.tensorArg(0)], plain: { try $0[0].reshaped(shape) }, traced: { try $0[0].reshaped(shape) })
    },
    BuiltinFunction("transpose", [.init("x"), .init("axes", default: Value.none)], doc: "Reverses the axes, or permutes them by axes.") { ctx in
      let perm = try ctx.axes(1)
      return try tensorOp(
        [try ctx.tensorArg(0)], plain: { try $0[0].transposed(perm) }, traced: { try $0[0].transposed(perm) })
    },
    BuiltinFunction("squeeze", [.init("x"), .init("axis", default: Value.none)], doc: "Removes dimensions of size 1.") { ctx in
      let axes = try ctx.axes(1)
      return try tensorOp(
        [try ctx.tensorArg(0)], plain: { try $0[0].squeezed(axes: axes) }, traced: { try $0[0].squeezed(axes: axes) })
    },
    BuiltinFunction("expand_dims", [.init("x"), .init("axis")], doc: "Inserts a dimension of size 1 at axis.") { ctx in
      let axis = try ctx.int(1)
      return try tensorOp(
        [try ctx.tensorArg(0)], plain: { try $0[0].expandingDims(at: axis) },
        traced: { try $0[0].expandingDims(at: axis) })
    },
    BuiltinFunction("broadcast_to", [.init("x"), .init("shape")], doc: "Repeats x along new or size-1 axes to shape.") { ctx in
      let shape = try ctx.shape(1)
      return try tensorOp(
        [try ctx.tensorArg(0)], plain: { try $0[0].broadcast(to: shape) }, traced: { try $0[0].broadcast(to: shape) })
    },
    BuiltinFunction("concat", [.init("tensors"), .init("axis", default: .int(0))], doc: "Joins tensors along an existing axis.") { ctx in
      let axis = try ctx.int(1)
      return try tensorOp(try tensorList(ctx, 0), plain: { try concat($0, axis: axis) }, traced: { try MNLAutodiff.concat($0, axis: axis) })
    },
    BuiltinFunction("stack", [.init("tensors"), .init("axis", default: .int(0))], doc: "Joins same-shape tensors along a new axis.") { ctx in
      let axis = try ctx.int(1)
      return try tensorOp(try tensorList(ctx, 0), plain: { try stack($0, axis: axis) }, traced: { try MNLAutodiff.stack($0, axis: axis) })
    },
    BuiltinFunction(
      "take", [.init("x"), .init("indices"), .init("axis", default: .int(0))],
      doc: "The slices of x at the given indices along axis (e.g. a batch of rows)."
    ) { ctx in
      let axis = try ctx.int(2)
      let indices = try ctx.tensor(1)
      guard indices.dtype.isInteger || indices.count == 0 else {
        throw ScriptError(
          "take() needs integer indices, got \(indices.dtype.withArticle) tensor",
          note: indices.dtype == .bool ? "a bool tensor is a mask: use x[mask]" : "cast(indices, \"int64\") converts whole-number floats")
      }
      return try tensorOp(
        [try ctx.tensorArg(0), .plain(indices)], plain: { try take($0[0], indices: $0[1], axis: axis) },
        traced: { try MNLAutodiff.take($0[0], indices: $0[1], axis: axis) })
    },
  ]

  private static func tensorList(_ ctx: CallContext, _ i: Int) throws -> [TensorArg] {
    let items = try ctx.list(i).items
    guard !items.isEmpty else { throw ScriptError("\(ctx.function.name)() needs at least one tensor") }
    return try items.map { v in
      guard let t = try v.tensorArg() else { throw ScriptError("\(ctx.function.name)() expects a list of tensors, found \(v.typeName)") }
      return t
    }
  }
}

extension Value {
  var isNone: Bool {
    if case .none = self { return true }
    return false
  }
}
