import MNLAutodiff
import MNLTensor

extension Builtins {
  /// JAX-style differentiation of script functions.
  static let autodiff: [BuiltinFunction] = [
    BuiltinFunction(
      "value_and_grad",
      [.init("f"), .init("argnums", default: .int(0)), .init("has_aux", default: .bool(false)),
       .init("check_numerics", default: .bool(true))],
      doc: "A function computing [f(params, ...), gradient of f with respect to params]: params may be a tensor, a number or a list/record tree of them. argnums: [0, 1] differentiates several arguments; has_aux: f returns [loss, aux]; a NaN or infinite loss stops with an error naming the call and the non-finite tensors unless check_numerics: false."
    ) { ctx in
      let options = try GradientOptions(ctx)
      let checkNumerics = try ctx.bool(3)
      let calls = CallCounter()
      return .builtin(
        BuiltinFunction("value_and_grad(f)", variadic: true, doc: "Returns [value, gradients].") { inner in
          calls.count += 1
          let (value, grads) = try differentiate(options, inner)
          if checkNumerics { try NumericsCheck.loss(value, call: calls.count, function: options.function, arguments: inner.rest, gradients: grads) }
          return .list([value, grads])
        })
    },
    BuiltinFunction(
      "grad", [.init("f"), .init("argnums", default: .int(0)), .init("has_aux", default: .bool(false))],
      doc: "A function computing the gradient of f with respect to its first argument (same structure as it). argnums: [0, 1] gives one gradient per chosen argument; has_aux: f returns [loss, aux] and the result is [gradients, aux]."
    ) { ctx in
      let options = try GradientOptions(ctx)
      return .builtin(
        BuiltinFunction("grad(f)", variadic: true, doc: "Returns the gradients.") { inner in
          let (value, grads) = try differentiate(options, inner)
          guard options.hasAux, case .list(let pair) = value else { return grads }
          return .list([grads, pair.items[1]])  // JAX's (gradients, aux)
        })
    },
    BuiltinFunction(
      "stop_gradient", [.init("x")],
      doc: "x as a constant: inside grad, no gradient flows back through it (a tree keeps its structure)."
    ) { ctx in
      try ParameterTree.map(ctx[0]) { leaf in
        if case .object(let o as TracedTensor) = leaf { return .tensor(o.variable.value) }
        return leaf
      }
    },
  ]

  /// What `grad(f, argnums:, has_aux:)` was asked for.
  struct GradientOptions: @unchecked Sendable {
    let function: Value
    /// The argument positions to differentiate; `single` when argnums was one int (the
    /// gradient is then returned alone rather than in a list).
    let argnums: [Int]
    let single: Bool
    let hasAux: Bool

    init(_ ctx: CallContext) throws {
      switch ctx[0] {
      case .function, .builtin: function = ctx[0]
      default: throw ctx.typeError(0, expected: "a function")
      }
      switch ctx[1] {
      case .int(let n):
        argnums = [n]
        single = true
      case .list:
        guard let list = try ctx[1].intList(), !list.isEmpty else {
          throw ctx.typeError(1, expected: "an int or a non-empty list of ints")
        }
        guard Set(list).count == list.count else { throw ScriptError("\(ctx.function.name)(): argnums has a repeated position") }
        argnums = list
        single = false
      default: throw ctx.typeError(1, expected: "an int or a list of ints")
      }
      guard argnums.allSatisfy({ $0 >= 0 }) else { throw ScriptError("\(ctx.function.name)(): argnums must not be negative") }
      hasAux = try ctx.bool(2)
    }
  }

