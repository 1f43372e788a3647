import Foundation

extension Builtins {
  static let system: [BuiltinFunction] = [
    BuiltinFunction("time", [], doc: "Seconds since 1970 as a float (differences measure durations).") { _ in
      .float(Date().timeIntervalSince1970)
    },
    BuiltinFunction("env", [.init("name")], doc: "The environment variable's value, or none if it is not set.") { ctx in
      ProcessInfo.processInfo.environment[try ctx.string(0)].map { .string($0) } ?? .none
    },
    BuiltinFunction("exit", [.init("status", default: .int(0))], doc: "Ends the script with an exit status.") { ctx in
      let status = try ctx.int(0)
      ctx.interpreter.output.flush()
      throw ExitRequest(status: Int32(truncatingIfNeeded: status))
    },
    BuiltinFunction(
      "input", [.init("prompt", default: .string(""))], doc: "Reads a line from standard input (none at end of input)."
    ) { ctx in
      ctx.interpreter.output.write(ctx[0].text)
      ctx.interpreter.output.flush()
      return readLine().map { .string($0) } ?? .none
    },
    BuiltinFunction(
      "parse_args", [.init("args"), .init("defaults")],
      doc: "A record of the defaults overridden by key=value arguments, converted to each default's type."
    ) { ctx in
      try parseArguments(try Indexing.elements(ctx[0]), defaults: try ctx.record(1))
    },
  ]

  /// `parse_args(args, {steps: 1000, lr: 0.1, data: "data/"})` with args like `steps=2000`
  /// (or `--steps=2000`): values take the type of the default (int, float, bool, string).
  static func parseArguments(_ args: [Value], defaults: RecordObject) throws -> Value {
    let result = RecordObject(defaults.fields)
    for arg in args {
      var text = arg.text
      while text.hasPrefix("-") { text.removeFirst() }
      guard let eq = text.firstIndex(of: "=") else {
        throw ScriptError("argument '\(arg.text)' is not of the form name=value")
      }
      let key = String(text[..<eq])
      let raw = String(text[text.index(after: eq)...])
      guard let def = defaults[key] else {
        throw ScriptError(
          "unknown argument '\(key)'\(Suggestions.hint(for: key, in: defaults.keys))",
          note: "known arguments: " + defaults.keys.joined(separator: ", "))
      }
      switch def {
      case .int:
        guard let v = Int(raw) else { throw ScriptError("argument \(key) must be an int, got '\(raw)'") }
        result[key] = .int(v)
      case .float:
        guard let v = Double(raw) else { throw ScriptError("argument \(key) must be a number, got '\(raw)'") }
        result[key] = .float(v)
      case .bool:
        switch raw.lowercased() {
        case "true", "1", "yes": result[key] = .bool(true)
        case "false", "0", "no": result[key] = .bool(false)
        default: throw ScriptError("argument \(key) must be true or false, got '\(raw)'")
        }
      default:
        result[key] = .string(raw)
      }
    }
    return .record(result)
  }
}
