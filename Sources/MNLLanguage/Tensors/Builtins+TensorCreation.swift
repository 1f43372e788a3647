import MNLAutodiff
import MNLTensor

extension Builtins {
  /// Making tensors: from literals, filled, ranges, identity and random initialisers.
  static let tensorCreation: [BuiltinFunction] = [
    BuiltinFunction(
      "tensor", [.init("data"), .init("dtype", default: Value.none)],
      doc: "A tensor from a number or nested list: tensor([[1, 2], [3, 4]]). All-int data gives int64, all-bool data bool, any float float32."
    ) { ctx in
      // Traced values (inside grad) stay traced: a list of them is stacked on the tape.
      var traced: Variable?
      if case .object(let o as TracedTensor) = ctx[0] { traced = o.variable }
      if let v = try traced ?? tracedTensor(fromList: ctx[0]) {
        guard case .string = ctx[1] else { return .wrap(v) }
        return .wrap(try MNLAutodiff.cast(v, to: try ctx.dtype(1)))
      }
      guard var t = try tensorFromLiteral(ctx[0]) else {
        throw ctx.typeError(0, expected: "a number or a (nested) list of numbers")
      }
      if case .string = ctx[1] { t = try cast(t, to: try ctx.dtype(1)) }
      return .tensor(t)
    },
    filled("zeros", "A tensor of zeros with the given shape.") { shape, dtype in try .zeros(shape, dtype: dtype) },
    filled("ones", "A tensor of ones with the given shape.") { shape, dtype in try .ones(shape, dtype: dtype) },
    BuiltinFunction(
      "full", [.init("shape"), .init("value"), .init("dtype", default: .string("float32"))],
      doc: "A tensor with every element equal to value."
    ) { ctx in
      let (shape, dtype) = (try ctx.shape(0), try ctx.dtype(2))
      // An int value stays exact for integer dtypes (a Float would round past 2^24).
      if case .int(let n) = ctx[1] { return .tensor(try .full(shape, integer: Int64(n), dtype: dtype)) }
      if case .bool(let b) = ctx[1] { return .tensor(try .full(shape, integer: b ? 1 : 0, dtype: dtype)) }
      return .tensor(try .full(shape, value: try ctx.float(1), dtype: dtype))
    },
    BuiltinFunction("zeros_like", [.init("x")], doc: "Zeros with the shape and dtype of x.") { ctx in
      let t = try ctx.tensor(0)
      return .tensor(try .zeros(t.shape, dtype: t.dtype))
    },
    BuiltinFunction("ones_like", [.init("x")], doc: "Ones with the shape and dtype of x.") { ctx in
      let t = try ctx.tensor(0)
      return .tensor(try .ones(t.shape, dtype: t.dtype))
    },
    BuiltinFunction(
      "arange", [.init("start"), .init("end", default: Value.none), .init("step", default: .int(1)),
                 .init("dtype", default: Value.none)],
      doc: "Evenly spaced values in [start, end): arange(5) is [0, 1, 2, 3, 4] (int64 when all arguments are ints, else float32)."
    ) { ctx in
      let dtype: DType? = if case .none = ctx[3] { nil } else { try ctx.dtype(3) }
      let ints: [Int]? =
        switch (ctx[0], ctx[1], ctx[2]) {
        case (.int(let end), .none, .int(let step)): [0, end, step]
        case (.int(let start), .int(let end), .int(let step)): [start, end, step]
        default: nil
        }
      if let ints {
        return .tensor(try .arange(integerStart: Int64(ints[0]), end: Int64(ints[1]), step: Int64(ints[2]), dtype: dtype))
      }
      let (start, end): (Float, Float) =
        if case .none = ctx[1] { (0, try ctx.float(0)) } else { (try ctx.float(0), try ctx.float(1)) }
      return .tensor(try .arange(start: start, end: end, step: try ctx.float(2), dtype: dtype ?? .float32))
    },
    BuiltinFunction("eye", [.init("n"), .init("dtype", default: .string("float32"))], doc: "The n×n identity matrix.") { ctx in
      .tensor(try .eye(try ctx.int(0), dtype: try ctx.dtype(1)))
    },
    BuiltinFunction("seed", [.init("n")], doc: "Seeds the random stream (initialisers, shuffling) for reproducible runs.") { ctx in
      let n = try ctx.int(0)
      SessionRandom.seed(UInt64(bitPattern: Int64(n)))
      return .none
    },
    BuiltinFunction(
      "random_normal", [.init("shape"), .init("mean", default: .float(0)), .init("stddev", default: .float(1))],
      doc: "Samples from a normal distribution."
    ) { ctx in
      let (shape, mean, stddev) = (try ctx.shape(0), try ctx.float(1), try ctx.float(2))
      return .tensor(try SessionRandom.with { try .randomNormal(shape, mean: mean, stddev: stddev, using: &$0) })
    },
    BuiltinFunction(
      "truncated_normal", [.init("shape"), .init("mean", default: .float(0)), .init("stddev", default: .float(1))],
      doc: "Normal samples, redrawing any beyond 2 stddev from the mean (TensorFlow's initialiser)."
    ) { ctx in
      let (shape, mean, stddev) = (try ctx.shape(0), try ctx.float(1), try ctx.float(2))
      return .tensor(try SessionRandom.with { try .truncatedNormal(shape, mean: mean, stddev: stddev, using: &$0) })
    },
    BuiltinFunction(
      "random_uniform", [.init("shape"), .init("low", default: .float(0)), .init("high", default: .float(1))],
      doc: "Uniform samples in [low, high)."
    ) { ctx in
      let (shape, low, high) = (try ctx.shape(0), try ctx.float(1), try ctx.float(2))
      return .tensor(try SessionRandom.with { try .randomUniform(shape, low: low, high: high, using: &$0) })
    },
    BuiltinFunction("permutation", [.init("n")], doc: "A random ordering of 0..n as an int64 tensor.") { ctx in
      let n = try ctx.int(0)
      guard n >= 0, n <= maxElementCount else { throw ScriptError("permutation(n) needs 0 <= n <= \(maxElementCount)") }
      let order = SessionRandom.with { $0.permutation(n) }
      return .tensor(Tensor(shape: [n], integers: order.map(Int64.init), dtype: .defaultInteger))
    },
  ]

  private static func filled(_ name: String, _ doc: String, _ make: @escaping @Sendable ([Int], DType) throws -> Tensor)
    -> BuiltinFunction
  {
    BuiltinFunction(name, [.init("shape"), .init("dtype", default: .string("float32"))], doc: doc) { ctx in
      .tensor(try make(try ctx.shape(0), try ctx.dtype(1)))
    }
  }
}
