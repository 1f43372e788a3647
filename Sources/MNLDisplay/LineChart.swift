import Foundation

/// One named line of (x, y) points. Non-finite points break the line.
public struct ChartSeries: Sendable {
  public enum Axis: Sendable { case left, right }

  public var name: String
  public var xs: [Double]
  public var ys: [Double]
  /// A second series with a different scale (accuracy next to loss) goes on the right axis.
  public var axis: Axis

  public init(name: String, xs: [Double], ys: [Double], axis: Axis = .left) {
    self.name = name
    self.xs = xs
    self.ys = ys
    self.axis = axis
  }

  /// The points in order (non-finite ones included: the canvas skips them).
  var points: [(x: Double, y: Double)] {
    zip(xs, ys).map { (x: $0, y: $1) }
  }
}

/// A line chart drawn with braille dots (2×4 dots per character cell), with a title,
/// a left axis (and a right one for a series on `.right`), min/max tick labels and a legend.
public struct LineChart: Sendable {
  public var title: String
  public var series: [ChartSeries]
  /// Plot rows (each row is 4 dots high).
  public var height: Int
  /// Use '*' per cell instead of braille (for terminals without Unicode fonts).
  public var asciiOnly: Bool

  /// Points only (a scatter plot) instead of connected lines.
  public var pointsOnly = false
  /// Logarithmic axes: values are plotted by their log10 (all must be positive) and the
  /// labels show the values themselves.
  public var logX = false
  public var logY = false

  public init(title: String, series: [ChartSeries], height: Int = 12, asciiOnly: Bool = false) {
    self.title = title
    self.series = series
    self.height = height
    self.asciiOnly = asciiOnly
  }

  /// A label for a position on an axis (undoing the log10 of a log axis).
  func axisLabel(_ v: Double, log: Bool, digits: Int = 3) -> String {
    formatSignificant(log ? pow10(v) : v, digits: digits)
  }

  /// Colours for series 0, 1, … (cyan, yellow, magenta, green).
  static let seriesColours = [6, 3, 5, 2]
  static let asciiMarks: [Character] = ["*", "o", "+", "x"]

  struct Range {
    var low: Double
    var high: Double

    init(_ values: [Double]) {
      let finite = values.filter(\.isFinite)
      low = finite.min() ?? 0
      high = finite.max() ?? 1
      if low == high {
        low -= low == 0 ? 1 : abs(low) * 0.1
        high += high == 0 ? 1 : abs(high) * 0.1
      }
    }
  }

  public func render(capabilities: TerminalCapabilities) -> String {
    let drawn = series.filter { !$0.points.isEmpty }.map { s in
      var s = s
      if logX { s.xs = s.xs.map(log10OrNaN) }
      if logY { s.ys = s.ys.map(log10OrNaN) }
      return s
    }
    let leftSeries = drawn.filter { $0.axis == .left }
    let rightSeries = drawn.filter { $0.axis == .right }
    let xRange = Range(drawn.flatMap(\.xs))
    let leftRange = Range(leftSeries.flatMap(\.ys))
    let rightRange = Range(rightSeries.flatMap(\.ys))

    let leftLabels = [axisLabel(leftRange.high, log: logY), axisLabel(leftRange.low, log: logY)]
    let rightLabels = [axisLabel(rightRange.high, log: logY), axisLabel(rightRange.low, log: logY)]
    let leftWidth = leftSeries.isEmpty ? 0 : leftLabels.map(\.count).max() ?? 0
    let rightWidth = rightSeries.isEmpty ? 0 : (rightLabels.map(\.count).max() ?? 0) + 2
    let plotWidth = max(capabilities.width - leftWidth - 2 - rightWidth, 8)
    let plotHeight = max(height, 2)

    var canvas = DotCanvas(columns: plotWidth, rows: plotHeight, dotsPerCell: asciiOnly ? (1, 1) : (2, 4))
    for (index, s) in drawn.enumerated() {
      let yRange = s.axis == .left ? leftRange : rightRange
      if pointsOnly {
        canvas.drawPoints(s.points, series: index, x: (xRange.low, xRange.high), y: (yRange.low, yRange.high))
      } else {
        canvas.drawPolyline(s.points, series: index, x: (xRange.low, xRange.high), y: (yRange.low, yRange.high))
      }
    }

    let colour = capabilities.allowsEscapes
    var out = ""
    let indent = String(repeating: " ", count: leftWidth + 2)
    let titlePad = max((plotWidth - title.count) / 2, 0)
    out += indent + String(repeating: " ", count: titlePad) + (colour ? ANSI.bold + title + ANSI.reset : title) + "\n"

    for row in 0..<plotHeight {
      let isTop = row == 0
      let isBottom = row == plotHeight - 1
      var line = ""
      if leftWidth > 0 {
        let label = isTop ? leftLabels[0] : isBottom ? leftLabels[1] : ""
        line += String(repeating: " ", count: leftWidth - label.count) + label
        line += (isTop || isBottom) ? " \u{2524}" : " \u{2502}"  // ┤ marks a tick
      } else {
        line += "  \u{2502}"
      }
      for column in 0..<plotWidth {
        let cell = canvas.cell(column: column, row: row)
        if let owner = cell.owner {
          let glyph = asciiOnly ? String(Self.asciiMarks[owner % Self.asciiMarks.count]) : cell.braille
          line += colour ? ANSI.foreground(basic: Self.seriesColours[owner % 4]) + glyph + ANSI.reset : glyph
        } else {
          line += " "
        }
      }
      if rightWidth > 0 {
        let label = isTop ? rightLabels[0] : isBottom ? rightLabels[1] : ""
        line += ((isTop || isBottom) ? "\u{251C}" : "\u{2502}") + (label.isEmpty ? "" : " " + label)
      }
      while line.last == " " { line.removeLast() }
      out += line + "\n"
    }

    // x axis: └──────, then the first and last x under its ends.
    out += String(repeating: " ", count: leftWidth + 1) + "\u{2514}"
      + String(repeating: "\u{2500}", count: plotWidth) + "\n"
    let xLow = axisLabel(xRange.low, log: logX, digits: 4)
    let xHigh = axisLabel(xRange.high, log: logX, digits: 4)
    let gap = max(plotWidth - xLow.count - xHigh.count, 1)
    out += indent + xLow + String(repeating: " ", count: gap) + xHigh + "\n"

    if drawn.count > 1 || !rightSeries.isEmpty {
      var legend = indent
      for (index, s) in drawn.enumerated() {
        let mark = asciiOnly ? String(Self.asciiMarks[index % 4]) + " " : "\u{2500}\u{2500} "
        let side = rightSeries.isEmpty ? "" : (s.axis == .left ? " (left)" : " (right)")
        legend += (colour ? ANSI.foreground(basic: Self.seriesColours[index % 4]) + mark + ANSI.reset : mark)
          + s.name + side + "   "
      }
      while legend.last == " " { legend.removeLast() }
      out += legend + "\n"
    }
    return out
  }
}

