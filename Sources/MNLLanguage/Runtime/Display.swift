import MNLTensor

extension Value: CustomStringConvertible {
  /// Same as `display()`.
  public var description: String { display() }

  /// The text `print` and `str` produce: strings as they are, everything else as `display()`.
  public var text: String {
    if case .string(let s) = self { return s }
    return display()
  }

  /// The form the REPL shows: strings quoted, containers with their elements' display forms.
  public func display() -> String {
    var seen: [ObjectIdentifier] = []
    var out = ""
    Value.write(self, to: &out, seen: &seen)
    return out
  }

  private static func write(_ v: Value, to out: inout String, seen: inout [ObjectIdentifier]) {
    switch v {
    case .none: out += "none"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .float(let d): out += formatFloat(d)
    case .string(let s): out += quoted(s)
    case .list(let l):
      let id = ObjectIdentifier(l)
      if seen.contains(id) || seen.count > 100 {
        out += "[...]"
        return
      }
      seen.append(id)
      out += "["
      for (i, item) in l.items.enumerated() {
        if i > 0 { out += ", " }
        write(item, to: &out, seen: &seen)
      }
      out += "]"
      seen.removeLast()
    case .record(let r):
      let id = ObjectIdentifier(r)
      if seen.contains(id) || seen.count > 100 {
        out += "{...}"
        return
      }
      seen.append(id)
      out += "{"
      for (i, (k, item)) in r.fields.enumerated() {
        if i > 0 { out += ", " }
        out += isIdentifier(k) ? k : quoted(k)
        out += ": "
        write(item, to: &out, seen: &seen)
      }
      out += "}"
      seen.removeLast()
    case .function(let f): out += "<fn \(f.signature)>"
    case .builtin(let b): out += "<builtin \(b.name)>"
    case .tensor(let t) where !seen.isEmpty:
      // Inside a list or record: one line, so the container stays readable.
      out += t.inlineDescription
    case .tensor(let t):
      out += ValueExtensions.first { $0.describe(v) } ?? "<tensor \(formatShape(t.shape)) \(t.dtype.rawValue)>"
    case .object(let o):
      out += ValueExtensions.first { $0.describe(v) } ?? o.display()
    }
  }

  /// Shortest text that reads back as the same double; whole numbers keep a ".0".
  static func formatFloat(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    return d.description
  }

  static func quoted(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\0": out += "\\0"
      default: out.unicodeScalars.append(c)
      }
    }
    return out + "\""
  }

  static func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
    return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
      && Keyword(rawValue: s) == nil
  }
}
