import MNLAutodiff
import MNLTensor

extension Builtins {
  /// Elementwise functions and reductions. Each also accepts plain numbers, which keep their
  /// scalar meaning (`exp(1)` is a float), and traced tensors, which are recorded for `grad`.
  static let tensorMath: [BuiltinFunction] = [
    elementwise("exp", .exp, "e raised to each element."),
    elementwise("log", .log, "Natural logarithm of each element."),
    elementwise("sqrt", .sqrt, "Square root of each element."),
    elementwise("abs", .abs, "Absolute value of each element."),
    elementwise("tanh", .tanh, "Hyperbolic tangent of each element."),
    elementwise("sigmoid", .sigmoid, "1 / (1 + exp(-x)), elementwise."),
    elementwise("relu", .relu, "max(x, 0), elementwise."),
    elementwise("square", .square, "x², elementwise."),
    elementwise("sign", .sign, "-1, 0 or 1 for each element."),
    elementwise("floor", .floor, "Rounds each element down."),
    pairwise("maximum", .maximum, "The larger of a and b, elementwise (with broadcasting)."),
    pairwise("minimum", .minimum, "The smaller of a and b, elementwise (with broadcasting)."),
    pairwise("equal", .equal, "true where a == b, else false (a bool tensor; with broadcasting)."),
    logical("logical_and", .and, "true where both a and b are non-zero (elementwise, with broadcasting)."),
    logical("logical_or", .or, "true where a or b is non-zero (elementwise, with broadcasting)."),
    logical("logical_xor", .xor, "true where exactly one of a and b is non-zero (elementwise)."),
    BuiltinFunction("logical_not", [.init("x")], doc: "true where x is zero (elementwise; a bool tensor).") { ctx in
      .tensor(logicalNot(try ctx.tensor(0)))
    },
    BuiltinFunction(
      "nonzero", [.init("x")],
      doc: "The positions of non-zero (true) elements: a list with one int64 tensor per axis, like NumPy."
    ) { ctx in
      .list(MNLTensor.nonzero(try ctx.tensor(0)).map(Value.tensor))
    },
    BuiltinFunction(
      "where", [.init("condition"), .init("a"), .init("b")],
      doc: "Elements of a where condition is true (non-zero), else of b (with broadcasting)."
    ) { ctx in
      let c = try ctx.tensorArg(0)
      let (a, b) = try WeakScalar.operands(
        ctx[1], try ctx.tensorArg(1), ctx[2], try ctx.tensorArg(2), comparison: false, operation: "where")
      return try tensorOp(
        [c, a, b], plain: { try whereSelect($0[0], $0[1], $0[2]) },
        traced: { try MNLAutodiff.whereSelect($0[0], $0[1], $0[2]) })
    },
    reduction("sum", .sum, "Sum of all elements, or along axis (keepdims keeps it as size 1)."),
    reduction("mean", .mean, "Mean of all elements, or along axis."),
    reduction("max", .max, "Largest element (or along axis); with several arguments, the largest argument."),
    reduction("min", .min, "Smallest element (or along axis); with several arguments, the smallest argument."),
    statistic("var", "Variance (population, like NumPy's default) of all elements or along axis.") {
      try MNLTensor.variance($0, axes: $1, keepDims: $2)
    } traced: { try MNLAutodiff.variance($0, axes: $1, keepDims: $2) },
    statistic("std", "Standard deviation (population) of all elements or along axis.") {
      try MNLTensor.standardDeviation($0, axes: $1, keepDims: $2)
    } traced: { try MNLAutodiff.standardDeviation($0, axes: $1, keepDims: $2) },
    indexReduction("argmax", "Index of the largest element (flat), or along axis; ties give the first.") {
      try MNLTensor.argmax($0, axis: $1, keepDims: $2)
    },
    indexReduction("argmin", "Index of the smallest element (flat), or along axis; ties give the first.") {
      try MNLTensor.argmin($0, axis: $1, keepDims: $2)
    },
    truthReduction("any", doc: "True if any element (of a list or tensor) is truthy; along axis for tensors (keepdims as sum)."),
    truthReduction("all", doc: "True if every element (of a list or tensor) is truthy; along axis for tensors (keepdims as sum)."),
  ]

  /// any/all: a plain bool over a whole tensor or a list; a bool tensor along `axis` (NumPy's
  /// any/all: an empty selection is false for any, true for all).
  private static func truthReduction(_ name: String, doc: String) -> BuiltinFunction {
    BuiltinFunction(
      name, [.init("items"), .init("axis", default: Value.none), .init("keepdims", default: .bool(false))], doc: doc
    ) { ctx in
      let isAll = name == "all"
      guard ctx[0].isTensorLike else {
        guard case .none = ctx[1] else { throw ScriptError("\(name)(): axis applies to tensors only") }
        return try delegate(name, ctx)
      }
      let x = try ctx.tensor(0)
      let (axes, keep) = (try ctx.axes(1), try ctx.bool(2))
      if axes == nil && !keep { return .bool(isAll ? x.allNonZero : x.anyNonZero) }
      // Count the elements that decide: the true ones for any, the false ones for all.
      let truth = try cast(x, to: .bool)
      let deciding = try reduce(.sum, isAll ? logicalNot(truth) : truth, axes: axes, keepDims: keep)
      return .tensor(try binary(isAll ? .equal : .greater, deciding, Tensor(integer: 0)))
    }
  }

