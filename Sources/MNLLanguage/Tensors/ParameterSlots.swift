import MNLTensor

/// Where each tensor/number leaf of a parameter tree lives (its container and key or index),
/// so several trees of the same structure — parameters and an optimiser's state — can be
/// updated together, each leaf taken out of its container while it changes (no copy).
struct ParameterSlot {
  let path: String
  private let container: Container
  private enum Container {
    case record(RecordObject, String)
    case list(ListObject, Int)
  }

  var value: Value {
    get {
      switch container {
      case .record(let r, let key): return r[key] ?? .none
      case .list(let l, let i): return l.items[i]
      }
    }
    nonmutating set {
      switch container {
      case .record(let r, let key): r[key] = newValue
      case .list(let l, let i): l.items[i] = newValue
      }
    }
  }

  /// The leaf's tensor, leaving `.none` in the container so the caller holds the only
  /// reference (put it back with `value = .tensor(t)`); a number leaf as a 0-d tensor.
  func take() throws -> Tensor {
    switch value {
    case .tensor(let t):
      value = .none
      return t
    case .float(let d): return Tensor(scalar: Float(d))
    case .int(let i): return Tensor(scalar: Float(i))
    default: throw ScriptError("expected a tensor at \(path), found \(value.typeName)")
    }
  }

  /// Stores `t` back: as a float when the leaf was a number.
  func put(_ t: Tensor, wasNumber: Bool) {
    value = wasNumber ? .float(Double(t.scalarValue ?? 0)) : .tensor(t)
  }

  var holdsNumber: Bool {
    switch value {
    case .float, .int: return true
    default: return false
    }
  }

  /// The leaf slots of `tree` in depth-first field order (the order of ParameterTree.leaves).
  static func slots(of tree: Value) throws -> [ParameterSlot] {
    var out: [ParameterSlot] = []
    try collect(tree, path: "", depth: 0, into: &out)
    return out
  }

  private static func collect(_ tree: Value, path: String, depth: Int, into out: inout [ParameterSlot]) throws {
    guard depth < 64 else { throw ScriptError("parameter tree nested too deeply") }
    func isLeaf(_ v: Value) -> Bool {
      switch v {
      case .tensor, .float, .int, .object(is TracedTensor): return true
      default: return false
      }
    }
    switch tree {
    case .record(let r):
      for key in r.keys {
        let p = path.isEmpty ? key : "\(path).\(key)"
        guard let v = r[key] else { continue }
        if isLeaf(v) { out.append(ParameterSlot(path: p, container: .record(r, key))) }
        else { try collect(v, path: p, depth: depth + 1, into: &out) }
      }
    case .list(let l):
      for i in l.items.indices {
        let p = "\(path)[\(i)]"
        if isLeaf(l.items[i]) { out.append(ParameterSlot(path: p, container: .list(l, i))) }
        else { try collect(l.items[i], path: p, depth: depth + 1, into: &out) }
      }
    default:
      throw ScriptError("expected a record or list of tensors (a parameter tree), got \(tree.typeName)")
    }
  }
}
