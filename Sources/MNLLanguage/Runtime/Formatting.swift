import Foundation
import MNLTensor

/// Python's format-spec mini-language, used by f-strings (`f"{loss:,.4f}"`) and
/// `format("{:>8}", x)`: `[[fill]align][sign][z][#][0][width][grouping][.precision][type]` with
/// align `<` `>` `^` `=`, sign `+` `-` ` `, grouping `,` or `_`, and types `d` `b` `o` `x` `X` `c`
/// `n` (ints), `e` `E` `f` `F` `g` `G` `%` (numbers), `s` (any value's text). A tensor is
/// formatted element by element, nested like its shape. A spec that does not fit the value is
/// an error, never a silently different text.
enum Formatting {
  struct Spec {
    var fill: Character = " "
    var align: Character?
    var sign: Character = "-"
    var noNegativeZero = false
    var alternate = false
    var width = 0
    var grouping: Character?
    var precision: Int?
    var type: Character?
    var hasExplicitFill = false
  }

  static func parse(_ text: String) throws -> Spec {
    var spec = Spec()
    var chars = Array(text)[...]
    let aligns: Set<Character> = ["<", ">", "^", "="]
    if chars.count >= 2, aligns.contains(chars[chars.startIndex + 1]) {
      spec.fill = chars.removeFirst()
      spec.hasExplicitFill = true
      spec.align = chars.removeFirst()
    } else if let first = chars.first, aligns.contains(first) {
      spec.align = chars.removeFirst()
    }
    if let s = chars.first, s == "+" || s == "-" || s == " " { spec.sign = chars.removeFirst() }
    if chars.first == "z" {
      spec.noNegativeZero = true
      chars.removeFirst()
    }
    if chars.first == "#" {
      spec.alternate = true
      chars.removeFirst()
    }
    if chars.first == "0" {
      // Sign-aware zero padding, unless a fill or an alignment was given.
      if !spec.hasExplicitFill { spec.fill = "0" }
      if spec.align == nil { spec.align = "=" }
      chars.removeFirst()
    }
    var width = ""
    while let c = chars.first, c.isASCII, c.isNumber { width.append(chars.removeFirst()) }
    if !width.isEmpty {
      guard let w = Int(width), w <= 1000 else { throw ScriptError("format width is too large in '\(text)' (at most 1000)") }
      spec.width = w
    }
    if let g = chars.first, g == "," || g == "_" { spec.grouping = chars.removeFirst() }
    if chars.first == "." {
      chars.removeFirst()
      var digits = ""
      while let c = chars.first, c.isASCII, c.isNumber { digits.append(chars.removeFirst()) }
      guard !digits.isEmpty else { throw ScriptError("format spec '\(text)' has a '.' without a precision after it") }
      guard let p = Int(digits), p <= 100 else { throw ScriptError("precision is too large in format spec '\(text)' (at most 100)") }
      spec.precision = p
    }
    if let t = chars.first, "bcdeEfFgGnosxX%".contains(t) { spec.type = chars.removeFirst() }
    guard chars.isEmpty else {
      throw ScriptError(
        "invalid format spec '\(text)'",
        note: "specs are [[fill]align][sign][#][0][width][,][.precision][type], e.g. '>10,.2f'; types: d b o x X c e E f F g G % s")
    }
    return spec
  }

  /// `f"{value:spec}"`.
  static func format(_ value: Value, spec text: String) throws -> String {
    let spec = try parse(text)
    // Text is constant by nature: a traced tensor is formatted by its value.
    let v = value.readingTracedValue
    if case .tensor(let t) = v {
      // A 0-d tensor formats as the number it holds.
      if t.shape.isEmpty, let only = elements(of: t).first { return try format(only, spec) }
      return try elementwise(t, spec)
    }
    return try format(v, spec)
  }

  /// Each element formatted with the spec, in brackets nested like the tensor's shape.
  private static func elementwise(_ t: Tensor, _ spec: Spec) throws -> String {
    guard t.count <= 1_000_000 else {
      throw ScriptError(
        "cannot format a tensor of \(t.count) elements element by element (at most 1,000,000); format a slice of it")
    }
    var texts: [String] = []
    texts.reserveCapacity(t.count)
    for e in elements(of: t) { texts.append(try format(e, spec)) }
    var next = 0
    func nest(_ axis: Int) -> String {
      if axis == t.shape.count {
        defer { next += 1 }
        return texts[next]
      }
      return "[" + (0..<t.shape[axis]).map { _ in nest(axis + 1) }.joined(separator: ", ") + "]"
    }
    return nest(0)
  }

