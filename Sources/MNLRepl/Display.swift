import MNLDisplay
import MNLLanguage
import MNLTensor

/// How the REPL shows a cell's value.
enum ValueDisplay {
  /// Tensors with more elements than this get min/max/mean/std under their summarised view.
  static let statisticsThreshold = 1000

  static func render(_ value: Value) -> String {
    switch value {
    case .tensor(let tensor):
      var text = value.display()
      if tensor.count > statisticsThreshold, let stats = TensorStatistics(tensor) {
        text += "\n" + stats.formatted
      }
      return text
    case .list, .record:
      if let tree = parameterTree(value) {
        return tree.render(title: value.typeName).trimmingTrailingNewlines()
      }
      return value.display()
    default:
      return value.display()
    }
  }

  /// A list or record whose leaves are all tensors (at any depth, at least one) — a network's
  /// parameters — as a tree; nil for anything else.
  static func parameterTree(_ value: Value, depth: Int = 0) -> ParameterTree? {
    guard depth < 32 else { return nil }  // cycles and absurd nesting are not parameter trees
    switch value {
    case .tensor(let t):
      return .tensor(shape: t.shape, dtype: t.dtype)
    case .list(let list):
      guard !list.items.isEmpty else { return nil }
      var children: [(name: String, node: ParameterTree)] = []
      for (i, item) in list.items.enumerated() {
        guard let node = parameterTree(item, depth: depth + 1) else { return nil }
        children.append(("[\(i)]", node))
      }
      return .branch(children)
    case .record(let record):
      guard record.count > 0 else { return nil }
      var children: [(name: String, node: ParameterTree)] = []
      for (key, item) in record.fields {
        guard let node = parameterTree(item, depth: depth + 1) else { return nil }
        children.append((key, node))
      }
      return .branch(children)
    default:
      return nil
    }
  }

  /// One line for `:vars`: a tensor's shape, a tree's totals, a function's signature, or the
  /// value itself cut to `width` characters.
  static func summary(_ value: Value, width: Int = 50) -> String {
    switch value {
    case .tensor(let t):
      return formatShape(t.shape) + " " + t.dtype.shortName
    case .function(let f):
      return f.signature
    case .list, .record:
      if let tree = parameterTree(value) {
        let n = tree.tensorCount
        return "\(n) tensor\(n == 1 ? "" : "s"), \(groupThousands(tree.parameterCount)) parameters"
      }
      fallthrough
    default:
      let text = value.display().replacingNewlines()
      return text.count > width ? String(text.prefix(width - 1)) + "…" : text
    }
  }
}

extension String {
  func trimmingTrailingNewlines() -> String {
    var s = self
    while s.last == "\n" { s.removeLast() }
    return s
  }

  func replacingNewlines() -> String {
    String(map { $0 == "\n" ? " " : $0 })
  }
}

extension ValueDisplay {
  /// A cell's value for a notebook: the REPL's text, plus an HTML table for tensors (with the
  /// summary statistics) and parameter trees.
  static func bundle(_ value: Value) -> MimeBundle {
    var bundle = MimeBundle(plain: render(value))
    switch value {
    case .tensor(let tensor):
      bundle["text/html"] = TensorHTML.render(tensor, text: value.display())
    case .list, .record:
      if let tree = parameterTree(value) { bundle["text/html"] = ParameterTreeHTML.render(tree, title: value.typeName) }
    default:
      break
    }
    return bundle
  }
}
