import Foundation

/// The meaning of the operators on core values. Extension values (tensors, …) are handed to
/// `ValueExtensions`; anything else is a clear error. Errors here carry no location: the
/// compiled expression attaches its own.
enum Operators {
  static func unsupported(_ op: BinaryOperator, _ l: Value, _ r: Value) -> ScriptError {
    ScriptError("unsupported operand types for \(op.rawValue): \(l.typeName) and \(r.typeName)", kind: "type")
  }

  static func overflow(_ op: BinaryOperator) -> ScriptError {
    ScriptError(
      "integer overflow in \(op.rawValue) (integers are 64-bit)",
      note: "convert an operand with float(x) to compute with floating point")
  }

  /// Any operator applied to at least one extension value, or a combination with no core rule.
  static func extended(_ op: BinaryOperator, _ l: Value, _ r: Value) throws -> Value {
    if !l.isCoreValue || !r.isCoreValue, let v = try ValueExtensions.first({ try $0.binary(op, l, r) }) {
      return v
    }
    if op == .equal { return .bool(false) }
    if op == .notEqual { return .bool(true) }
    throw unsupported(op, l, r)
  }

  static func binary(_ op: BinaryOperator, _ l: Value, _ r: Value) throws -> Value {
    switch op {
    case .add: return try add(l, r)
    case .subtract: return try subtract(l, r)
    case .multiply: return try multiply(l, r)
    case .divide: return try divide(l, r)
    case .floorDivide: return try floorDivide(l, r)
    case .modulo: return try modulo(l, r)
    case .power: return try power(l, r)
    case .matmul: return try extended(op, l, r)
    case .equal:
      if !l.isCoreValue || !r.isCoreValue { return try extended(op, l, r) }
      return .bool(equal(l, r))
    case .notEqual:
      if !l.isCoreValue || !r.isCoreValue { return try extended(op, l, r) }
      return .bool(!equal(l, r))
    case .less, .lessEqual, .greater, .greaterEqual:
      if !l.isCoreValue || !r.isCoreValue { return try extended(op, l, r) }
      let c = try compare(l, r, op)
      switch op {
      case .less: return .bool(c < 0)
      case .lessEqual: return .bool(c <= 0)
      case .greater: return .bool(c > 0)
      default: return .bool(c >= 0)
      }
    case .contains: return .bool(try contains(r, l))
    }
  }

  static func add(_ l: Value, _ r: Value) throws -> Value {
    switch (l, r) {
    case (.int(let a), .int(let b)):
      let (v, o) = a.addingReportingOverflow(b)
      if o { throw overflow(.add) }
      return .int(v)
    case (.float(let a), .float(let b)): return .float(a + b)
    case (.int(let a), .float(let b)): return .float(Double(a) + b)
    case (.float(let a), .int(let b)): return .float(a + Double(b))
    case (.string(let a), .string(let b)): return .string(a + b)
    case (.list(let a), .list(let b)): return .list(a.items + b.items)
    case (.string, _), (_, .string):
      if l.isCoreValue && r.isCoreValue {
        throw ScriptError(
          "unsupported operand types for +: \(l.typeName) and \(r.typeName)",
          note: "convert with str(x), or use an f-string: f\"…{x}…\"", kind: "type")
      }
      return try extended(.add, l, r)
    default: return try extended(.add, l, r)
    }
  }

  static func subtract(_ l: Value, _ r: Value) throws -> Value {
    switch (l, r) {
    case (.int(let a), .int(let b)):
      let (v, o) = a.subtractingReportingOverflow(b)
      if o { throw overflow(.subtract) }
      return .int(v)
    case (.float(let a), .float(let b)): return .float(a - b)
    case (.int(let a), .float(let b)): return .float(Double(a) - b)
    case (.float(let a), .int(let b)): return .float(a - Double(b))
    default: return try extended(.subtract, l, r)
    }
  }