  /// A tensor's elements as numbers (bools for a bool tensor).
  private static func elements(of t: Tensor) -> [Value] {
    switch t.dtype {
    case .float32: return t.doubleValues.map { .float($0) }
    case .bool: return t.integerValues.map { .bool($0 != 0) }
    default: return t.integerValues.map { .int(Int($0)) }
    }
  }

  private static func format(_ value: Value, _ spec: Spec) throws -> String {
    var v = value
    if !v.isCoreValue, let t = spec.type, t != "s",
      let converted = try ValueExtensions.first({ try $0.convert(v, to: "dbxXoc".contains(t) ? "int" : "float") })
    {
      v = converted
    }
    if case .bool(let b) = v, let t = spec.type, t != "s" { v = .int(b ? 1 : 0) }
    switch v {
    case .int(let i): return try formatInt(i, spec)
    case .float(let d): return try formatFloat(d, spec)
    default: return try formatText(v, spec)
    }
  }

  private static func typeName(_ spec: Spec) -> String { spec.type.map { "'\($0)'" } ?? "" }

  private static func formatInt(_ i: Int, _ spec: Spec) throws -> String {
    let type = spec.type ?? "d"
    switch type {
    case "e", "E", "f", "F", "g", "G", "%": return try formatFloat(Double(i), spec)
    case "s": return try formatText(.int(i), spec)
    default: break
    }
    guard spec.precision == nil else {
      throw ScriptError("a precision is not allowed when formatting an int with type '\(type)'; use e.g. '.2f'")
    }
    let radix: Int
    var prefix = ""
    switch type {
    case "d", "n": radix = 10
    case "b": radix = 2; prefix = "0b"
    case "o": radix = 8; prefix = "0o"
    case "x": radix = 16; prefix = "0x"
    case "X": radix = 16; prefix = "0X"
    case "c":
      guard spec.grouping == nil, spec.sign == "-", !spec.alternate else {
        throw ScriptError("format type 'c' takes no sign, '#' or grouping")
      }
      guard i >= 0, i <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(i)) else {
        throw ScriptError("format type 'c' needs a Unicode code point (0 to 0x10FFFF), got \(i)")
      }
      return pad("", "", String(Character(scalar)), spec, numeric: true)
    default: throw ScriptError("unknown format type '\(type)' for an int")
    }
    if spec.grouping == ",", radix != 10 {
      throw ScriptError("',' grouping cannot be used with format type '\(type)'; use '_'")
    }
    var digits = String(i.magnitude, radix: radix, uppercase: type == "X")
    if !spec.alternate { prefix = "" }
    if let g = spec.grouping { digits = grouped(digits, by: g, size: radix == 10 ? 3 : 4) }
    return pad(signText(negative: i < 0, spec) + prefix, digits, "", spec, numeric: true, groupSize: radix == 10 ? 3 : 4)
  }

  private static func formatFloat(_ d: Double, _ spec: Spec) throws -> String {
    let type = spec.type
    switch type {
    case "d", "b", "o", "x", "X", "c":
      throw ScriptError("format type '\(type!)' needs an int, got a float; convert it with int(x) or use '.0f'")
    case "s": return try formatText(.float(d), spec)
    default: break
    }
    var x = d
    if spec.noNegativeZero, x == 0 { x = 0 }
    var negative = x.sign == .minus && !x.isNaN
    var body: String
    if !x.isFinite {
      body = x.isNaN ? "nan" : "inf"
      if let t = type, "EFG".contains(t) { body = body.uppercased() }
      if type == "%" { body += "%" }
    } else {
      let m = x.magnitude
      let flag = spec.alternate ? "#" : ""
      switch type {
      case nil:
        if let p = spec.precision {
          body = String(format: "%\(flag).\(max(p, 1))g", m)
          // As Python: fixed-point output keeps at least one digit after the point.
          if !body.contains(".") && !body.contains("e") { body += ".0" }
        } else {
          body = Value.formatFloat(m)
        }
      case "%": body = String(format: "%\(flag).\(spec.precision ?? 6)f", m * 100) + "%"
      case "n": body = String(format: "%\(flag).\(spec.precision ?? 6)g", m)
      case let t?: body = String(format: "%\(flag).\(spec.precision ?? 6)\(t)", m)
      }
      // A value that rounds to zero keeps its minus sign, as in Python, unless 'z' asks otherwise.
      if spec.noNegativeZero, negative, body.allSatisfy({ !("1"..."9").contains($0) }) { negative = false }
    }
    // The leading run of digits is the integer part; grouping applies to it alone.
    let integerEnd = body.firstIndex { !$0.isASCII || !$0.isNumber } ?? body.endIndex
    var integerPart = String(body[..<integerEnd])
    let rest = String(body[integerEnd...])
    if let g = spec.grouping, !integerPart.isEmpty { integerPart = grouped(integerPart, by: g, size: 3) }
    return pad(signText(negative: negative, spec), integerPart, rest, spec, numeric: true)
  }

  private static func formatText(_ v: Value, _ spec: Spec) throws -> String {
    if let t = spec.type, t != "s" {
      throw ScriptError("format type '\(t)' needs a number, got \(v.typeName)")
    }
    if spec.sign != "-" { throw ScriptError("a sign ('\(spec.sign)') is not allowed when formatting \(v.typeNameWithArticle)") }
    if spec.grouping != nil { throw ScriptError("grouping ('\(spec.grouping!)') is not allowed when formatting \(v.typeNameWithArticle)") }
    if spec.align == "=" { throw ScriptError("'=' alignment is only for numbers, not \(v.typeNameWithArticle)") }
    var body = v.text
    if let p = spec.precision { body = String(body.prefix(p)) }
    return pad("", body, "", spec, numeric: false)
  }

  private static func signText(negative: Bool, _ spec: Spec) -> String {
    if negative { return "-" }
    return spec.sign == "-" ? "" : String(spec.sign)
  }

  /// Joins sign, digits and the rest, padded to the width. With '=' alignment the padding goes
  /// between the sign and the digits; zeros there are grouped like the digits, as in Python.
  private static func pad(
    _ sign: String, _ digits: String, _ rest: String, _ spec: Spec, numeric: Bool, groupSize: Int = 3
  ) -> String {
    var digits = digits
    let count = sign.count + digits.count + rest.count
    guard spec.width > count else { return sign + digits + rest }
    let align = spec.align ?? (numeric ? ">" : "<")
    if align == "=" {
      let needed = spec.width - sign.count - rest.count
      if spec.fill == "0", let g = spec.grouping, digits.first?.isNumber == true {
        var raw = digits.filter { $0 != g }
        while grouped(raw, by: g, size: groupSize).count < needed { raw = "0" + raw }
        digits = grouped(raw, by: g, size: groupSize)
        return sign + digits + rest
      }
      return sign + String(repeating: spec.fill, count: needed - digits.count) + digits + rest
    }
    let body = sign + digits + rest
    let padding = spec.width - count
    switch align {
    case "<": return body + String(repeating: spec.fill, count: padding)
    case "^":
      return String(repeating: spec.fill, count: padding / 2) + body + String(repeating: spec.fill, count: padding - padding / 2)
    default: return String(repeating: spec.fill, count: padding) + body
    }
  }

  private static func grouped(_ digits: String, by separator: Character, size: Int) -> String {
    var out = ""
    let n = digits.count
    for (i, c) in digits.enumerated() {
      if i > 0 && (n - i) % size == 0 { out.append(separator) }
      out.append(c)
    }
    return out
  }

  /// `{x!r}` and `{x!s}`: the display form (strings quoted) or the plain text.
  static func convert(_ value: Value, _ conversion: Character) -> Value {
    let v = value.readingTracedValue
    return .string(conversion == "r" ? v.display() : v.text)
  }

  /// `format("{} of {:.2f}", a, b)`: `{}` takes the next argument, `{0}` a numbered one,
  /// `{0!r}` its display form, `{{` / `}}` are literal braces.
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
      var (name, spec) = field.firstIndex(of: ":").map { (String(field[..<$0]), String(field[field.index(after: $0)...])) }
        ?? (field, nil)
      var conversion: Character?
      if let bang = name.firstIndex(of: "!") {
        let after = name[name.index(after: bang)...]
        guard after == "r" || after == "s" else {
          throw ScriptError("unknown conversion '!\(after)' in format string; use !r or !s")
        }
        conversion = after.first
        name = String(name[..<bang])
      }
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
      var value = args[index]
      if let conversion { value = convert(value, conversion) }
      out += try spec.map { try format(value, spec: $0) } ?? value.text
    }
    return out
  }
}
