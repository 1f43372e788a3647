import MNLAutodiff
import MNLTensor

extension Builtins {
  /// sort (lists as before; tensors along an axis), argsort, topk and unique, with NumPy's
  /// semantics (stable; NaN largest: last ascending, first descending).
  static let tensorSorting: [BuiltinFunction] = [
    BuiltinFunction(
      "sort",
      [
        .init("items"), .init("key", default: Value.none), .init("reverse", default: .bool(false)),
        .init("axis", default: .int(-1)), .init("descending", default: .bool(false)),
      ],
      doc: "A sorted copy. Lists: key (a function giving the sort key), reverse. Tensors: along axis "
        + "(default -1; none flattens), descending: true for largest first; stable, NaN counts as largest "
        + "(last ascending, first descending). Differentiable for tensors (the gradient follows each value)."
    ) { ctx in
      guard ctx[0].isTensorLike else {
        guard case .int(-1) = ctx[3], case .bool(false) = ctx[4] else {
          throw ScriptError("sort(): axis and descending apply to tensors; for lists use key and reverse")
        }
        return try delegate("sort", ctx)
      }
      // A positional second argument of a tensor sort is the axis, as in np.sort(x, 0).
      var axisValue = ctx[3]
      switch ctx[1] {
      case .none: break
      case .int: axisValue = ctx[1]
      default: throw ScriptError("sort(): key applies to lists; a tensor sorts by its values along axis")
      }
      let axis = try axisArgument(axisValue, ctx)
      let descending = try ctx.bool(4) || ctx.bool(2)
      return try tensorOp(
        [try ctx.tensorArg(0)], plain: { try sort($0[0], axis: axis, descending: descending) },
        traced: { try MNLAutodiff.sort($0[0], axis: axis, descending: descending) })
    },
    BuiltinFunction(
      "argsort", [.init("x"), .init("axis", default: .int(-1)), .init("descending", default: .bool(false))],
      doc: "The int64 indices that sort x along axis (default -1; none: the flattened x); stable, NaN last "
        + "(first with descending: true). Not differentiable: its result is constant."
    ) { ctx in
      .tensor(try argsort(try ctx.tensor(0), axis: try axisArgument(ctx[1], ctx), descending: try ctx.bool(2)))
    },
    BuiltinFunction(
      "topk", [.init("x"), .init("k"), .init("axis", default: .int(-1))],
      doc: "[values, indices]: the k largest elements along axis (default -1), largest first, and their "
        + "int64 positions (ties: the earlier first; NaN largest), like torch.topk. The values are differentiable."
    ) { ctx in
      let (k, axis) = (try ctx.int(1), try ctx.int(2))
      switch try ctx.tensorArg(0) {
      case .plain(let x):
        let indices = try topkIndices(x, k: k, axis: axis)
        return .list([.tensor(try takeAlongAxis(x, indices: indices, axis: axis)), .tensor(indices)])
      case .traced(let x):
        let (values, indices) = try MNLAutodiff.topk(x, k: k, axis: axis)
        return .list([.wrap(values), .tensor(indices)])
      }
    },
    BuiltinFunction(
      "unique", [.init("x"), .init("counts", default: .bool(false))],
      doc: "The sorted distinct elements of x (flattened), as NumPy's unique (NaNs count as one, last); "
        + "with counts: true, [values, counts] with int64 counts. Not differentiable (a traced x is an error)."
    ) { ctx in
      let (values, counts) = try unique(try ctx.tensor(0))
      return try ctx.bool(1) ? .list([.tensor(values), .tensor(counts)]) : .tensor(values)
    },
  ]

  /// An axis argument where none means "the flattened tensor" (NumPy's axis=None).
  static func axisArgument(_ value: Value, _ ctx: CallContext) throws -> Int? {
    switch value {
    case .none: return nil
    case .int(let n): return n
    default: throw ScriptError("\(ctx.function.name)(): axis must be an int or none, found \(value.typeName)")
    }
  }
}
