/// What each built-in does with a tensor that `grad` is tracing — the rule that keeps
/// autodiff from dropping the tape without a word: a built-in either differentiates through
/// a traced argument, or its result is constant by nature, or it refuses the call with an
/// error. A built-in missing from `policies` refuses, so a new built-in cannot silently cut a
/// gradient (Tests/MNLLanguageTests/TracedArgumentTableTests walks every one).
enum TracedArgumentPolicy {
  /// Records its work on traced tensors (tensor math), or passes them along untouched (list
  /// operations, calls of user functions).
  case propagates
  /// Reads the values as constants: its result does not vary smoothly with them (argmax,
  /// comparisons, shapes, printing), so a zero gradient through it is the right answer.
  case constantResult
  /// Cannot differentiate: a traced argument is an error.
  case refuses
}

enum TracedArguments {
  static let policies: [String: TracedArgumentPolicy] = {
    var table: [String: TracedArgumentPolicy] = [:]
    let propagating = [
      // tensor math, recorded for the backward pass
      "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "square", "maximum", "minimum",
      "where", "sum", "mean", "max", "min", "var", "std", "softmax", "log_softmax", "l2_loss",
      "sparse_softmax_cross_entropy", "matmul", "linear", "cast", "reshape", "transpose",
      "squeeze", "expand_dims", "broadcast_to", "concat", "stack", "take", "tensor",
      "conv2d", "max_pool", "avg_pool",
      "cumsum", "cumprod", "clip", "topk", "tile", "repeat", "flip", "pad", "diag", "outer", "einsum",
      // functions of functions: the traced values reach user code, which records them
      "grad", "value_and_grad", "grad(f)", "value_and_grad(f)", "tree_map", "map", "filter", "sort",
      // containers: the traced values are moved, not read
      "list", "copy", "reversed", "zip", "enumerate", "append", "push", "extend", "insert", "pop",
      "get", "keys", "values", "items", "remove", "clone",
    ]
    let constant = [
      "argmax", "argmin", "equal", "sign", "floor", "int", "bool", "any", "all",
      "one_hot", "accuracy", "shape", "zeros_like", "ones_like", "param_count", "len", "type",
      "print", "repr", "str", "format", "show", "assert", "error", "raise", "index_of", "has", "contains",
      "stop_gradient", "isnan", "isfinite", "isinf",
      // positions and truth values: piecewise constant in the inputs (unique refuses: its
      // values do vary with x)
      "argsort", "nonzero", "allclose",
      "plot", "scatter", "hist",  // pictures: the values are read, nothing is returned
    ]
    for name in propagating { table[name] = .propagates }
    for name in constant { table[name] = .constantResult }
    return table
  }()

  static func policy(of name: String) -> TracedArgumentPolicy { policies[name] ?? .refuses }

  /// Throws when `context`'s built-in refuses traced tensors and one of its arguments is one.
  static func check(_ context: CallContext) throws {
    guard policy(of: context.function.name) == .refuses else { return }
    let all = context.arguments + context.rest
    for (i, argument) in all.enumerated() where containsTraced(argument) {
      let parameter =
        i < context.function.parameters.count && i < context.arguments.count
        ? "'\(context.function.parameters[i].name)'" : "argument \(i + 1)"
      throw ScriptError(
        "\(context.function.name)() cannot be differentiated: its \(parameter) is a tensor that grad is tracing",
        note: "use stop_gradient(x) to pass its value as a constant (no gradient flows through it)")
    }
  }

  /// Whether `value` is, or holds (in lists and records), a traced tensor.
  static func containsTraced(_ value: Value, depth: Int = 0) -> Bool {
    guard depth < 64 else { return false }
    switch value {
    // A traced tensor that outlived its grad call is a constant by now.
    case .object(let o as TracedTensor): return o.variable.requiresGradient
    case .list(let l): return l.items.contains { containsTraced($0, depth: depth + 1) }
    case .record(let r): return r.values.contains { containsTraced($0, depth: depth + 1) }
    default: return false
    }
  }
}

extension Value {
  /// A traced tensor as the plain tensor it holds (for reading its value where the result is
  /// constant by nature, such as formatting); any other value as it is.
  var readingTracedValue: Value {
    if case .object(let o as TracedTensor) = self { return .tensor(o.variable.value) }
    return self
  }
}
