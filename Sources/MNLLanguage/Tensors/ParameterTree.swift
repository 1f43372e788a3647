import MNLTensor

/// Walks nested lists and records whose leaves are tensors (or numbers): the shape of a
/// network's parameters, and of their gradients.
enum ParameterTree {
  /// Rebuilds `tree` with each tensor/number leaf replaced by `transform(leaf)`.
  /// Lists and records are copied, never mutated; other values are kept as they are.
  static func map(_ tree: Value, depth: Int = 0, _ transform: (Value) throws -> Value) throws -> Value {
    guard depth < 64 else { throw ScriptError("parameter tree nested too deeply") }
    switch tree {
    case .list(let l):
      return .list(try l.items.map { try map($0, depth: depth + 1, transform) })
    case .record(let r):
      return .record(try r.fields.map { ($0.0, try map($0.1, depth: depth + 1, transform)) })
    case .tensor, .int, .float, .object(is TracedTensor):
      return try transform(tree)
    default:
      return tree
    }
  }

  /// The tensor/number leaves in a fixed (depth-first, field order) order.
  static func leaves(_ tree: Value, depth: Int = 0) throws -> [Value] {
    var out: [Value] = []
    try collect(tree, depth: depth, into: &out)
    return out
  }

  private static func collect(_ tree: Value, depth: Int, into out: inout [Value]) throws {
    guard depth < 64 else { throw ScriptError("parameter tree nested too deeply") }
    switch tree {
    case .list(let l): for item in l.items { try collect(item, depth: depth + 1, into: &out) }
    case .record(let r): for (_, v) in r.fields { try collect(v, depth: depth + 1, into: &out) }
    case .tensor, .int, .float, .object(is TracedTensor): out.append(tree)
    default: break
    }
  }

  /// Updates every leaf of `target` in place, pairing it with the leaf at the same position in
  /// `other` (same structure required). A tensor is taken out of its container while `update`
  /// runs, so a tensor held only there is mutated without a copy; a number leaf is replaced by
  /// its updated value (a float, computed by `scalar` in double precision when given), as
  /// `grad` gives number leaves number gradients.
  static func updateInPlace(
    _ target: Value, _ other: Value, path: String = "", depth: Int = 0,
    scalar: ((Double, Double) -> Double)? = nil,
    _ update: (inout Tensor, Tensor, String) throws -> Void
  ) throws {
    guard depth < 64 else { throw ScriptError("parameter tree nested too deeply") }
    switch (target, other) {
    case (.list(let a), .list(let b)):
      guard a.items.count == b.items.count else {
        throw ScriptError("structure mismatch at \(path.isEmpty ? "top" : path): \(a.items.count) vs \(b.items.count) items")
      }
      for i in a.items.indices {
        let p = "\(path)[\(i)]"
        if let updated = try updatedLeaf(&a.items[i], b.items[i], p, scalar, update) {
          a.items[i] = updated
        } else {
          try updateInPlace(a.items[i], b.items[i], path: p, depth: depth + 1, scalar: scalar, update)
        }
      }
    case (.record(let a), .record(let b)):
      if let extra = b.keys.first(where: { a[$0] == nil }) {
        let p = path.isEmpty ? extra : "\(path).\(extra)"
        throw ScriptError("structure mismatch: \(p) is in the second tree but not the first")
      }
      for key in a.keys {
        let p = path.isEmpty ? key : "\(path).\(key)"
        guard let theirs = b[key] else { throw ScriptError("structure mismatch: \(p) is missing from the second tree") }
        guard var mine = a[key] else { continue }
        a[key] = Value.none  // drop the record's reference so a tensor can change in place
        defer { a[key] = mine }
        if let updated = try updatedLeaf(&mine, theirs, p, scalar, update) {
          mine = updated
        } else {
          try updateInPlace(mine, theirs, path: p, depth: depth + 1, scalar: scalar, update)
        }
      }
    case (.list, _), (.record, _):
      throw ScriptError("structure mismatch at \(path.isEmpty ? "top" : path): \(target.typeName) vs \(other.typeName)")
    default:
      throw ScriptError("expected a record or list of tensors (a parameter tree), got \(target.typeName)")
    }
  }

  /// The new value of a tensor or number leaf `mine` after `update` with `theirs`; nil when
  /// `mine` is not a leaf (a list or record to walk into). `mine` is emptied while a tensor
  /// leaf is updated, so the update need not copy it.
  private static func updatedLeaf(
    _ mine: inout Value, _ theirs: Value, _ path: String, _ scalar: ((Double, Double) -> Double)?,
    _ update: (inout Tensor, Tensor, String) throws -> Void
  ) throws -> Value? {
    if case .tensor = mine {
      let o = try leafTensor(theirs, path)
      // Moved out of `mine` (no second reference), so the update happens in place.
      guard var t = takeTensor(&mine) else { return nil }
      defer { mine = .tensor(t) }
      try update(&t, o, path)
      return .tensor(t)
    }
    switch mine {
    case .float(let d):
      // Numbers are doubles: update them in double precision when the caller can.
      if let scalar, let o = theirs.asDouble { return .float(scalar(d, o)) }
      var t = Tensor(scalar: Float(d))
      try update(&t, try leafTensor(theirs, path), path)
      return .float(Double(t.scalarValue ?? Float(d)))
    case .int:
      throw ScriptError("cannot update the int at \(path) in place; make it a float (1.0, not 1)")
    case .list, .record:
      return nil
    default:
      // Other values (names, none) are not parameters: kept, if the other tree agrees.
      switch theirs {
      case .tensor, .float, .int, .list, .record:
        throw ScriptError("structure mismatch at \(path): \(mine.typeName) vs \(theirs.typeName)")
      default: return mine
      }
    }
  }

  /// The tensor in `value`, leaving `.none` behind: the caller then holds the only reference.
  private static func takeTensor(_ value: inout Value) -> Tensor? {
    guard case .tensor(let t) = value else { return nil }
    value = .none
    return t
  }

  /// The other tree's leaf as a tensor (numbers become 0-d tensors).
  private static func leafTensor(_ value: Value, _ path: String) throws -> Tensor {
    switch value {
    case .tensor(let t): return t
    case .float(let d): return Tensor(scalar: Float(d))
    case .int(let i): return Tensor(scalar: Float(i))
    default: throw leafMismatch(path, value)
    }
  }

  private static func leafMismatch(_ path: String, _ found: Value) -> ScriptError {
    ScriptError("structure mismatch at \(path): expected a tensor, found \(found.typeName)")
  }
}
