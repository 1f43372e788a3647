/// One chart of an SVG figure: its series share the panel's axes.
public struct PlotPanel: Sendable {
  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var series: [ChartSeries]

  public enum Style: Sendable { case lines, points, bars }
  /// How the series are drawn. `.bars`: a histogram — each series' xs are the bin edges (one
  /// more than its ys, the counts).
  public var style: Style = .lines
  /// Logarithmic axes (every value positive): ticks at powers of ten.
  public var logX = false
  public var logY = false

  public init(title: String, xLabel: String, yLabel: String, series: [ChartSeries]) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
  }
}

/// An axis's ticks: positions (log10 on a log axis) and their labels.
struct AxisTicks {
  let low: Double
  let high: Double
  let values: [Double]
  let labels: [String]

  init(_ data: [Double], log: Bool, target: Int, includeZero: Bool = false) {
    let finite = (log ? data.map(log10OrNaN) : data).filter(\.isFinite)
    var lo = finite.min() ?? 0
    var hi = finite.max() ?? 1
    if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
    if log && hi - lo >= 1 {
      // Whole decades: 0.01, 0.1, 1, 10 …
      let first = lo.rounded(.down)
      let last = hi.rounded(.up)
      let stride = max(1, ((last - first) / Double(target)).rounded(.up))
      low = first
      high = last
      values = Swift.stride(from: first, through: last + 1e-9, by: stride).map { $0 }
      labels = values.map { formatSignificant(pow10($0), digits: 3) }
      return
    }
    let ticks = NiceTicks(low: lo, high: hi, target: target)
    low = ticks.low
    high = ticks.high
    values = ticks.values
    labels = log ? values.map { formatSignificant(pow10($0), digits: 3) } : ticks.labels
  }
}

/// A report-quality SVG figure of one or more panels side by side: axes, ticks on the
/// 1-2-5 rule with labels, grid lines, axis labels, titles and a legend.
public struct SVGPlot: Sendable {
  public var title: String?
  public var panels: [PlotPanel]
  public var panelWidth: Double
  public var panelHeight: Double

  public init(title: String? = nil, panels: [PlotPanel], panelWidth: Double = 520, panelHeight: Double = 380) {
    self.title = title
    self.panels = panels
    self.panelWidth = panelWidth
    self.panelHeight = panelHeight
  }

  /// Line colours (colour-blind friendly, as in matplotlib's default cycle).
  static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"]
  static let margin = (left: 72.0, right: 24.0, top: 40.0, bottom: 56.0)
  static let font = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""

  var titleHeight: Double { title == nil ? 0 : 36 }

  public func render() -> String {
    let width = panelWidth * Double(max(panels.count, 1))
    let height = panelHeight + titleHeight
    var svg = """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" \
      viewBox="0 0 \(n(width)) \(n(height))">
      <rect width="100%" height="100%" fill="white"/>

      """
    if let title {
      svg += "<text x=\"\(n(width / 2))\" y=\"24\" text-anchor=\"middle\" \(Self.font) font-size=\"18\" "
        + "font-weight=\"bold\" fill=\"#222\">\(xmlEscape(title))</text>\n"
    }
    // Colours continue across panels so every series in the figure is distinct.
    var firstColour = 0
    for (index, panel) in panels.enumerated() {
      svg += renderPanel(panel, originX: Double(index) * panelWidth, originY: titleHeight, firstColour: firstColour)
      firstColour += panel.series.count
    }
    svg += "</svg>\n"
    return svg
  }

