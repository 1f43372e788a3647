import MNLAutodiff
import MNLTensor

extension Builtins {
  /// isnan/isfinite/isinf, clip, allclose and linspace.
  static let tensorElements: [BuiltinFunction] = [
    test(.isnan, "true where x is NaN (a bool tensor; integers never are). Constant under grad."),
    test(.isfinite, "true where x is neither NaN nor infinite (a bool tensor). Constant under grad."),
    test(.isinf, "true where x is +inf or -inf (a bool tensor). Constant under grad."),
    BuiltinFunction(
      "clip", [.init("x"), .init("lo", default: Value.none), .init("hi", default: Value.none)],
      doc: "NumPy's clip: minimum(maximum(x, lo), hi); either bound may be none or a tensor (broadcast). "
        + "Differentiable like torch.clamp: x gets the gradient where lo <= x <= hi (bounds included)."
    ) { ctx in
      let x = try ctx.tensorArg(0)
      var args = [x]
      for i in 1...2 {
        if case .none = ctx[i] { continue }
        let (_, bound) = try WeakScalar.operands(ctx[0], x, ctx[i], try ctx.tensorArg(i), comparison: false, operation: "clip")
        args.append(bound)
      }
      let (hasLo, hasHi) = (!isNone(ctx[1]), !isNone(ctx[2]))
      func bounds<T>(_ v: [T]) -> (T?, T?) {
        (hasLo ? v[1] : nil, hasHi ? v[hasLo ? 2 : 1] : nil)
      }
      return try tensorOp(
        args,
        plain: { v in let (lo, hi) = bounds(v); return try clip(v[0], lo: lo, hi: hi) },
        traced: { v in let (lo, hi) = bounds(v); return try MNLAutodiff.clip(v[0], lo: lo, hi: hi) })
    },
    BuiltinFunction(
      "allclose",
      [
        .init("a"), .init("b"), .init("rtol", default: .float(1e-5)), .init("atol", default: .float(1e-8)),
        .init("equal_nan", default: .bool(false)),
      ],
      doc: "true when |a - b| <= atol + rtol * |b| everywhere (with broadcasting; NaN is never close unless "
        + "equal_nan), as NumPy's allclose. Constant under grad."
    ) { ctx in
      .bool(
        try allClose(
          try ctx.tensor(0), try ctx.tensor(1), rtol: try ctx.double(2), atol: try ctx.double(3),
          equalNaN: try ctx.bool(4)))
    },
    BuiltinFunction(
      "linspace",
      [.init("start"), .init("stop"), .init("n", default: .int(50)), .init("endpoint", default: .bool(true))],
      doc: "n evenly spaced float32 values from start to stop (stop included unless endpoint: false), "
        + "as NumPy's linspace."
    ) { ctx in
      .tensor(try linspace(try ctx.double(0), try ctx.double(1), count: try ctx.int(2), endpoint: try ctx.bool(3)))
    },
  ]

  private static func isNone(_ value: Value) -> Bool {
    if case .none = value { return true }
    return false
  }

  private static func test(_ kind: ElementTest, _ doc: String) -> BuiltinFunction {
    BuiltinFunction(kind.rawValue, [.init("x")], doc: doc) { ctx in
      switch ctx[0] {
      case .float(let d): return .bool(kind == .isnan ? d.isNaN : kind == .isinf ? d.isInfinite : d.isFinite)
      case .int, .bool: return .bool(kind == .isfinite)
      default: return .tensor(elementTest(kind, try ctx.tensor(0)))
      }
    }
  }
}
