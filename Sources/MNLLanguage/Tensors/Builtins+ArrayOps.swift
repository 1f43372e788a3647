import MNLAutodiff
import MNLTensor

extension Builtins {
  /// NumPy's tile, repeat, flip, pad, diag, outer and einsum: composites of differentiable
  /// ops (MNLTensor's ComposableTensor), so each works on traced tensors too.
  static let tensorArrays: [BuiltinFunction] = [
    BuiltinFunction(
      "tile", [.init("x"), .init("reps")],
      doc: "x repeated reps times along each axis (an int or a list; NumPy's tile). Differentiable."
    ) { ctx in
      let reps = try ctx.shape(1)
      return try composite([try ctx.tensorArg(0)]) { try tile($0[0], reps: reps) } traced: { try tile($0[0], reps: reps) }
    },
    BuiltinFunction(
      "repeat", [.init("x"), .init("repeats"), .init("axis", default: Value.none)],
      doc: "Each element repeated along axis (default none: the flattened x), NumPy's repeat: repeats is "
        + "one count or a list with one count per position. Differentiable."
    ) { ctx in
      let repeats = try ctx.shape(1)
      let axis = try axisArgument(ctx[2], ctx)
      return try composite([try ctx.tensorArg(0)]) {
        try repeatElements($0[0], repeats: repeats, axis: axis)
      } traced: { try repeatElements($0[0], repeats: repeats, axis: axis) }
    },
    BuiltinFunction(
      "flip", [.init("x"), .init("axis", default: Value.none)],
      doc: "x with the order of elements reversed along axis (an int, a list, or none: every axis). Differentiable."
    ) { ctx in
      let axes = try ctx.axes(1)
      return try composite([try ctx.tensorArg(0)]) { try flip($0[0], axes: axes) } traced: { try flip($0[0], axes: axes) }
    },
    BuiltinFunction(
      "pad", [.init("x"), .init("widths"), .init("value", default: .int(0))],
      doc: "x surrounded by value (NumPy's pad, constant mode). widths: n, [before, after], or one "
        + "[before, after] per axis. value must be a value of x's dtype. Differentiable."
    ) { ctx in
      let x = try ctx.tensorArg(0)
      let widths = try padWidths(try widthList(ctx[1]), rank: x.tensor.rank)
      let value = try ctx.tensor(2)
      guard value.count == 1, value.isScalar else {
        throw ScriptError("pad(): value must be a number, found a tensor of shape \(formatShape(value.shape))")
      }
      return try composite([x]) { try pad($0[0], widths: widths, value: value) } traced: {
        try pad($0[0], widths: widths, value: value)
      }
    },
    BuiltinFunction(
      "diag", [.init("x"), .init("k", default: .int(0))],
      doc: "NumPy's diag: a 1-D x placed on diagonal k of a square matrix, or diagonal k of a 2-D x "
        + "(k > 0 above the main one). Differentiable."
    ) { ctx in
      let k = try ctx.int(1)
      return try composite([try ctx.tensorArg(0)]) { try diag($0[0], k: k) } traced: { try diag($0[0], k: k) }
    },
    BuiltinFunction(
      "outer", [.init("a"), .init("b")],
      doc: "The outer product of the flattened a and b: result[i, j] = a[i] * b[j] (NumPy's outer). Differentiable."
    ) { ctx in
      try composite([try ctx.tensorArg(0), try ctx.tensorArg(1)]) { try outer($0[0], $0[1]) } traced: {
        try outer($0[0], $0[1])
      }
    },
    BuiltinFunction(
      "einsum", [.init("subscripts")], variadic: true,
      doc: "NumPy's einsum(\"ij,jk->ik\", a, b, ...): letters label axes, '...' the rest; repeated labels "
        + "take diagonals, labels missing from the output are summed. Contractions run on the GEMM. Differentiable."
    ) { ctx in
      let subscripts = try ctx.string(0)
      guard !ctx.rest.isEmpty else { throw ScriptError("einsum() needs at least one operand after the subscripts") }
      let operands = try ctx.rest.enumerated().map { i, v in
        guard let t = try v.tensorArg() else {
          throw ScriptError("einsum(): operand \(i) must be a tensor, found \(v.typeName)")
        }
        return t
      }
      return try composite(operands) { try einsum(subscripts, $0) } traced: { try einsum(subscripts, $0) }
    },
  ]

  /// Runs a composite op on plain tensors, or on variables when an operand is traced.
  private static func composite(
    _ args: [TensorArg], plain: ([Tensor]) throws -> Tensor, traced: ([Variable]) throws -> Variable
  ) throws -> Value {
    try tensorOp(args, plain: plain, traced: traced)
  }

  /// pad's widths as nested lists: n → [[n]], [b, a] → [[b, a]], [[b, a], …] as given.
  private static func widthList(_ value: Value) throws -> [[Int]] {
    let message = "pad(): widths must be an int, [before, after], or a list of [before, after] per axis"
    switch value {
    case .int(let n): return [[n]]
    case .list(let l):
      if let flat = try value.intList() { return l.items.isEmpty ? [] : [flat] }
      return try l.items.map { item in
        guard let pair = try item.intList() else { throw ScriptError(message) }
        return pair
      }
    default: throw ScriptError(message)
    }
  }
}
