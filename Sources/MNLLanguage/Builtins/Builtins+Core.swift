extension Builtins {
  static let core: [BuiltinFunction] = [
    BuiltinFunction(
      "print", [.init("sep", default: .string(" ")), .init("end", default: .string("\n"))], variadic: true,
      doc: "Prints the values separated by `sep` and followed by `end`."
    ) { ctx in
      let sep = try ctx.string(0)
      let end = try ctx.string(1)
      ctx.interpreter.output.write(ctx.rest.map(\.text).joined(separator: sep) + end)
      return .none
    },
    BuiltinFunction("len", [.init("x")], doc: "Number of elements of a list, string, record or tensor.") { ctx in
      .int(try Indexing.length(ctx[0]))
    },
    BuiltinFunction(
      "range", [.init("start"), .init("stop", default: Value.none), .init("step", default: .int(1))],
      doc: "The list of ints from start (default 0) up to stop, excluded: range(3) is [0, 1, 2]."
    ) { ctx in
      var start = try ctx.int(0)
      var stop = 0
      if case .none = ctx[1] {
        stop = start
        start = 0
      } else {
        stop = try ctx.int(1)
      }
      let step = try ctx.int(2)
      guard step != 0 else { throw ScriptError("range() step cannot be zero") }
      let (span, o) = stop.subtractingReportingOverflow(start)
      guard !o, span.magnitude / step.magnitude <= 10_000_000 else {
        throw ScriptError("range is too large to make a list; use 'for i in a..b' to count instead")
      }
      return .list(Indexing.steps(from: start, to: stop, by: step).map { .int($0) })
    },
    BuiltinFunction("type", [.init("x")], doc: "The type name of a value: \"int\", \"float\", \"list\", …") { ctx in
      .string(ctx[0].typeName)
    },
    BuiltinFunction(
      "format", [.init("template")], variadic: true,
      doc: "format(\"{} of {:.2f}\", a, b): {} takes the next argument, {0} a numbered one, :spec formats it."
    ) { ctx in
      .string(try Formatting.formatString(try ctx.string(0), ctx.rest))
    },
    BuiltinFunction(
      "assert", [.init("condition"), .init("message", default: .string(""))],
      doc: "Stops the script with an error when the condition is false."
    ) { ctx in
      if try Operators.truthy(ctx[0]) { return .none }
      let message = ctx[1].text
      throw ScriptError(message.isEmpty ? "assertion failed" : "assertion failed: \(message)", kind: "assertion")
    },
    BuiltinFunction("error", [.init("message")], doc: "Stops the script with an error message.") { ctx in
      throw ScriptError(ctx[0].text, kind: "error")
    },
    BuiltinFunction(
      "map", [.init("function"), .init("items")],
      doc: "The list of function(x) for each x of items (also items.map(function))."
    ) { ctx in
      let (f, items) = try functionAndItems(ctx)
      return .list(try items.map { try ctx.interpreter.call(f, [$0], at: ctx.location) })
    },
    BuiltinFunction(
      "filter", [.init("function"), .init("items")],
      doc: "The items x for which function(x) is true (also items.filter(function))."
    ) { ctx in
      let (f, items) = try functionAndItems(ctx)
      return .list(try items.filter { try Operators.truthy(try ctx.interpreter.call(f, [$0], at: ctx.location)) })
    },
  ]

  /// map/filter accept (function, items) and, for `items.map(f)`, (items, function).
  static func functionAndItems(_ ctx: CallContext) throws -> (Value, [Value]) {
    if Compiler.isCallable(ctx[0]) { return (ctx[0], try Indexing.elements(ctx[1])) }
    if Compiler.isCallable(ctx[1]) { return (ctx[1], try Indexing.elements(ctx[0])) }
    throw ScriptError("\(ctx.function.name)() expects a function and a list")
  }
}
