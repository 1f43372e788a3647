import Testing
@testable import MNLDisplay

@Suite struct BarChartTests {
  let probabilities = [0.01, 0.0, 0.02, 0.0, 0.05, 0.0, 0.85, 0.0, 0.07, 0.0]

  func chart() -> BarChart {
    BarChart(
      labels: (0..<10).map(String.init), values: probabilities,
      highlight: BarChart.indexOfMaximum(probabilities), scaleMaximum: 1)
  }

  @Test func plainChartMarksTheWinnerWithoutEscapes() {
    let text = chart().render(capabilities: .plain)
    let rows = lines(text)
    #expect(rows.count == 10)
    #expect(!text.contains(escape))
    #expect(rows[6].hasPrefix("6 │"))
    #expect(rows[6].hasSuffix("0.850 <"))
    #expect(rows.enumerated().filter { $0.element.hasSuffix("<") }.map(\.offset) == [6])
    #expect(rows.allSatisfy { $0.count <= 80 })
    let hashes = rows.map { $0.filter { $0 == "#" }.count }
    #expect(hashes[6] > hashes[8] && hashes[8] > hashes[4] && hashes[1] == 0)
  }

  @Test func colourChartUsesEighthBlocksForFractions() {
    let text = chart().render(capabilities: colourTerminal)
    let rows = lines(text).map(stripEscapes)
    #expect(rows.count == 10)
    #expect(rows[6].hasSuffix("0.850 ◀"))
    let eighths = Set(BarChart.eighths.joined())
    #expect(rows.contains { row in row.contains { eighths.contains($0) } })
    #expect(rows.allSatisfy { $0.count <= 80 })
    // Bar length (in eighths) is proportional to the value.
    func eighthsIn(_ row: String) -> Int {
      row.reduce(0) { sum, ch in
        if ch == "█" { return sum + 8 }
        if let i = BarChart.eighths.firstIndex(of: String(ch)) { return sum + i }
        return sum
      }
    }
    let full = eighthsIn(rows[6])
    let small = eighthsIn(rows[8])
    #expect(abs(Double(small) / Double(full) - 0.07 / 0.85) < 0.02)
  }

  @Test func indexOfMaximumSkipsNaNAndPrefersFirst() {
    #expect(BarChart.indexOfMaximum([1, 3, 3, .nan]) == 1)
    #expect(BarChart.indexOfMaximum([]) == nil)
  }
}