  static func multiply(_ l: Value, _ r: Value) throws -> Value {
    switch (l, r) {
    case (.int(let a), .int(let b)):
      let (v, o) = a.multipliedReportingOverflow(by: b)
      if o { throw overflow(.multiply) }
      return .int(v)
    case (.float(let a), .float(let b)): return .float(a * b)
    case (.int(let a), .float(let b)): return .float(Double(a) * b)
    case (.float(let a), .int(let b)): return .float(a * Double(b))
    case (.string(let s), .int(let n)), (.int(let n), .string(let s)):
      return .string(String(repeating: s, count: try repeatCount(n, s.unicodeScalars.count)))
    case (.list(let xs), .int(let n)), (.int(let n), .list(let xs)):
      var out: [Value] = []
      for _ in 0..<(try repeatCount(n, xs.items.count)) { out += xs.items }
      return .list(out)
    default: return try extended(.multiply, l, r)
    }
  }

  /// How many copies `x * n` makes: none for an empty x (so `[] * 2^63` does not loop
  /// 2^63 times), and an error when the result would be huge.
  private static func repeatCount(_ n: Int, _ size: Int) throws -> Int {
    let (total, o) = max(0, n).multipliedReportingOverflow(by: size)
    if o || total > 10_000_000 { throw ScriptError("repetition result is too large (\(n) copies of \(size) items)") }
    return size == 0 ? 0 : max(0, n)
  }

  static func divisionByZero() -> ScriptError { ScriptError("division by zero") }

  static func divide(_ l: Value, _ r: Value) throws -> Value {
    guard let a = l.number, let b = r.number else { return try extended(.divide, l, r) }
    if b == 0 { throw divisionByZero() }
    return .float(a / b)
  }

  static func floorDivide(_ l: Value, _ r: Value) throws -> Value {
    if case .int(let a) = l, case .int(let b) = r {
      if b == 0 { throw divisionByZero() }
      if a == Int.min && b == -1 { throw overflow(.floorDivide) }
      let q = a / b
      return .int((a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q)
    }
    guard let a = l.number, let b = r.number else { return try extended(.floorDivide, l, r) }
    if b == 0 { throw divisionByZero() }
    return .float((a / b).rounded(.down))
  }

  /// Python's modulo: the result has the sign of the divisor (-7 % 3 == 2).
  static func modulo(_ l: Value, _ r: Value) throws -> Value {
    if case .int(let a) = l, case .int(let b) = r {
      if b == 0 { throw divisionByZero() }
      if b == -1 { return .int(0) }
      let m = a % b
      return .int(m != 0 && (m < 0) != (b < 0) ? m + b : m)
    }
    guard let a = l.number, let b = r.number else { return try extended(.modulo, l, r) }
    if b == 0 { throw divisionByZero() }
    let m = fmod(a, b)
    return .float(m != 0 && (m < 0) != (b < 0) ? m + b : m)
  }

  static func power(_ l: Value, _ r: Value) throws -> Value {
    if case .int(let base) = l, case .int(let exp) = r {
      if exp < 0 {
        if base == 0 { throw ScriptError("zero cannot be raised to a negative power", kind: "arithmetic") }
        return .float(pow(Double(base), Double(exp)))
      }
      var result = 1
      var b = base
      var e = exp
      while e > 0 {
        if e & 1 == 1 {
          let (v, o) = result.multipliedReportingOverflow(by: b)
          if o { throw overflow(.power) }
          result = v
        }
        e >>= 1
        if e > 0 {
          let (v, o) = b.multipliedReportingOverflow(by: b)
          if o { throw overflow(.power) }
          b = v
        }
      }
      return .int(result)
    }
    guard let a = l.number, let b = r.number else { return try extended(.power, l, r) }
    if a == 0 && b < 0 { throw ScriptError("zero cannot be raised to a negative power", kind: "arithmetic") }
    return .float(pow(a, b))
  }

  static func negate(_ v: Value) throws -> Value {
    switch v {
    case .int(let a):
      if a == Int.min { throw ScriptError("integer overflow in unary - (integers are 64-bit)") }
      return .int(-a)
    case .float(let a): return .float(-a)
    default:
      if !v.isCoreValue, let r = try ValueExtensions.first({ try $0.unary(.negate, v) }) { return r }
      throw ScriptError("unsupported operand type for unary -: \(v.typeName)", kind: "type")
    }
  }

  static func plus(_ v: Value) throws -> Value {
    switch v {
    case .int, .float: return v
    default:
      if !v.isCoreValue, let r = try ValueExtensions.first({ try $0.unary(.plus, v) }) { return r }
      throw ScriptError("unsupported operand type for unary +: \(v.typeName)", kind: "type")
    }
  }

  // MARK: - Comparison

  /// Structural equality; ints and floats compare by value.
  static func equal(_ l: Value, _ r: Value, depth: Int = 0) -> Bool {
    if depth > 200 { return false }
    switch (l, r) {
    case (.none, .none): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.float(let a), .float(let b)): return a == b
    case (.int(let a), .float(let b)): return Double(a) == b
    case (.float(let a), .int(let b)): return a == Double(b)
    case (.string(let a), .string(let b)): return a == b
    case (.list(let a), .list(let b)):
      if a === b { return true }
      return a.items.count == b.items.count
        && zip(a.items, b.items).allSatisfy { equal($0, $1, depth: depth + 1) }
    case (.record(let a), .record(let b)):
      if a === b { return true }
      return a.count == b.count
        && a.fields.allSatisfy { k, v in b[k].map { equal(v, $0, depth: depth + 1) } ?? false }
    case (.function(let a), .function(let b)): return a === b
    case (.builtin(let a), .builtin(let b)): return a === b
    case (.object(let a), .object(let b)): return a === b
    default: return false
    }
  }