  private func renderPanel(_ panel: PlotPanel, originX: Double, originY: Double, firstColour: Int) -> String {
    let m = Self.margin
    let left = originX + m.left
    let right = originX + panelWidth - m.right
    let top = originY + m.top
    let bottom = originY + panelHeight - m.bottom
    // Data in axis coordinates (log10 on a log axis).
    let series = panel.series.map { s in
      var s = s
      if panel.logX { s.xs = s.xs.map(log10OrNaN) }
      if panel.logY { s.ys = s.ys.map(log10OrNaN) }
      return s
    }
    let xTicks = AxisTicks(panel.series.flatMap(\.xs), log: panel.logX, target: 5)
    let yTicks = AxisTicks(panel.series.flatMap(\.ys), log: panel.logY, target: 6, includeZero: panel.style == .bars)
    func px(_ x: Double) -> Double { left + (x - xTicks.low) / (xTicks.high - xTicks.low) * (right - left) }
    func py(_ y: Double) -> Double { bottom - (y - yTicks.low) / (yTicks.high - yTicks.low) * (bottom - top) }

    var s = "<g class=\"panel\">\n"
    s += "<text x=\"\(n((left + right) / 2))\" y=\"\(n(top - 14))\" text-anchor=\"middle\" \(Self.font) "
      + "font-size=\"15\" font-weight=\"bold\" fill=\"#222\">\(xmlEscape(panel.title))</text>\n"

    // Grid lines and tick labels.
    s += "<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n"
    for x in xTicks.values {
      s += "<line x1=\"\(n(px(x)))\" y1=\"\(n(top))\" x2=\"\(n(px(x)))\" y2=\"\(n(bottom))\"/>\n"
    }
    for y in yTicks.values {
      s += "<line x1=\"\(n(left))\" y1=\"\(n(py(y)))\" x2=\"\(n(right))\" y2=\"\(n(py(y)))\"/>\n"
    }
    s += "</g>\n<g \(Self.font) font-size=\"12\" fill=\"#333\">\n"
    for (x, label) in zip(xTicks.values, xTicks.labels) {
      s += "<text class=\"xtick\" x=\"\(n(px(x)))\" y=\"\(n(bottom + 18))\" text-anchor=\"middle\">\(label)</text>\n"
    }
    for (y, label) in zip(yTicks.values, yTicks.labels) {
      s += "<text class=\"ytick\" x=\"\(n(left - 8))\" y=\"\(n(py(y) + 4))\" text-anchor=\"end\">\(label)</text>\n"
    }
    s += "</g>\n"

    // Axes with tick marks.
    s += "<g stroke=\"#333\" stroke-width=\"1.2\">\n"
    s += "<line x1=\"\(n(left))\" y1=\"\(n(bottom))\" x2=\"\(n(right))\" y2=\"\(n(bottom))\"/>\n"
    s += "<line x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(bottom))\"/>\n"
    for x in xTicks.values {
      s += "<line x1=\"\(n(px(x)))\" y1=\"\(n(bottom))\" x2=\"\(n(px(x)))\" y2=\"\(n(bottom + 5))\"/>\n"
    }
    for y in yTicks.values {
      s += "<line x1=\"\(n(left - 5))\" y1=\"\(n(py(y)))\" x2=\"\(n(left))\" y2=\"\(n(py(y)))\"/>\n"
    }
    s += "</g>\n"

    // Axis labels.
    s += "<text x=\"\(n((left + right) / 2))\" y=\"\(n(bottom + 42))\" text-anchor=\"middle\" \(Self.font) "
      + "font-size=\"13\" fill=\"#222\">\(xmlEscape(panel.xLabel))</text>\n"
    let yLabelX = originX + 18
    let yLabelY = (top + bottom) / 2
    s += "<text x=\"\(n(yLabelX))\" y=\"\(n(yLabelY))\" text-anchor=\"middle\" \(Self.font) font-size=\"13\" "
      + "fill=\"#222\" transform=\"rotate(-90 \(n(yLabelX)) \(n(yLabelY)))\">\(xmlEscape(panel.yLabel))</text>\n"

    // Data: one polyline per finite run, clipped to the plot area.
    for (index, series) in series.enumerated() {
      let colour = Self.palette[(firstColour + index) % Self.palette.count]
      if panel.style == .bars {
        for (i, count) in series.ys.enumerated() where i + 1 < series.xs.count && count.isFinite {
          let x0 = px(series.xs[i])
          let x1 = px(series.xs[i + 1])
          let y0 = py(count)
          let y1 = py(max(yTicks.low, 0))
          s += "<rect x=\"\(n(x0))\" y=\"\(n(min(y0, y1)))\" width=\"\(n(max(x1 - x0, 0)))\" "
            + "height=\"\(n(abs(y1 - y0)))\" fill=\"\(colour)\" fill-opacity=\"0.75\" stroke=\"white\" stroke-width=\"0.5\"/>\n"
        }
        continue
      }
      if panel.style == .points {
        for p in series.points where p.x.isFinite && p.y.isFinite {
          s += "<circle cx=\"\(n(px(p.x)))\" cy=\"\(n(py(p.y)))\" r=\"2.5\" fill=\"\(colour)\" fill-opacity=\"0.8\"/>\n"
        }
        continue
      }
      for run in finiteRuns(series) {
        let points = run.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
        if run.count == 1 {
          s += "<circle cx=\"\(n(px(run[0].x)))\" cy=\"\(n(py(run[0].y)))\" r=\"2.5\" fill=\"\(colour)\"/>\n"
        } else {
          s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\" stroke-linejoin=\"round\" "
            + "points=\"\(points)\"/>\n"
        }
      }
    }

    let plotted = series.flatMap { series in
      series.points.filter { $0.x.isFinite && $0.y.isFinite }.map { (x: px($0.x), y: py($0.y)) }
    }
    s += renderLegend(
      panel.series, firstColour: firstColour, plotArea: (left, top, right, bottom), avoiding: plotted)
    s += "</g>\n"
    return s
  }

