import MNLAutodiff
import MNLTensor

extension Builtins {
  /// Running sums and products (NumPy's cumsum/cumprod), differentiable.
  static let tensorScans: [BuiltinFunction] = [
    scan(.cumsum, "The running sum along axis (default none: the flattened x), as NumPy's cumsum. "
      + "float32 stays float32; integers and bools give int64 (overflow is an error). Differentiable."),
    scan(.cumprod, "The running product along axis (default none: the flattened x), as NumPy's cumprod. "
      + "Differentiable, exactly also where x has zeros (a second derivative there is an error)."),
  ]

  private static func scan(_ op: ScanOp, _ doc: String) -> BuiltinFunction {
    BuiltinFunction(op.rawValue, [.init("x"), .init("axis", default: Value.none)], doc: doc) { ctx in
      let axis = try axisArgument(ctx[1], ctx)
      return try tensorOp(
        [try ctx.tensorArg(0)], plain: { try MNLTensor.scan(op, $0[0], axis: axis) },
        traced: {
          op == .cumsum ? try MNLAutodiff.cumsum($0[0], axis: axis) : try MNLAutodiff.cumprod($0[0], axis: axis)
        })
    }
  }
}
