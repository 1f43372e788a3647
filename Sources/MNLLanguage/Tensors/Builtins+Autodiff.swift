import MNLAutodiff
import MNLTensor

extension Builtins {
  /// JAX-style differentiation of script functions.
  static let autodiff: [BuiltinFunction] = [
    BuiltinFunction(
      "value_and_grad", [.init("f")],
      doc: "A function computing (f(params, ...), gradient of f with respect to params): params may be a tensor or a list/record tree of them."
    ) { ctx in
      let f = SendableValue(try callable(ctx, 0))
      return .builtin(
        BuiltinFunction("value_and_grad(f)", variadic: true, doc: "Returns [value, gradients].") { inner in
          let (value, grads) = try differentiate(f.value, inner)
          return .list([value, grads])
        })
    },
    BuiltinFunction(
      "grad", [.init("f")],
      doc: "A function computing the gradient of f with respect to its first argument (same structure as it)."
    ) { ctx in
      let f = SendableValue(try callable(ctx, 0))
      return .builtin(
        BuiltinFunction("grad(f)", variadic: true, doc: "Returns the gradients.") { inner in
          try differentiate(f.value, inner).1
        })
    },
  ]

  private static func callable(_ ctx: CallContext, _ i: Int) throws -> Value {
    switch ctx[i] {
    case .function, .builtin: return ctx[i]
    default: throw ctx.typeError(i, expected: "a function")
    }
  }

  /// Calls `f(params, rest...)` with params' leaves traced; returns the value and gradients.
  private static func differentiate(_ f: Value, _ ctx: CallContext) throws -> (Value, Value) {
    guard let params = ctx.rest.first else {
      throw ScriptError("a gradient function needs the parameters as its first argument")
    }
    let tape = Tape()
    var leaves: [Variable] = []
    let traced = try ParameterTree.map(params) { leaf in
      guard let t = try leaf.tensorArg()?.tensor else { return leaf }
      guard t.dtype == .float32 else {
        throw ScriptError("cannot differentiate with respect to an \(t.dtype.rawValue) tensor; cast it to float32")
      }
      let v = tape.variable(t)
      leaves.append(v)
      return .object(TracedTensor(v))
    }
    let result = try ctx.interpreter.call(f, [traced] + ctx.rest.dropFirst(), at: ctx.location)
    let output: Variable
    switch result {
    case .object(let o as TracedTensor): output = o.variable
    default:
      guard let t = try result.tensorArg()?.tensor else {
        throw ScriptError("the function being differentiated must return a number or a one-element tensor, not \(result.typeName)")
      }
      output = Variable(constant: t)
    }
    let grads = try gradients(of: output, withRespectTo: leaves)
    var next = 0
    let gradTree = try ParameterTree.map(params) { leaf in
      guard (try? leaf.tensorArg()) != nil, next < grads.count else { return leaf }
      defer { next += 1 }
      switch leaf {
      case .int, .float: return .float(Double(grads[next].scalarValue ?? 0))
      default: return .tensor(grads[next])
      }
    }
    guard let v = output.value.scalarValue else {
      throw ScriptError("the function being differentiated returned shape \(formatShape(output.value.shape)); reduce it to one number, e.g. with mean")
    }
    return (.float(Double(v)), gradTree)
  }
}

/// Lets a script value be captured by a built-in's `@Sendable` body. The interpreter runs on
/// one thread, so the value is never shared across threads.
struct SendableValue: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
