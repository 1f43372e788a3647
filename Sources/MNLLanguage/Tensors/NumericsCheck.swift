import MNLTensor

/// Stops a training loop whose numbers went bad: a NaN or infinite loss is an error naming the
/// call (the training step) and the tensors that hold non-finite values, instead of a run that
/// prints `nan` for thousands of steps (TensorFlow's check_numerics, on by default here).
/// The check costs one comparison per step; the tensors are scanned only once it fails.
enum NumericsCheck {
  static func loss(
    _ value: Value, call: Int, function: Value, arguments: [Value], gradients: Value
  ) throws {
    var loss = value
    if case .list(let pair) = value, let first = pair.items.first { loss = first }  // has_aux
    guard let number = try loss.readingTracedValue.tensorArg()?.tensor.scalarValue, !number.isFinite
    else { return }
    let names: [String] = {
      if case .function(let f) = function { return f.parameterNames }
      return []
    }()
    var culprits: [String] = []
    for (i, argument) in arguments.enumerated() {
      let name = i < names.count ? names[i] : "argument \(i + 1)"
      collectNonFinite(argument, path: name, into: &culprits)
    }
    collectNonFinite(gradients, path: "gradients", into: &culprits)
    let shown = culprits.prefix(8).joined(separator: ", ") + (culprits.count > 8 ? ", …" : "")
    throw ScriptError(
      "the loss is \(number.isNaN ? "nan" : number > 0 ? "inf" : "-inf") at call \(call) of this value_and_grad function"
        + (culprits.isEmpty
          ? "; its arguments and gradients are finite, so the loss itself overflowed"
          : "; non-finite values in \(shown)"),
      note: "training diverged, or the data holds NaN/Inf: lower the learning rate or check the inputs (value_and_grad(f, check_numerics: false) turns this check off)")
  }

  /// Appends the path of every tensor or number in `tree` that holds a NaN or an infinity.
  static func collectNonFinite(_ tree: Value, path: String, into out: inout [String], depth: Int = 0) {
    guard depth < 64 else { return }
    switch tree.readingTracedValue {
    case .float(let d): if !d.isFinite { out.append(path) }
    case .tensor(let t):
      guard t.dtype == .float32 else { return }
      let bad = t.withUnsafeBufferPointer { buffer in buffer.contains { !$0.isFinite } }
      if bad { out.append(path) }
    case .list(let l):
      for (i, item) in l.items.enumerated() { collectNonFinite(item, path: "\(path)[\(i)]", into: &out, depth: depth + 1) }
    case .record(let r):
      for (key, item) in r.fields { collectNonFinite(item, path: "\(path).\(key)", into: &out, depth: depth + 1) }
    default: break
    }
  }
}