  /// Calls the core (non-tensor) built-in of the same name with this call's arguments.
  static func delegate(_ name: String, _ ctx: CallContext) throws -> Value {
    guard let core = coreGroups.joined().first(where: { $0.name == name }) else {
      throw ScriptError("\(name)() does not accept \(ctx[0].typeName)")
    }
    let declared = ctx.arguments.prefix(core.parameters.count)
    let keywords = zip(core.parameters, declared).compactMap { p, v -> (String, Value)? in
      if case .none = v, p.defaultValue != nil { return nil }
      return (p.name, v)
    }
    return try ctx.interpreter.call(.builtin(core), ctx.rest, keywords: keywords, at: ctx.location)
  }

  private static func elementwise(_ name: String, _ op: UnaryOp, _ doc: String) -> BuiltinFunction {
    BuiltinFunction(name, [.init("x")], doc: doc) { ctx in
      switch ctx[0] {
      case .int, .float, .bool:
        if let core = coreGroups.joined().first(where: { $0.name == name }) {
          return try ctx.interpreter.call(.builtin(core), [ctx[0]], at: ctx.location)
        }
      default: break
      }
      return try tensorOp([try ctx.tensorArg(0)], plain: { try checkedUnary(op, $0[0]) }, traced: { try MNLAutodiff.unary(op, $0[0]) })
    }
  }

  private static func logical(_ name: String, _ op: LogicalOp, _ doc: String) -> BuiltinFunction {
    BuiltinFunction(name, [.init("a"), .init("b")], doc: doc) { ctx in
      .tensor(try MNLTensor.logical(op, try ctx.tensor(0), try ctx.tensor(1)))
    }
  }

  private static func pairwise(_ name: String, _ op: BinaryOp, _ doc: String) -> BuiltinFunction {
    BuiltinFunction(name, [.init("a"), .init("b")], doc: doc) { ctx in
      let (a, b) = try WeakScalar.operands(
        ctx[0], try ctx.tensorArg(0), ctx[1], try ctx.tensorArg(1), comparison: op.isComparison, operation: name)
      return try tensorOp(
        [a, b], plain: { try binary(op, $0[0], $0[1]) },
        traced: { try MNLAutodiff.binary(op, $0[0], $0[1]) })
    }
  }

  /// sum/mean/max/min: over a tensor (or a list of numbers), all elements or some axes.
  /// `max(a, b, c)` and `max(list, key: f)` keep their Python meaning.
  private static func reduction(_ name: String, _ op: ReductionOp, _ doc: String) -> BuiltinFunction {
    // The core's own keyword: `start` for sum, `key` for max/min.
    let coreKeyword = name == "sum" ? "start" : "key"
    return BuiltinFunction(
      name, [.init("axis", default: Value.none), .init("keepdims", default: .bool(false)), .init(coreKeyword, default: Value.none)],
      variadic: true, doc: doc
    ) { ctx in
      guard let x = ctx.rest.first, x.isTensorLike || (op == .mean && isNumberList(x)) else {
        return try delegateVariadic(name, ctx)
      }
      // sum(x, 1) is sum(x, axis: 1), as in NumPy.
      var axes = try ctx.axes(0)
      switch ctx.rest.count {
      case 1: break
      case 2:
        guard case .none = ctx[0], let axis = try ctx.rest[1].intList() else {
          throw ScriptError(
            "\(name)() of a tensor takes the axis as its second argument",
            note: name == "max" || name == "min" ? "for the elementwise \(name) of two tensors use \(name)imum(a, b)" : nil)
        }
        axes = axis
      default:
        throw ScriptError("\(name)() of a tensor takes one tensor (and an axis)")
      }
      guard let arg = try x.tensorArg() else { throw ScriptError("\(name)() expects a tensor") }
      let keep = try ctx.bool(1)
      return try tensorOp(
        [arg], plain: { try reduce(op, $0[0], axes: axes, keepDims: keep) },
        traced: { try MNLAutodiff.reduce(op, $0[0], axes: axes, keepDims: keep) })
    }
  }

  private static func isNumberList(_ v: Value) -> Bool {
    guard case .list(let l) = v else { return false }
    return l.items.allSatisfy { item in
      switch item {
      case .int, .float: return true
      default: return false
      }
    }
  }

  /// The core sum/max/min with their own parameters (items + start, or values + key).
  private static func delegateVariadic(_ name: String, _ ctx: CallContext) throws -> Value {
    guard let core = coreGroups.joined().first(where: { $0.name == name }) else {
      throw ScriptError("\(name)() expects a tensor")
    }
    guard case .none = ctx[0] else { throw ScriptError("\(name)(): axis applies to tensors only") }
    var keywords: [(String, Value)] = []
    if case .none = ctx[2] {} else { keywords.append((ctx.function.parameters[2].name, ctx[2])) }
    return try ctx.interpreter.call(.builtin(core), ctx.rest, keywords: keywords, at: ctx.location)
  }

  private static func statistic(
    _ name: String, _ doc: String, plain: @escaping @Sendable (Tensor, [Int]?, Bool) throws -> Tensor,
    traced: @escaping @Sendable (Variable, [Int]?, Bool) throws -> Variable
  ) -> BuiltinFunction {
    BuiltinFunction(name, [.init("x"), .init("axis", default: Value.none), .init("keepdims", default: .bool(false))], doc: doc) { ctx in
      let (axes, keep) = (try ctx.axes(1), try ctx.bool(2))
      return try tensorOp([try ctx.tensorArg(0)], plain: { try plain($0[0], axes, keep) }, traced: { try traced($0[0], axes, keep) })
    }
  }

  private static func indexReduction(
    _ name: String, _ doc: String, _ body: @escaping @Sendable (Tensor, Int?, Bool) throws -> Tensor
  ) -> BuiltinFunction {
    BuiltinFunction(name, [.init("x"), .init("axis", default: Value.none), .init("keepdims", default: .bool(false))], doc: doc) { ctx in
      .tensor(try body(try ctx.tensor(0), try ctx.axis(1), try ctx.bool(2)))
    }
  }
}
