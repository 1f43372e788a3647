import Testing
@testable import MNLDisplay

@Suite struct NumberFormattingTests {
  @Test func fixed() {
    #expect(formatFixed(0.98765, decimals: 3) == "0.988")
    #expect(formatFixed(-1.5, decimals: 0) == "-2")
    #expect(formatFixed(-0.0001, decimals: 2) == "0.00")
    #expect(formatFixed(12, decimals: 2) == "12.00")
    #expect(formatFixed(.nan, decimals: 2) == "nan")
  }

  @Test func significant() {
    #expect(formatSignificant(2.302585) == "2.3")
    #expect(formatSignificant(0.05123) == "0.0512")
    #expect(formatSignificant(30000) == "30000")
    #expect(formatSignificant(0) == "0")
  }

  @Test func niceTicksFollowTheOneTwoFiveRule() {
    let steps = NiceTicks(low: 0, high: 30000, target: 5)
    #expect(steps.step == 5000)
    #expect(steps.labels == ["0", "5000", "10000", "15000", "20000", "25000", "30000"])
    let loss = NiceTicks(low: 0.05, high: 2.31, target: 6)
    #expect(loss.step == 0.5)
    #expect(loss.labels == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"])
    let accuracy = NiceTicks(low: 0.9, high: 0.985, target: 6)
    #expect(accuracy.step == 0.01)
    #expect(accuracy.labels.first == "0.90" && accuracy.labels.last == "0.99")
    let flat = NiceTicks(low: 3, high: 3)
    #expect(flat.low < 3 && flat.high > 3)
    for rough in [0.013, 0.3, 7.0, 1500.0] {
      let step = NiceTicks.niceStep(rough)
      #expect(step >= rough / 1.5 && step <= rough * 10 / 7)
    }
  }

  @Test func durations() {
    #expect(formatDuration(7) == "0:07")
    #expect(formatDuration(125) == "2:05")
    #expect(formatDuration(3723) == "1:02:03")
    #expect(formatDuration(.infinity) == "-")
  }
}
