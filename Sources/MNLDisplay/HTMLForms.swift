import MNLTensor

/// HTML forms of values for notebooks (what IPython's `_repr_html_` gives): small tables with
/// inline styles only, so they look the same in JupyterLab, VS Code, nbconvert and GitHub.
public enum TensorHTML {
  /// The summary (shape, dtype, min/max/mean/std, non-finite count) as a table, then the
  /// printed form in a <pre>.
  public static func render(_ tensor: Tensor, text: String) -> String {
    var rows: [(String, String)] = [
      ("shape", formatShape(tensor.shape)), ("dtype", tensor.dtype.shortName), ("elements", groupThousands(tensor.count)),
    ]
    if let stats = TensorStatistics(tensor) {
      rows += [
        ("min", formatSignificant(stats.minimum, digits: 4)), ("max", formatSignificant(stats.maximum, digits: 4)),
        ("mean", formatSignificant(stats.mean, digits: 4)), ("std", formatSignificant(stats.standardDeviation, digits: 4)),
      ]
      if stats.nonFiniteCount > 0 { rows.append(("non-finite", groupThousands(stats.nonFiniteCount))) }
    }
    var html = "<div class=\"mnl-tensor\"><table style=\"border-collapse:collapse;margin-bottom:4px\"><tr>"
    for (name, _) in rows { html += "<th style=\"padding:2px 10px;text-align:left\">\(htmlEscape(name))</th>" }
    html += "</tr><tr>"
    for (_, value) in rows { html += "<td style=\"padding:2px 10px;font-family:monospace\">\(htmlEscape(value))</td>" }
    html += "</tr></table><pre style=\"margin:0\">\(htmlEscape(text))</pre></div>"
    return html
  }
}

public enum ParameterTreeHTML {
  /// One row per tensor (path, shape, dtype, parameters) and a total row.
  public static func render(_ tree: ParameterTree, title: String) -> String {
    var rows: [(path: String, shape: String, dtype: String, count: Int)] = []
    collect(tree, path: "", into: &rows)
    var html = "<table class=\"mnl-parameters\" style=\"border-collapse:collapse\">"
    html += "<caption style=\"text-align:left;font-weight:bold\">\(htmlEscape(title)): \(tree.tensorCount) "
      + "tensor\(tree.tensorCount == 1 ? "" : "s"), \(groupThousands(tree.parameterCount)) parameters</caption>"
    html += "<tr><th style=\"text-align:left;padding:2px 10px\">name</th><th style=\"text-align:left;padding:2px 10px\">shape</th>"
      + "<th style=\"text-align:left;padding:2px 10px\">dtype</th><th style=\"text-align:right;padding:2px 10px\">parameters</th></tr>"
    for row in rows {
      html += "<tr><td style=\"padding:2px 10px;font-family:monospace\">\(htmlEscape(row.path))</td>"
        + "<td style=\"padding:2px 10px;font-family:monospace\">\(htmlEscape(row.shape))</td>"
        + "<td style=\"padding:2px 10px\">\(htmlEscape(row.dtype))</td>"
        + "<td style=\"padding:2px 10px;text-align:right\">\(groupThousands(row.count))</td></tr>"
    }
    html += "<tr><td style=\"padding:2px 10px;font-weight:bold\">total</td><td></td><td></td>"
      + "<td style=\"padding:2px 10px;text-align:right;font-weight:bold\">\(groupThousands(tree.parameterCount))</td></tr>"
    return html + "</table>"
  }

  private static func collect(
    _ tree: ParameterTree, path: String, into rows: inout [(path: String, shape: String, dtype: String, count: Int)]
  ) {
    switch tree {
    case .tensor(let shape, let dtype):
      rows.append((path, formatShape(shape), dtype.shortName, tree.parameterCount))
    case .branch(let children):
      for child in children {
        let name = child.name.hasPrefix("[") || path.isEmpty ? path + child.name : path + "." + child.name
        collect(child.node, path: name, into: &rows)
      }
    }
  }
}

public enum BarChartHTML {
  /// Horizontal bars as a table: label, a bar whose width is the value's share of the largest,
  /// the value; the highlighted bar in a darker colour.
  public static func render(_ chart: BarChart) -> String {
    let top = chart.scaleMaximum ?? max(chart.values.filter(\.isFinite).max() ?? 1, 1e-300)
    var html = "<table class=\"mnl-bars\" style=\"border-collapse:collapse\">"
    for (i, (label, value)) in zip(chart.labels, chart.values).enumerated() {
      let share = value.isFinite && top > 0 ? min(max(value / top, 0), 1) : 0
      let colour = i == chart.highlight ? "#1f77b4" : "#9ecae1"
      html += "<tr><td style=\"padding:1px 8px;font-family:monospace;text-align:right\">\(htmlEscape(label))</td>"
        + "<td style=\"padding:1px 4px;width:240px\"><div style=\"background:\(colour);height:12px;width:"
        + "\(Int((share * 240).rounded()))px\"></div></td>"
        + "<td style=\"padding:1px 8px;font-family:monospace\">\(formatSignificant(value, digits: 4))</td></tr>"
    }
    return html + "</table>"
  }
}
