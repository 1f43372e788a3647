import Testing
@testable import MNLDisplay

@Suite struct TerminalTests {
  @Test func noColourWhenNotATerminal() {
    #expect(Terminal.colorMode(isTerminal: false, environment: ["TERM": "xterm-256color"]) == .none)
  }

  @Test func dumbTerminalAndNoColorDisableEscapes() {
    #expect(Terminal.colorMode(isTerminal: true, environment: ["TERM": "dumb"]) == .none)
    #expect(Terminal.colorMode(isTerminal: true, environment: [:]) == .none)
    #expect(Terminal.colorMode(isTerminal: true, environment: ["TERM": "xterm", "NO_COLOR": ""]) == .none)
  }

  @Test func truecolorFromColorterm() {
    #expect(Terminal.colorMode(isTerminal: true, environment: ["TERM": "xterm"]) == .palette256)
    #expect(
      Terminal.colorMode(isTerminal: true, environment: ["TERM": "xterm", "COLORTERM": "truecolor"]) == .truecolor)
    #expect(Terminal.colorMode(isTerminal: true, environment: ["TERM": "xterm", "COLORTERM": "24bit"]) == .truecolor)
  }

  @Test func widthFromColumnsOrDefault() {
    #expect(Terminal.width(environment: ["COLUMNS": "132"]) == 132)
    #expect(Terminal.width(environment: ["COLUMNS": "wide"]) == 80)
    #expect(Terminal.width(environment: ["COLUMNS": "-3"]) == 80)
    #expect(Terminal.width(environment: [:]) == 80)
  }

  @Test func paletteGreyCoversBlackRampAndWhite() {
    #expect(ANSI.paletteGrey(0) == 16)
    #expect(ANSI.paletteGrey(1) == 231)
    #expect(ANSI.paletteGrey(0.5) == 231 + 13)
    let mids = (1...24).map { ANSI.paletteGrey(Double($0) / 25) }
    #expect(mids == Array(232...255))
  }
}

@Suite(.serialized) struct ForcedPlainOutputTests {
  @Test func forcedPlainOutputIsNeverATerminal() {
    Terminal.forcePlainOutput()
    defer { Terminal.forcePlainOutput(false) }
    let caps = Terminal.capabilities()
    #expect(!caps.isTerminal && caps.colorMode == .none)
  }
}
