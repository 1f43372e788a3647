import MNLKernels

extension Builtins {
  /// `matmul_precision`: the process-wide precision of matrix products (MNLKernels'
  /// MatmulPrecision), PyTorch's `set_float32_matmul_precision` / JAX's
  /// `default_matmul_precision`. A global setting rather than a block: it is what the training
  /// scripts need (`precision=bf16` for a whole run), and the previous value can be restored
  /// with `matmul_precision(old)`.
  static let precision: [BuiltinFunction] = [
    BuiltinFunction(
      "matmul_precision", [.init("name", default: Value.none)],
      doc: "With no argument, the current matrix-product precision (\"highest\" or \"bf16\"); "
        + "with one, sets it: \"bf16\" rounds the operands of matmul, linear, conv2d and their "
        + "gradients to bfloat16 and sums in fp32, \"highest\" (the default) is plain fp32."
    ) { ctx in
      if case .none = ctx[0] { return .string(MatmulPrecision.current.rawValue) }
      let name = try ctx.string(0)
      guard let precision = MatmulPrecision(rawValue: name) else {
        let names = MatmulPrecision.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
        throw ScriptError("matmul_precision(\"\(name)\"): the precision must be \(names)")
      }
      MatmulPrecision.current = precision
      return .none
    }
  ]
}
