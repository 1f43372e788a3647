import Testing
@testable import MNLDisplay

/// A clock the test advances by hand, and a sink that records output.
final class FakeEnvironment {
  var time = 0.0
  var output: [String] = []
}

@Suite struct ProgressBarTests {
  func makeBar(_ env: FakeEnvironment, capabilities: TerminalCapabilities, logEvery: Int = 10) -> ProgressBar {
    ProgressBar(
      total: 100, label: "train", capabilities: capabilities, logEvery: logEvery, redrawInterval: 0.1,
      output: { env.output.append($0) }, clock: { env.time })
  }

  @Test func terminalRedrawsInPlaceWithRateAndETA() {
    let env = FakeEnvironment()
    let bar = makeBar(env, capabilities: colourTerminal)
    env.time = 1
    bar.update(step: 50, fields: [("loss", "0.2314")])
    #expect(env.output.count == 1)
    let line = stripEscapes(env.output[0])
    #expect(line.hasPrefix("\rtrain  50% "))
    #expect(line.contains("50/100") && line.contains("50.0 steps/s") && line.contains("ETA 0:01"))
    #expect(line.hasSuffix("loss 0.2314"))
    #expect(line.count - 1 <= 79)
    // Too soon after the last draw: skipped.
    env.time = 1.05
    bar.update(step: 51)
    #expect(env.output.count == 1)
    env.time = 2
    bar.update(step: 100, fields: [("loss", "0.1")])
    bar.finish()
    #expect(env.output.last?.hasSuffix("\n") == true)
    #expect(stripEscapes(env.output.last ?? "").contains("took 0:02"))
  }

  @Test func plainOutputLogsEveryNSteps() {
    let env = FakeEnvironment()
    let bar = makeBar(env, capabilities: .plain, logEvery: 25)
    for step in 1...60 {
      env.time = Double(step) * 0.01
      bar.update(step: step, fields: [("loss", "1.0")])
    }
    bar.finish()
    #expect(env.output.count == 3)  // 25, 50, and the final 60
    #expect(env.output.allSatisfy { !$0.contains(escape) && !$0.contains("\r") && $0.hasSuffix("\n") })
    #expect(env.output[0] == "train step 25/100  100 steps/s  ETA 0:01  loss 1.0\n")
    #expect(env.output[2].hasPrefix("train step 60/100"))
    bar.finish()
    #expect(env.output.count == 3)
  }

  @Test func narrowTerminalNeverWraps() {
    let env = FakeEnvironment()
    let narrow = TerminalCapabilities(isTerminal: true, colorMode: .none, width: 30)
    let bar = makeBar(env, capabilities: narrow)
    env.time = 1
    bar.update(step: 10, fields: [("loss", "0.5")])
    #expect((env.output.first?.count ?? 99) <= 30)
  }
}