  /// A boxed legend in whichever corner of the plot area covers the fewest data points.
  private func renderLegend(
    _ series: [ChartSeries], firstColour: Int, plotArea: (left: Double, top: Double, right: Double, bottom: Double),
    avoiding points: [(x: Double, y: Double)]
  ) -> String {
    guard !series.isEmpty else { return "" }
    let rowHeight = 18.0
    let longest = Double(series.map(\.name.count).max() ?? 0)
    let boxWidth = 44 + longest * 7.2
    let boxHeight = Double(series.count) * rowHeight + 10
    let inset = 8.0
    let corners = [
      (plotArea.right - boxWidth - inset, plotArea.top + inset),
      (plotArea.right - boxWidth - inset, plotArea.bottom - boxHeight - inset),
      (plotArea.left + inset, plotArea.top + inset),
      (plotArea.left + inset, plotArea.bottom - boxHeight - inset),
    ]
    func covered(_ corner: (Double, Double)) -> Int {
      points.filter {
        $0.x >= corner.0 - 4 && $0.x <= corner.0 + boxWidth + 4 && $0.y >= corner.1 - 4
          && $0.y <= corner.1 + boxHeight + 4
      }.count
    }
    // Ties keep the earlier corner: top-right is the conventional place.
    var (x, y) = corners[0]
    var best = covered(corners[0])
    for corner in corners.dropFirst() {
      let c = covered(corner)
      if c < best {
        best = c
        (x, y) = corner
      }
    }
    var s = "<g class=\"legend\">\n"
    s += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(boxWidth))\" height=\"\(n(boxHeight))\" "
      + "fill=\"white\" fill-opacity=\"0.9\" stroke=\"#bbb\" rx=\"3\"/>\n"
    for (index, item) in series.enumerated() {
      let rowY = y + 5 + rowHeight * (Double(index) + 0.5)
      let colour = Self.palette[(firstColour + index) % Self.palette.count]
      s += "<line x1=\"\(n(x + 8))\" y1=\"\(n(rowY))\" x2=\"\(n(x + 30))\" y2=\"\(n(rowY))\" stroke=\"\(colour)\" "
        + "stroke-width=\"2.5\"/>\n"
      s += "<text x=\"\(n(x + 36))\" y=\"\(n(rowY + 4))\" \(Self.font) font-size=\"12\" fill=\"#222\">"
        + "\(xmlEscape(item.name))</text>\n"
    }
    return s + "</g>\n"
  }

  private func finiteRuns(_ series: ChartSeries) -> [[(x: Double, y: Double)]] {
    var runs: [[(x: Double, y: Double)]] = []
    var current: [(x: Double, y: Double)] = []
    for p in series.points {
      if p.x.isFinite && p.y.isFinite {
        current.append(p)
      } else if !current.isEmpty {
        runs.append(current)
        current = []
      }
    }
    if !current.isEmpty { runs.append(current) }
    return runs
  }

  /// SVG coordinates: one decimal is finer than any screen or printer needs.
  private func n(_ v: Double) -> String { trimZeros(formatFixed(v, decimals: 1)) }
}

func xmlEscape(_ text: String) -> String {
  var out = ""
  for ch in text {
    switch ch {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    default: out.append(ch)
    }
  }
  return out
}
