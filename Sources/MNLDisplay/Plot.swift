/// A figure made by `plot`, `scatter` or `hist`: one description drawn two ways — a braille
/// chart (or bar list) for the terminal and an SVG figure for a notebook.
public struct Plot: Sendable {
  public enum Kind: Sendable, Equatable {
    case lines, points
    /// Bin edges (one more than the counts) and counts.
    case histogram(edges: [Double], counts: [Double])
  }

  public var kind: Kind
  public var series: [ChartSeries]
  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var logX = false
  public var logY = false

  public init(kind: Kind, series: [ChartSeries], title: String = "", xLabel: String = "", yLabel: String = "") {
    self.kind = kind
    self.series = series
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
  }

  public func renderTerminal(capabilities: TerminalCapabilities, height: Int = 12) -> String {
    if case .histogram(let edges, let counts) = kind {
      var out = title.isEmpty ? "" : title + "\n"
      let labels = counts.indices.map { i in
        "[" + formatSignificant(edges[i], digits: 3) + ", " + formatSignificant(edges[i + 1], digits: 3)
          + (i == counts.count - 1 ? "]" : ")")
      }
      var chart = BarChart(labels: labels, values: counts)
      chart.integerValues = true
      out += chart.render(capabilities: capabilities)
      return out
    }
    var chart = LineChart(title: title, series: series, height: height)
    chart.pointsOnly = kind == .points
    chart.logX = logX
    chart.logY = logY
    var out = chart.render(capabilities: capabilities)
    let axes = [xLabel.isEmpty ? nil : "x: " + xLabel, yLabel.isEmpty ? nil : "y: " + yLabel].compactMap { $0 }
    if !axes.isEmpty { out += "  " + axes.joined(separator: "   ") + "\n" }
    return out
  }

  public var svg: SVGPlot {
    var panel = PlotPanel(title: title, xLabel: xLabel, yLabel: yLabel, series: series)
    switch kind {
    case .lines: panel.style = .lines
    case .points: panel.style = .points
    case .histogram(let edges, let counts):
      panel.style = .bars
      panel.series = [ChartSeries(name: series.first?.name ?? "", xs: edges, ys: counts)]
    }
    panel.logX = logX
    panel.logY = logY
    return SVGPlot(panels: [panel])
  }
}

/// Counts of values in `bins` equal-width bins over [low, high] (the data's range by default);
/// the last bin includes its right edge, as NumPy's histogram does. Non-finite values are not
/// counted (the caller reports them).
public struct Histogram: Sendable, Equatable {
  public let edges: [Double]
  public let counts: [Double]

  public init(_ values: [Double], bins: Int, range: (Double, Double)? = nil) {
    let finite = values.filter(\.isFinite)
    var low = range?.0 ?? finite.min() ?? 0
    var high = range?.1 ?? finite.max() ?? 1
    if low == high {
      // NumPy's rule for a constant sample: a unit-wide range around it.
      low -= 0.5
      high += 0.5
    }
    let n = max(bins, 1)
    // Halved when the span itself overflows (a range like [-1e308, 1e308]): the same ratio.
    let scale = (high - low).isFinite ? 1.0 : 0.5
    edges = (0...n).map { i in
      let t = Double(i) / Double(n)
      return scale == 1 ? low + (high - low) * t : low * (1 - t) + high * t
    }
    var counts = [Double](repeating: 0, count: n)
    let span = high * scale - low * scale
    for v in finite where v >= low && v <= high {
      let position = (v * scale - low * scale) / span * Double(n)
      let i = position.isFinite ? min(Int(position.rounded(.down)), n - 1) : n - 1
      counts[max(i, 0)] += 1
    }
    self.counts = counts
  }
}