  /// -1, 0 or 1 for numbers, strings and lists of those (lexicographic).
  static func compare(_ l: Value, _ r: Value, _ op: BinaryOperator, depth: Int = 0) throws -> Int {
    switch (l, r) {
    case (.string(let a), .string(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.list(let a), .list(let b)):
      guard depth < 200 else { throw ScriptError("lists are nested too deeply to compare") }
      for (x, y) in zip(a.items, b.items) {
        let c = try compare(x, y, op, depth: depth + 1)
        if c != 0 { return c }
      }
      return a.items.count < b.items.count ? -1 : (a.items.count == b.items.count ? 0 : 1)
    default:
      if case .int(let a) = l, case .int(let b) = r { return a < b ? -1 : (a == b ? 0 : 1) }
      guard let a = l.number, let b = r.number else {
        throw ScriptError("cannot compare \(l.typeName) and \(r.typeName) with \(op.rawValue)", kind: "type")
      }
      if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : 2 }
      return a < b ? -1 : (a == b ? 0 : 1)
    }
  }

  /// `item in container`
  static func contains(_ container: Value, _ item: Value) throws -> Bool {
    switch container {
    case .list(let l): return l.items.contains { equal($0, item) }
    case .string(let s):
      guard case .string(let sub) = item else {
        throw ScriptError("'in <string>' needs a string on the left, got \(item.typeName)", kind: "type")
      }
      return sub.isEmpty || s.contains(sub)
    case .record(let r):
      guard case .string(let key) = item else {
        throw ScriptError("'in <record>' needs a field name (string) on the left, got \(item.typeName)", kind: "type")
      }
      return r[key] != nil
    default:
      if !container.isCoreValue, case .bool(let b)? = try ValueExtensions.first({ try $0.binary(.contains, item, container) }) {
        return b
      }
      throw ScriptError("cannot test membership with 'in' in \(container.typeName)", kind: "type")
    }
  }

  /// Python-style truth: none, false, 0, 0.0, "", [] and {} are false.
  static func truthy(_ v: Value) throws -> Bool {
    switch v {
    case .bool(let b): return b
    case .none: return false
    case .int(let i): return i != 0
    case .float(let d): return d != 0
    case .string(let s): return !s.isEmpty
    case .list(let l): return !l.items.isEmpty
    case .record(let r): return r.count > 0
    case .function, .builtin: return true
    case .tensor, .object:
      if let b = try ValueExtensions.first({ try $0.truth(v) }) { return b }
      if case .object = v { return true }
      throw ScriptError("the truth value of \(v.typeNameWithArticle) is ambiguous; compare it explicitly", kind: "type")
    }
  }
}

extension Value {
  /// Ints and floats as Double (not bools: `true / 2` is an error).
  var number: Double? {
    switch self {
    case .int(let v): return Double(v)
    case .float(let v): return v
    default: return nil
    }
  }
}