/// A grid of dots grouped into character cells; remembers which series drew last in each cell.
struct DotCanvas {
  let columns: Int
  let rows: Int
  let dotsWide: Int
  let dotsHigh: Int
  private var bits: [UInt8]
  private var owners: [Int]

  init(columns: Int, rows: Int, dotsPerCell: (Int, Int)) {
    self.columns = columns
    self.rows = rows
    dotsWide = dotsPerCell.0
    dotsHigh = dotsPerCell.1
    bits = Array(repeating: 0, count: columns * rows)
    owners = Array(repeating: -1, count: columns * rows)
  }

  /// Braille dot bit for (dx, dy) within a cell: dots 1-2-3-7 down the left column, 4-5-6-8 down the right.
  static let brailleBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

  mutating func set(dotX: Int, dotY: Int, series: Int) {
    guard dotX >= 0, dotY >= 0, dotX < columns * dotsWide, dotY < rows * dotsHigh else { return }
    let index = (dotY / dotsHigh) * columns + dotX / dotsWide
    if dotsWide == 2 && dotsHigh == 4 {
      bits[index] |= Self.brailleBits[dotX % 2][dotY % 4]
    } else {
      bits[index] = 1
    }
    owners[index] = series
  }

  func cell(column: Int, row: Int) -> (owner: Int?, braille: String) {
    let index = row * columns + column
    guard bits[index] != 0 else { return (nil, " ") }
    let scalar = Unicode.Scalar(0x2800 + UInt32(bits[index])) ?? " "
    return (owners[index], String(Character(scalar)))
  }

  mutating func drawPolyline(
    _ points: [(x: Double, y: Double)], series: Int, x: (Double, Double), y: (Double, Double)
  ) {
    let maxX = Double(columns * dotsWide - 1)
    let maxY = Double(rows * dotsHigh - 1)
    var previous: (Int, Int)?
    for p in points {
      guard p.x.isFinite, p.y.isFinite else {
        previous = nil
        continue
      }
      let fx = (p.x - x.0) / (x.1 - x.0) * maxX
      let fy = (y.1 - p.y) / (y.1 - y.0) * maxY
      // A range too wide for Double (±1e308 together) gives NaN: skip rather than trap in Int().
      guard fx.isFinite, fy.isFinite else {
        previous = nil
        continue
      }
      let dot = (Int(min(max(fx, 0), maxX).rounded()), Int(min(max(fy, 0), maxY).rounded()))
      if let from = previous {
        drawLine(from: from, to: dot, series: series)
      } else {
        set(dotX: dot.0, dotY: dot.1, series: series)
      }
      previous = dot
    }
  }

  /// Each finite point as one dot, unconnected.
  mutating func drawPoints(
    _ points: [(x: Double, y: Double)], series: Int, x: (Double, Double), y: (Double, Double)
  ) {
    for p in points {
      drawPolyline([p], series: series, x: x, y: y)
    }
  }

  /// Bresenham's line between two dots, inclusive.
  mutating func drawLine(from a: (Int, Int), to b: (Int, Int), series: Int) {
    var (x0, y0) = a
    let (x1, y1) = b
    let dx = abs(x1 - x0)
    let dy = -abs(y1 - y0)
    let sx = x0 < x1 ? 1 : -1
    let sy = y0 < y1 ? 1 : -1
    var error = dx + dy
    while true {
      set(dotX: x0, dotY: y0, series: series)
      if x0 == x1 && y0 == y1 { break }
      let e2 = 2 * error
      if e2 >= dy {
        error += dy
        x0 += sx
      }
      if e2 <= dx {
        error += dx
        y0 += sy
      }
    }
  }
}

/// log10 of a positive value; NaN (a gap in the chart) otherwise.
func log10OrNaN(_ v: Double) -> Double { v > 0 ? log10(v) : .nan }

func pow10(_ v: Double) -> Double { pow(10, v) }
