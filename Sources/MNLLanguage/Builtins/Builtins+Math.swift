import Foundation

extension Builtins {
  static let math: [BuiltinFunction] = [
    BuiltinFunction(
      "min", [.init("key", default: Value.none)], variadic: true,
      doc: "The smallest of the arguments, or of one list argument."
    ) { ctx in try extreme(ctx, wantMax: false) },
    BuiltinFunction(
      "max", [.init("key", default: Value.none)], variadic: true,
      doc: "The largest of the arguments, or of one list argument."
    ) { ctx in try extreme(ctx, wantMax: true) },
    BuiltinFunction("abs", [.init("x")], doc: "Absolute value.") { ctx in
      switch ctx[0] {
      case .int(let i):
        guard i != Int.min else { throw ScriptError("integer overflow in abs") }
        return .int(abs(i))
      case .float(let d): return .float(abs(d))
      default:
        throw ctx.typeError(0, expected: "a number")
      }
    },
    BuiltinFunction(
      "round", [.init("x"), .init("digits", default: Value.none)],
      doc: "Rounds half to even: round(2.5) is 2 (an int); round(x, 2) keeps 2 decimals (a float)."
    ) { ctx in
      let x = try ctx.double(0)
      if case .none = ctx[1] { return try toInt(.float(x.rounded(.toNearestOrEven))) }
      let digits = try ctx.int(1)
      guard digits.magnitude <= 300 else { return .float(x) }
      let scale = pow(10.0, Double(digits))
      return .float((x * scale).rounded(.toNearestOrEven) / scale)
    },
    BuiltinFunction(
      "sum", [.init("items"), .init("start", default: .int(0))], doc: "The sum of a list's items (plus start)."
    ) { ctx in
      var total = ctx[1]
      for item in try Indexing.elements(ctx[0]) { total = try Operators.add(total, item) }
      return total
    },
    scalar("sqrt", "Square root.") { x in
      guard x >= 0 else { throw ScriptError("sqrt of a negative number") }
      return sqrt(x)
    },
    scalar("exp", "e raised to x.") { Foundation.exp($0) },
    scalar("log", "Natural logarithm.") { x in
      guard x > 0 else { throw ScriptError("log of a number that is not positive") }
      return Foundation.log(x)
    },
    scalar("sin", "Sine (radians).") { Foundation.sin($0) },
    scalar("cos", "Cosine (radians).") { Foundation.cos($0) },
    scalar("tanh", "Hyperbolic tangent.") { Foundation.tanh($0) },
    BuiltinFunction("floor", [.init("x")], doc: "The largest int not above x.") { ctx in
      try toInt(.float(try ctx.double(0).rounded(.down)))
    },
    BuiltinFunction("ceil", [.init("x")], doc: "The smallest int not below x.") { ctx in
      try toInt(.float(try ctx.double(0).rounded(.up)))
    },
  ]

  /// A float function of one number.
  static func scalar(_ name: String, _ doc: String, _ f: @escaping @Sendable (Double) throws -> Double) -> BuiltinFunction {
    BuiltinFunction(name, [.init("x")], doc: doc) { ctx in .float(try f(try ctx.double(0))) }
  }

  static func extreme(_ ctx: CallContext, wantMax: Bool) throws -> Value {
    let name = wantMax ? "max" : "min"
    var items = ctx.rest
    if items.count == 1 { items = try Indexing.elements(items[0]) }
    guard var best = items.first else { throw ScriptError("\(name)() of an empty list") }
    let key = ctx[0]
    func measure(_ v: Value) throws -> Value {
      if case .none = key { return v }
      return try ctx.interpreter.call(key, [v], at: ctx.location)
    }
    var bestKey = try measure(best)
    for item in items.dropFirst() {
      let k = try measure(item)
      let c = try Operators.compare(k, bestKey, wantMax ? .greater : .less)
      if wantMax ? c > 0 && c != 2 : c < 0 {
        best = item
        bestKey = k
      }
    }
    return best
  }
}
