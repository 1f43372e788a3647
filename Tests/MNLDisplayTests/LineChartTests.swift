import Foundation
import Testing
@testable import MNLDisplay

@Suite struct LineChartTests {
  let steps = (0...150).map { Double($0 * 200) }
  var losses: [Double] { steps.map { 2.3 * exp(-$0 / 4000) + 0.05 } }
  var accuracies: [Double] { steps.map { 0.985 - 0.9 * exp(-$0 / 2000) } }

  @Test func singleSeriesLayout() {
    let chart = LineChart(title: "loss", series: [ChartSeries(name: "loss", xs: steps, ys: losses)], height: 10)
    let text = chart.render(capabilities: .plain)
    let rows = lines(text)
    // title, 10 plot rows, axis line, x labels (no legend for one series)
    #expect(rows.count == 13)
    #expect(!text.contains(escape))
    #expect(rows[0].contains("loss"))
    #expect(rows[1].hasPrefix("  2.35 ┤"))
    #expect(rows[10].hasPrefix("0.0513 ┤"))
    #expect(rows[11].contains("└"))
    #expect(rows[12].hasSuffix("30000") && rows[12].contains("0 "))
    #expect(rows.allSatisfy { $0.count <= 80 }, "\(rows.map(\.count))")
    // Plot cells are blank or braille.
    for row in rows[1...10] {
      let plot = row.dropFirst(8)
      #expect(plot.unicodeScalars.allSatisfy { $0 == " " || (0x2800...0x28FF).contains($0.value) })
    }
    // A falling curve: ink at the top-left and bottom-right.
    #expect(Array(rows[1])[8] != " ")
    #expect(rows[10].last.map { (0x2800...0x28FF).contains($0.unicodeScalars.first?.value ?? 0) } == true)
  }

  @Test func twoSeriesOnTwoAxesWithLegend() {
    let chart = LineChart(
      title: "training",
      series: [
        ChartSeries(name: "loss", xs: steps, ys: losses),
        ChartSeries(name: "accuracy", xs: steps, ys: accuracies, axis: .right),
      ], height: 8)
    let text = chart.render(capabilities: colourTerminal)
    let rows = lines(stripEscapes(text))
    #expect(rows.count == 1 + 8 + 2 + 1)
    #expect(rows[1].hasSuffix("├ 0.985"))
    #expect(rows[8].hasSuffix("├ 0.085"))
    #expect(rows.last?.contains("loss (left)") == true)
    #expect(rows.last?.contains("accuracy (right)") == true)
    #expect(rows.allSatisfy { $0.count <= 80 })
    #expect(text.contains("\u{1B}[36m") && text.contains("\u{1B}[33m"))
  }

  @Test func asciiModeAndDegenerateInput() {
    let chart = LineChart(
      title: "flat", series: [ChartSeries(name: "c", xs: [1], ys: [5]), ChartSeries(name: "e", xs: [], ys: [])],
      height: 4, asciiOnly: true)
    let text = chart.render(capabilities: .plain)
    #expect(text.contains("*"))
    #expect(text.unicodeScalars.allSatisfy { !(0x2800...0x28FF).contains($0.value) })
    let gaps = LineChart(title: "nan", series: [ChartSeries(name: "g", xs: [0, 1, 2], ys: [1, .nan, 3])])
    #expect(lines(gaps.render(capabilities: .plain)).count == 1 + 12 + 2)
  }

  @Test func brailleDotBits() {
    var canvas = DotCanvas(columns: 1, rows: 1, dotsPerCell: (2, 4))
    canvas.set(dotX: 0, dotY: 0, series: 0)
    canvas.set(dotX: 1, dotY: 3, series: 0)
    #expect(canvas.cell(column: 0, row: 0).braille == "\u{2881}")
    canvas.set(dotX: 5, dotY: 9, series: 0)  // outside: ignored
  }
}


@Suite struct ExtremeInputTests {
  @Test func hugeRangesDoNotTrap() {
    let chart = LineChart(title: "wide", series: [ChartSeries(name: "w", xs: [0, 1, 2], ys: [-1e308, 1e308, 0])])
    #expect(lines(chart.render(capabilities: .plain)).count == 1 + 12 + 2)
    let svg = SVGPlot(panels: [
      PlotPanel(title: "t", xLabel: "x", yLabel: "y", series: [ChartSeries(name: "w", xs: [0, 1], ys: [-1e308, 1e308])])
    ]).render()
    #expect(svg.hasSuffix("</svg>\n"))
  }

  @Test func progressWithAbsurdSteps() {
    let bar = ProgressBar(total: 10, capabilities: .plain, output: { _ in }, clock: { 0 })
    #expect(bar.line(step: Int.max, elapsed: 1, fields: [], width: 80).contains("100%"))
    #expect(bar.line(step: -5, elapsed: 1, fields: [], width: 80).contains("  0%"))
    bar.update(step: Int.max)
    bar.finish()
  }
}
