/// Indexing and slicing of lists, strings and records; other values go to `ValueExtensions`.
enum Indexing {
  /// A non-negative index for a collection of `count` elements; negative counts from the end.
  static func normalize(_ i: Int, count: Int, what: String) throws -> Int {
    let j = i < 0 ? i + count : i
    guard j >= 0, j < count else {
      throw ScriptError("index \(i) is out of range for a \(what) of length \(count)")
    }
    return j
  }

  /// `start, start + step, …` up to `end` (excluded), without ever overflowing
  /// (`stride` traps when the step after the last value passes Int.max).
  static func steps(from start: Int, to end: Int, by step: Int) -> [Int] {
    var out: [Int] = []
    var i = start
    while step > 0 ? i < end : i > end {
      out.append(i)
      let (next, overflow) = i.addingReportingOverflow(step)
      if overflow { break }
      i = next
    }
    return out
  }

  /// The positions a slice `start:end:step` selects, with Python's clamping rules.
  static func sliceIndices(start: Int?, end: Int?, step: Int?, count: Int) throws -> [Int] {
    let step = step ?? 1
    guard step != 0 else { throw ScriptError("slice step cannot be zero") }
    func clamp(_ v: Int?, _ def: Int, low: Int, high: Int) -> Int {
      guard var v else { return def }
      if v < 0 { v = v < -count ? low : v + count }
      return min(max(v, low), high)
    }
    if step > 0 {
      let s = clamp(start, 0, low: 0, high: count)
      let e = clamp(end, count, low: 0, high: count)
      return s < e ? steps(from: s, to: e, by: step) : []
    }
    let s = clamp(start, count - 1, low: -1, high: count - 1)
    let e = clamp(end, -1, low: -1, high: count - 1)
    return s > e ? steps(from: s, to: e, by: step) : []
  }

  static func get(_ base: Value, _ indices: [IndexValue]) throws -> Value {
    if base.isCoreValue, indices.count == 1 {
      switch (base, indices[0]) {
      case (.list(let l), .single(.int(let i))):
        return l.items[try normalize(i, count: l.items.count, what: "list")]
      case (.list(let l), .slice(let s, let e, let st)):
        return .list(try sliceIndices(start: s, end: e, step: st, count: l.items.count).map { l.items[$0] })
      case (.string(let str), .single(.int(let i))):
        let chars = Array(str)
        return .string(String(chars[try normalize(i, count: chars.count, what: "string")]))
      case (.string(let str), .slice(let s, let e, let st)):
        let chars = Array(str)
        return .string(String(try sliceIndices(start: s, end: e, step: st, count: chars.count).map { chars[$0] }))
      case (.record(let r), .single(.string(let key))):
        guard let v = r[key] else { throw missingField(key, in: r) }
        return v
      case (.list, .single(let v)), (.string, .single(let v)):
        throw ScriptError("\(base.typeName) index must be an int, got \(v.typeName)", kind: "type")
      case (.record, .single(let v)):
        throw ScriptError("record index must be a field name (string), got \(v.typeName)", kind: "type")
      default: break
      }
    }
    if !base.isCoreValue, let v = try ValueExtensions.first({ try $0.index(base, indices) }) { return v }
    if indices.count > 1, base.isCoreValue {
      throw ScriptError(
        "\(base.typeNameWithArticle) takes one index, got \(indices.count)",
        note: "for nested lists write xs[i][j]")
    }
    throw ScriptError("\(base.typeName) cannot be indexed", kind: "type")
  }

  /// Stores into `base[indices]`. Lists and records change in place; extension values (tensors)
  /// are value types, so `base` is updated and the caller writes it back.
  static func set(_ base: inout Value, _ indices: [IndexValue], _ newValue: Value) throws {
    if base.isCoreValue, indices.count == 1 {
      switch (base, indices[0]) {
      case (.list(let l), .single(.int(let i))):
        l.items[try normalize(i, count: l.items.count, what: "list")] = newValue
        return
      case (.list(let l), .slice(let s, let e, let st)) where st == nil || st == 1:
        guard case .list(let src) = newValue else {
          throw ScriptError("can only assign a list to a list slice, got \(newValue.typeName)")
        }
        let n = l.items.count
        func clamp(_ v: Int?, _ fallback: Int) -> Int {
          guard let v else { return fallback }
          return min(max(v < 0 ? v + n : v, 0), n)
        }
        let lo = clamp(s, 0)
        let hi = max(lo, clamp(e, n))
        l.items.replaceSubrange(lo..<hi, with: src.items)
        return
      case (.record(let r), .single(.string(let key))):
        r[key] = newValue
        return
      case (.list, .single(let v)):
        throw ScriptError("list index must be an int, got \(v.typeName)", kind: "type")
      case (.string, _):
        throw ScriptError("strings cannot be changed in place; build a new string instead")
      default: break
      }
    }
    if !base.isCoreValue {
      for ext in ValueExtensions.installed where try ext.setIndex(&base, indices, to: newValue) { return }
    }
    throw ScriptError("cannot assign to an element of \(base.typeNameWithArticle)", kind: "type")
  }

  static func missingField(_ key: String, in r: RecordObject) -> ScriptError {
    ScriptError("record has no field '\(key)'\(Suggestions.hint(for: key, in: r.keys))")
  }

  /// `len(x)`
  static func length(_ v: Value) throws -> Int {
    switch v {
    case .list(let l): return l.items.count
    case .string(let s): return s.count
    case .record(let r): return r.count
    default:
      if !v.isCoreValue, let n = try ValueExtensions.first({ try $0.length(of: v) }) { return n }
      throw ScriptError("len() of \(v.typeNameWithArticle) is not defined", kind: "type")
    }
  }

  /// The elements `for x in v` visits: list items, characters, record field names.
  static func elements(_ v: Value) throws -> [Value] {
    switch v {
    case .list(let l): return l.items
    case .string(let s): return s.map { .string(String($0)) }
    case .record(let r): return r.keys.map { .string($0) }
    default:
      if !v.isCoreValue, let items = try ValueExtensions.first({ try $0.iterate(v) }) { return items }
      throw ScriptError("cannot iterate over \(v.typeNameWithArticle)", kind: "type")
    }
  }
}
