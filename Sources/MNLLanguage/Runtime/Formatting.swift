import Foundation

/// Python-style format specs, used by f-strings (`f"{loss:.4f}"`) and `format("{:>8}", x)`:
/// `[[fill]align][sign][0][width][,][.precision][type]` with align `<` `>` `^`, sign `+`,
/// and types `d` (int), `f` (fixed), `e` (exponent), `g` (general), `%` (percent), `s` (string).
enum Formatting {
  struct Spec {
    var fill: Character = " "
    var align: Character?
    var plus = false
    var width = 0
    var grouping = false
    var precision: Int?
    var type: Character?
  }

  static func parse(_ text: String) throws -> Spec {
    var spec = Spec()
    var chars = Array(text)
    let aligns: Set<Character> = ["<", ">", "^"]
    if chars.count >= 2, aligns.contains(chars[1]) {
      spec.fill = chars[0]
      spec.align = chars[1]
      chars.removeFirst(2)
    } else if let first = chars.first, aligns.contains(first) {
      spec.align = first
      chars.removeFirst()
    }
    if chars.first == "+" {
      spec.plus = true
      chars.removeFirst()
    }
    if chars.first == "0" {
      spec.fill = "0"
      if spec.align == nil { spec.align = "=" }
      chars.removeFirst()
    }
    var width = ""
    while let c = chars.first, c.isASCII, c.isNumber {
      width.append(c)
      chars.removeFirst()
    }
    if !width.isEmpty {
      guard let w = Int(width), w <= 1000 else { throw ScriptError("format width is too large in '\(text)'") }
      spec.width = w
    }
    if chars.first == "," {
      spec.grouping = true
      chars.removeFirst()
    }
    if chars.first == "." {
      chars.removeFirst()
      var digits = ""
      while let c = chars.first, c.isASCII, c.isNumber {
        digits.append(c)
        chars.removeFirst()
      }
      guard let p = Int(digits), p <= 100 else { throw ScriptError("invalid precision in format spec '\(text)'") }
      spec.precision = p
    }
    if let t = chars.first, "dfFeEgGs%".contains(t) {
      spec.type = t
      chars.removeFirst()
    }
    guard chars.isEmpty else { throw ScriptError("invalid format spec '\(text)'") }
    return spec
  }

  static func format(_ value: Value, spec text: String) throws -> String {
    let spec = try parse(text)
    // Text is constant by nature: a traced tensor is formatted by its value.
    var v = value.readingTracedValue
    if !v.isCoreValue, spec.type != nil, spec.type != "s",
      let converted = try ValueExtensions.first({ try $0.convert(v, to: spec.type == "d" ? "int" : "float") })
    {
      v = converted
    }
    var body: String
    var numeric = true
    switch (spec.type, v) {
    case (let t, .int(let i)) where t == "d" || (t == nil && spec.precision == nil):
      body = spec.grouping ? grouped(String(i.magnitude)) : String(i.magnitude)
      if i < 0 { body = "-" + body } else if spec.plus { body = "+" + body }
    case ("d", _):
      throw ScriptError("format type 'd' needs an int, got \(v.typeName)")
    case (let t?, _) where "fFeEgG%".contains(t):
      guard let d = v.number else { throw ScriptError("format type '\(t)' needs a number, got \(v.typeName)") }
      body = formatNumber(d, type: t, precision: spec.precision ?? 6)
      if spec.plus && d >= 0 { body = "+" + body }
    case (nil, .float(let d)):
      body = spec.precision.map { formatNumber(d, type: "g", precision: $0) } ?? Value.formatFloat(d)
      if spec.plus && d >= 0 { body = "+" + body }
    default:
      numeric = false
      body = v.text
      if let p = spec.precision { body = String(body.prefix(p)) }
    }
    let pad = spec.width - body.count
    guard pad > 0 else { return body }
    let fill = String(repeating: spec.fill, count: pad)
    switch spec.align ?? (numeric ? ">" : "<") {
    case "<": return body + fill
    case "^": return String(repeating: spec.fill, count: pad / 2) + body + String(repeating: spec.fill, count: pad - pad / 2)
    case "=":
      if let sign = body.first, sign == "-" || sign == "+" { return String(sign) + fill + body.dropFirst() }
      return fill + body
    default: return fill + body
    }
  }

  static func formatNumber(_ d: Double, type: Character, precision: Int) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    switch type {
    case "%": return String(format: "%.\(precision)f", d * 100) + "%"
    case "e", "E", "f", "F", "g", "G": return String(format: "%.\(precision)\(type)", d)
    default: return String(d)
    }
  }

  private static func grouped(_ digits: String) -> String {
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(c)
    }
    return out
  }

  /// `format("{} of {:.2f}", a, b)`: `{}` takes the next argument, `{0}` a numbered one,
  /// `{{` / `}}` are literal braces.
  static func formatString(_ template: String, _ args: [Value]) throws -> String {
    var out = ""
    var next = 0
    var chars = template.makeIterator()
    while let c = chars.next() {
      if c == "}" {
        guard chars.next() == "}" else { throw ScriptError("single '}' in format string; write '}}'") }
        out += "}"
        continue
      }
      guard c == "{" else {
        out.append(c)
        continue
      }
      var field = ""
      var closed = false
      while let d = chars.next() {
        if d == "{" && field.isEmpty {
          out += "{"
          closed = true
          field = "\u{0}"
          break
        }
        if d == "}" {
          closed = true
          break
        }
        field.append(d)
      }
      if field == "\u{0}" { continue }
      guard closed else { throw ScriptError("unclosed '{' in format string") }
      let (name, spec) = field.firstIndex(of: ":").map { (String(field[..<$0]), String(field[field.index(after: $0)...])) }
        ?? (field, nil)
      let index: Int
      if name.isEmpty {
        index = next
        next += 1
      } else if let i = Int(name) {
        index = i
      } else {
        throw ScriptError("format fields must be {} or {number}, got {\(name)}")
      }
      guard index >= 0, index < args.count else {
        throw ScriptError("format string needs argument \(index < Int.max ? String(index + 1) : name) but \(args.count) were given")
      }
      out += try spec.map { try format(args[index], spec: $0) } ?? args[index].text
    }
    return out
  }
}
