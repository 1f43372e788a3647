import Foundation

extension Builtins {
  static let conversions: [BuiltinFunction] = [
    BuiltinFunction("str", [.init("x", default: .string(""))], doc: "The text of a value, as print shows it.") { ctx in
      .string(ctx[0].text)
    },
    BuiltinFunction("repr", [.init("x")], doc: "The display form of a value (strings quoted), as the REPL shows it.") { ctx in
      .string(ctx[0].display())
    },
    BuiltinFunction(
      "int", [.init("x")], doc: "Converts to an int: floats truncate toward zero, strings are parsed."
    ) { ctx in try toInt(ctx[0]) },
    BuiltinFunction("float", [.init("x")], doc: "Converts to a float; strings are parsed (\"inf\", \"nan\" too).") { ctx in
      let v = ctx[0]
      switch v {
      case .int(let i): return .float(Double(i))
      case .float: return v
      case .bool(let b): return .float(b ? 1 : 0)
      case .string(let s):
        guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else {
          throw ScriptError("cannot convert \(Value.quoted(s)) to a float", kind: "value")
        }
        return .float(d)
      default:
        if let r = try ValueExtensions.first({ try $0.convert(v, to: "float") }) { return r }
        throw ScriptError("cannot convert \(v.typeNameWithArticle) to a float", kind: "type")
      }
    },
    BuiltinFunction("bool", [.init("x")], doc: "The truth value: none, false, 0, \"\", [] and {} are false.") { ctx in
      .bool(try Operators.truthy(ctx[0]))
    },
  ]

  static func toInt(_ v: Value) throws -> Value {
    switch v {
    case .int: return v
    case .bool(let b): return .int(b ? 1 : 0)
    case .float(let d):
      guard d.isFinite else { throw ScriptError("cannot convert \(Value.formatFloat(d)) to an int", kind: "value") }
      guard d > -9.3e18, d < 9.2e18, let i = Int(exactly: d.rounded(.towardZero)) else {
        throw ScriptError("float \(Value.formatFloat(d)) is too large for an int", kind: "value")
      }
      return .int(i)
    case .string(let s):
      guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else {
        throw ScriptError("cannot convert \(Value.quoted(s)) to an int", kind: "value")
      }
      return .int(i)
    default:
      if let r = try ValueExtensions.first({ try $0.convert(v, to: "int") }) { return r }
      throw ScriptError("cannot convert \(v.typeNameWithArticle) to an int", kind: "type")
    }
  }
}
