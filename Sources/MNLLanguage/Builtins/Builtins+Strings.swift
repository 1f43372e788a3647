import Foundation

extension Builtins {
  static let strings: [BuiltinFunction] = [
    BuiltinFunction(
      "join", [.init("items"), .init("separator", default: .string(""))],
      doc: "The items' text joined with separator: join([1, 2], \", \") or \", \".join(xs)."
    ) { ctx in
      // Accept Python's `sep.join(items)` order too.
      var (items, sep) = (ctx[0], ctx[1])
      if case .string = items, case .list = sep { swap(&items, &sep) }
      guard case .string(let s) = sep else { throw ScriptError("join() separator must be a string, got \(sep.typeName)") }
      return .string(try Indexing.elements(items).map(\.text).joined(separator: s))
    },
    BuiltinFunction(
      "split", [.init("text"), .init("separator", default: Value.none)],
      doc: "The parts of a string between separators (default: runs of whitespace)."
    ) { ctx in
      let s = try ctx.string(0)
      if case .none = ctx[1] {
        return .list(s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
      }
      let sep = try ctx.string(1)
      guard !sep.isEmpty else { throw ScriptError("split() separator cannot be empty") }
      return .list(s.components(separatedBy: sep).map { .string($0) })
    },
    BuiltinFunction("strip", [.init("text")], doc: "The string without leading and trailing whitespace.") { ctx in
      .string(try ctx.string(0).trimmingCharacters(in: .whitespacesAndNewlines))
    },
    BuiltinFunction("upper", [.init("text")], doc: "Upper-case copy.") { ctx in .string(try ctx.string(0).uppercased()) },
    BuiltinFunction("lower", [.init("text")], doc: "Lower-case copy.") { ctx in .string(try ctx.string(0).lowercased()) },
    BuiltinFunction(
      "replace", [.init("text"), .init("old"), .init("new")], doc: "Copy with every occurrence of old replaced by new."
    ) { ctx in
      let old = try ctx.string(1)
      guard !old.isEmpty else { throw ScriptError("replace() needs a non-empty string to replace") }
      return .string(try ctx.string(0).replacingOccurrences(of: old, with: try ctx.string(2)))
    },
    BuiltinFunction("startswith", [.init("text"), .init("prefix")], doc: "True if the string starts with prefix.") { ctx in
      .bool(try ctx.string(0).hasPrefix(try ctx.string(1)))
    },
    BuiltinFunction("endswith", [.init("text"), .init("suffix")], doc: "True if the string ends with suffix.") { ctx in
      .bool(try ctx.string(0).hasSuffix(try ctx.string(1)))
    },
    BuiltinFunction("find", [.init("text"), .init("part")], doc: "Position (in characters) of part in text, or -1.") { ctx in
      let s = try ctx.string(0)
      guard let r = s.range(of: try ctx.string(1)) else { return .int(-1) }
      return .int(s.distance(from: s.startIndex, to: r.lowerBound))
    },
  ]
}
