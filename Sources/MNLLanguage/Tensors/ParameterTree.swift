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

  /// Updates every tensor leaf of `target` in place, pairing it with the leaf at the same
  /// position in `other` (same structure required). The tensor is taken out of its container
  /// while `update` runs, so a tensor held only there is mutated without a copy.
  static func updateInPlace(
    _ target: Value, _ other: Value, path: String = "", depth: Int = 0,
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
        if case .tensor(var t) = a.items[i] {
          guard case .tensor(let o) = b.items[i] else { throw leafMismatch(p, b.items[i]) }
          a.items[i] = .none
          defer { a.items[i] = .tensor(t) }
          try update(&t, o, p)
        } else {
          try updateInPlace(a.items[i], b.items[i], path: p, depth: depth + 1, update)
        }
      }
    case (.record(let a), .record(let b)):
      for key in a.keys {
        let p = path.isEmpty ? key : "\(path).\(key)"
        guard let theirs = b[key] else { throw ScriptError("structure mismatch: \(p) is missing from the second tree") }
        if case .tensor(var t)? = a[key] {
          guard case .tensor(let o) = theirs else { throw leafMismatch(p, theirs) }
          a[key] = Value.none
          defer { a[key] = .tensor(t) }
          try update(&t, o, p)
        } else if let mine = a[key] {
          try updateInPlace(mine, theirs, path: p, depth: depth + 1, update)
        }
      }
    case (.list, _), (.record, _):
      throw ScriptError("structure mismatch at \(path.isEmpty ? "top" : path): \(target.typeName) vs \(other.typeName)")
    default:
      guard depth > 0 else {
        throw ScriptError("expected a record or list of tensors (a parameter tree), got \(target.typeName)")
      }
    }
  }

  private static func leafMismatch(_ path: String, _ found: Value) -> ScriptError {
    ScriptError("structure mismatch at \(path): expected a tensor, found \(found.typeName)")
  }
}
