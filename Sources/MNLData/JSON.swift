/// A small JSON reader and string escaper for file headers (safetensors). Objects keep their
/// key order and duplicates, so a header with a repeated name can be rejected; nesting is
/// limited so a hostile header cannot exhaust the stack.
enum JSONValue: Equatable {
  case object([(String, JSONValue)])
  case array([JSONValue])
  case string(String)
  /// The number's source text; `intValue` parses integers exactly.
  case number(String)
  case bool(Bool)
  case null

  static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.object(let x), .object(let y)):
      x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    case (.array(let x), .array(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.number(let x), .number(let y)): x == y
    case (.bool(let x), .bool(let y)): x == y
    case (.null, .null): true
    default: false
    }
  }

  /// An integer written without fraction or exponent, if it fits an Int.
  var intValue: Int? {
    if case .number(let text) = self { return Int(text) }
    return nil
  }

  var kindName: String {
    switch self {
    case .object: "an object"
    case .array: "an array"
    case .string: "a string"
    case .number: "a number"
    case .bool: "a boolean"
    case .null: "null"
    }
  }
}

struct JSONParseError: Error, CustomStringConvertible {
  let message: String
  let offset: Int
  var description: String { "\(message) at byte \(offset)" }
}

struct JSONParser {
  private let bytes: [UInt8]
  private var position = 0
  private let maxDepth = 64

  static func parse(_ bytes: [UInt8]) throws -> JSONValue {
    var parser = JSONParser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
    return value
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private func error(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: position) }

  private mutating func skipWhitespace() {
    while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
  }

  private mutating func expect(_ byte: UInt8) throws {
    guard position < bytes.count, bytes[position] == byte else {
      throw error("expected '\(Character(Unicode.Scalar(byte)))'")
    }
    position += 1
  }

  private mutating func parseValue(depth: Int) throws -> JSONValue {
    guard depth < maxDepth else { throw error("JSON nested too deeply") }
    guard position < bytes.count else { throw error("unexpected end of JSON") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
    case UInt8(ascii: "n"): try parseLiteral("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("unexpected character in JSON")
    }
  }

  private mutating func parseLiteral(_ word: String) throws {
    for byte in word.utf8 { try expect(byte) }
  }

  private mutating func parseObject(depth: Int) throws -> JSONValue {
    position += 1
    var members: [(String, JSONValue)] = []
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw error("expected a string key in JSON object")
      }
      let key = try parseString()
      skipWhitespace()
      try expect(UInt8(ascii: ":"))
      skipWhitespace()
      members.append((key, try parseValue(depth: depth + 1)))
      skipWhitespace()
      guard position < bytes.count else { throw error("unexpected end of JSON object") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
      } else {
        try expect(UInt8(ascii: "}"))
        return .object(members)
      }
    }
  }

  private mutating func parseArray(depth: Int) throws -> JSONValue {
    position += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      guard position < bytes.count else { throw error("unexpected end of JSON array") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
      } else {
        try expect(UInt8(ascii: "]"))
        return .array(items)
      }
    }
  }

  private mutating func parseNumber() throws -> JSONValue {
    let start = position
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    var digits = 0
    while position < bytes.count {
      let b = bytes[position]
      let isNumberByte =
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e")
        || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
      guard isNumberByte else { break }
      if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { digits += 1 }
      position += 1
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    guard digits > 0, Double(text) != nil else { throw JSONParseError(message: "bad number '\(text)'", offset: start) }
    return .number(text)
  }

  private mutating func parseString() throws -> String {
    position += 1
    var scalars = String.UnicodeScalarView()
    var runStart = position
    var result = ""
    func flushRun(_ end: Int) throws {
      guard let run = String(validating: bytes[runStart..<end], as: UTF8.self) else {
        throw JSONParseError(message: "invalid UTF-8 in JSON string", offset: runStart)
      }
      result += String(scalars) + run
      scalars = String.UnicodeScalarView()
    }
    while true {
      guard position < bytes.count else { throw error("unterminated JSON string") }
      let b = bytes[position]
      if b == UInt8(ascii: "\"") {
        try flushRun(position)
        position += 1
        return result
      }
      if b < 0x20 { throw error("control character in JSON string") }
      if b != UInt8(ascii: "\\") {
        position += 1
        continue
      }
      try flushRun(position)
      position += 1
      guard position < bytes.count else { throw error("unterminated JSON string") }
      let escape = bytes[position]
      position += 1
      switch escape {
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "/"): scalars.append("/")
      case UInt8(ascii: "b"): scalars.append("\u{08}")
      case UInt8(ascii: "f"): scalars.append("\u{0C}")
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "u"):
        var code = try parseHex4()
        if (0xD800..<0xDC00).contains(code) {
          // A surrogate pair: \uD83D\uDE00.
          guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
          else { throw error("unpaired surrogate in JSON string") }
          position += 2
          let low = try parseHex4()
          guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in JSON string") }
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape in JSON string") }
        scalars.append(scalar)
      default:
        throw error("invalid escape in JSON string")
      }
      runStart = position
    }
  }

  private mutating func parseHex4() throws -> UInt32 {
    guard position + 4 <= bytes.count,
      let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
    else { throw error("invalid \\u escape in JSON string") }
    position += 4
    return code
  }
}

/// `"text"` with JSON escapes.
func jsonQuoted(_ text: String) -> String {
  var out = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if scalar.value < 0x20 {
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
  }
  return out + "\""
}
