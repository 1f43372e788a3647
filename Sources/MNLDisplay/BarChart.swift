/// A horizontal bar chart of labelled non-negative values, e.g. the 10 class
/// probabilities of a prediction with the winner highlighted.
public struct BarChart: Sendable {
  public var labels: [String]
  public var values: [Double]
  /// Index of the bar to emphasise (bold colour, and a marker in plain text).
  public var highlight: Int?
  /// The value that fills a whole bar; nil means the largest value. Use 1 for probabilities.
  public var scaleMaximum: Double?

  /// Counts (a histogram) print as integers rather than with three decimals.
  public var integerValues = false

  public init(labels: [String], values: [Double], highlight: Int? = nil, scaleMaximum: Double? = nil) {
    self.labels = labels
    self.values = values
    self.highlight = highlight
    self.scaleMaximum = scaleMaximum
  }

  /// Index of the largest value (the first one on ties), nil when empty.
  public static func indexOfMaximum(_ values: [Double]) -> Int? {
    var best: Int?
    for (i, v) in values.enumerated() where v.isFinite {
      if let b = best, values[b] >= v { continue }
      best = i
    }
    return best
  }

  /// Left to right: ▏▎▍▌▋▊▉ are 1/8 … 7/8 of a cell, █ a whole one.
  static let eighths = ["", "\u{258F}", "\u{258E}", "\u{258D}", "\u{258C}", "\u{258B}", "\u{258A}", "\u{2589}"]
  static let fullBlock = "\u{2588}"

  /// One line per value: `label │bar value`. Negative and non-finite values draw no bar.
  public func render(capabilities: TerminalCapabilities) -> String {
    let count = min(labels.count, values.count)
    guard count > 0 else { return "" }
    let labelWidth = labels.prefix(count).map(\.count).max() ?? 0
    let texts = values.prefix(count).map { integerValues && $0.isFinite ? formatFixed($0, decimals: 0) : Self.formatValue($0) }
    let valueWidth = texts.map(\.count).max() ?? 0
    // label, " │", bar, " ", value, " ◀"
    let barWidth = max(capabilities.width - labelWidth - valueWidth - 6, 4)
    let finite = values.prefix(count).filter(\.isFinite)
    let top = scaleMaximum ?? (finite.max() ?? 1)
    let scale = top > 0 ? top : 1
    let useEscapes = capabilities.allowsEscapes

    var out = ""
    for i in 0..<count {
      let v = values[i].isFinite ? min(max(values[i], 0), scale) : 0
      let fraction = v / scale
      let bar: String
      let barCells: Int
      if useEscapes {
        let eighthsTotal = Int((fraction * Double(barWidth * 8)).rounded())
        bar = String(repeating: Self.fullBlock, count: eighthsTotal / 8) + Self.eighths[eighthsTotal % 8]
        barCells = eighthsTotal / 8 + (eighthsTotal % 8 > 0 ? 1 : 0)
      } else {
        barCells = Int((fraction * Double(barWidth)).rounded())
        bar = String(repeating: "#", count: barCells)
      }
      let isWinner = i == highlight
      let label = String(repeating: " ", count: labelWidth - labels[i].count) + labels[i]
      let padding = String(repeating: " ", count: barWidth - barCells + 1)
      let value = String(repeating: " ", count: valueWidth - texts[i].count) + texts[i]
      var line = label + " \u{2502}"
      if useEscapes && isWinner {
        line += ANSI.bold + ANSI.foreground(basic: 2) + bar + padding + value + ANSI.reset + " \u{25C0}"
      } else if useEscapes {
        line += ANSI.foreground(basic: 6) + bar + ANSI.reset + padding + value
      } else {
        line += bar + padding + value + (isWinner ? " <" : "")
      }
      out += line + "\n"
    }
    return out
  }

  /// Probabilities read best with three decimals; large values as integers.
  static func formatValue(_ v: Double) -> String {
    guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
    if abs(v) >= 1000 { return formatFixed(v, decimals: 0) }
    return formatFixed(v, decimals: 3)
  }
}
