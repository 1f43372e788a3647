import MNLAutodiff
import MNLTensor

/// `tensor([...])` of a (nested) list that holds tensors grad is tracing: the recorded stack of
/// its items, so that building a tensor from traced pieces keeps the gradient. Nil when the
/// list holds no traced tensor (the plain literal path handles it).
func tracedTensor(fromList value: Value, depth: Int = 0) throws -> Variable? {
  guard case .list(let list) = value, TracedArguments.containsTraced(value) else { return nil }
  guard depth < 32 else { throw ScriptError("tensor(): list nested too deeply") }
  guard !list.items.isEmpty else { return nil }
  let parts = try list.items.map { item -> Variable in
    if let nested = try tracedTensor(fromList: item, depth: depth + 1) { return nested }
    guard let arg = try item.tensorArg() else {
      throw ScriptError("tensor() expects numbers, tensors or nested lists of them, found \(item.typeName)")
    }
    return try MNLAutodiff.cast(arg.variable, to: .float32)
  }
  let shapes = Set(parts.map(\.shape))
  guard shapes.count == 1 else {
    throw ScriptError("tensor() needs a rectangular nested list: every row must have the same shape, got \(shapes.map(formatShape).sorted().joined(separator: " and "))")
  }
  return try MNLAutodiff.stack(parts, axis: 0)
}