  /// Calls f with the chosen arguments' leaves traced; returns its value (or [value, aux])
  /// and the gradients (one tree, or a list of trees for a list of argnums).
  private static func differentiate(_ options: GradientOptions, _ ctx: CallContext) throws -> (Value, Value) {
    var arguments = ctx.rest
    guard let last = options.argnums.max(), last < arguments.count else {
      throw ScriptError(
        arguments.isEmpty
          ? "a gradient function needs the parameters as its first argument"
          : "argnums asks for argument \(options.argnums.max() ?? 0) but the function got \(arguments.count) argument\(arguments.count == 1 ? "" : "s")")
    }
    let runtime = ctx.interpreter.runtime
    let tape = Tape()
    // Abandoned on error: finishing frees the records (tape and variables hold each other).
    defer { tape.finish() }
    var leaves: [Variable] = []
    // Number leaves get numbers back as gradients, tensor leaves tensors.
    var numberLeaf: [Bool] = []
    for position in options.argnums {
      arguments[position] = try ParameterTree.map(arguments[position]) { leaf in
        let variable: Variable
        switch leaf {
        case .object(let o as TracedTensor):
          // Traced by an outer grad: the inner gradients stay differentiable for it.
          variable = tape.variable(watching: o.variable)
        case .tensor(let t):
          guard t.dtype == .float32 else {
            throw ScriptError("cannot differentiate with respect to an \(t.dtype.rawValue) tensor; cast it to float32")
          }
          variable = tape.variable(t)
        case .float(let d):
          variable = tape.variable(Tensor(scalar: Float(d)))
        case .int:
          throw ScriptError("cannot differentiate with respect to an int; write it as a float (1.0, not 1)")
        default: return leaf
        }
        leaves.append(variable)
        if case .float = leaf { numberLeaf.append(true) } else { numberLeaf.append(false) }
        return .object(TracedTensor(variable))
      }
    }
    guard !leaves.isEmpty else {
      throw ScriptError("nothing to differentiate: the argument holds no tensors or numbers")
    }

    runtime.activeGradients += 1
    let result: Value
    do {
      defer { runtime.activeGradients -= 1 }
      result = try ctx.interpreter.call(options.function, arguments, at: ctx.location)
    }

    var returned = result
    if options.hasAux {
      guard case .list(let pair) = result, pair.items.count == 2 else {
        throw ScriptError("with has_aux: true the function must return [loss, aux], not \(result.typeName)")
      }
      returned = pair.items[0]
    }
    let output: Variable
    switch returned {
    case .object(let o as TracedTensor): output = o.variable
    default:
      guard let t = try returned.tensorArg()?.tensor else {
        throw ScriptError("the function being differentiated must return a number or a one-element tensor, not \(returned.typeName)")
      }
      output = Variable(constant: t)
    }
    guard output.value.count == 1 else {
      throw ScriptError("can only differentiate a scalar, but the function returned shape \(formatShape(output.value.shape)); reduce it first, e.g. with sum or mean")
    }
    guard tape.isDifferentiable(output, withRespectTo: leaves) else {
      throw ScriptError(
        "the function's result does not depend on the arguments being differentiated, so it has no gradient",
        note: "the tensors reached it only through values grad cannot trace (float(), stop_gradient, argmax, comparisons), or not at all")
    }
    let grads = try gradientVariables(of: output, withRespectTo: leaves)

    var next = 0
    var trees: [Value] = []
    for position in options.argnums {
      // The original tree (the traced copy may have been changed by f): same leaves, same order.
      trees.append(try ParameterTree.map(ctx.rest[position]) { leaf in
        guard next < grads.count else { return leaf }
        defer { next += 1 }
        let gradient = grads[next]
        if gradient.requiresGradient { return .object(TracedTensor(gradient)) }
        return numberLeaf[next] ? .float(Double(gradient.value.scalarValue ?? 0)) : .tensor(gradient.value)
      })
    }
    let value: Value = output.requiresGradient
      ? .object(TracedTensor(output)) : .float(Double(output.value.scalarValue ?? 0))
    let gradients = options.single ? trees[0] : .list(trees)
    if options.hasAux, case .list(let pair) = result {
      // aux leaves the function: its tensors are plain again (unless an outer grad traces them).
      let aux = try ParameterTree.map(pair.items[1]) { leaf in
        guard case .object(let o as TracedTensor) = leaf else { return leaf }
        return .wrap(o.variable)
      }
      return (.list([value, aux]), gradients)
    }
    return (value, gradients)
  }
}

/// How many times a function made by value_and_grad was called (the training step, for messages).
final class CallCounter: @unchecked Sendable {
  var count = 0
}
