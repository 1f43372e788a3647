import MNLTensor
@testable import MNLDisplay

/// A 28×28 "0": a ring of bright pixels on black, like an MNIST digit.
func ringDigit() throws -> Tensor {
  var values = [Float](repeating: 0, count: 28 * 28)
  for r in 0..<28 {
    for c in 0..<28 {
      let dy = (Double(r) - 13.5) / 9.0
      let dx = (Double(c) - 13.5) / 6.0
      let d = (dx * dx + dy * dy).squareRoot()
      if d > 0.7 && d < 1.15 { values[r * 28 + c] = 1 }
    }
  }
  return try Tensor(shape: [28, 28], values: values)
}

let escape: Character = "\u{1B}"

func lines(_ text: String) -> [String] {
  var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  if result.last == "" { result.removeLast() }
  return result
}

/// Text with ANSI escape sequences removed (ESC [ … letter).
func stripEscapes(_ text: String) -> String {
  var out = ""
  var inEscape = false
  for ch in text {
    if inEscape {
      if ch.isLetter { inEscape = false }
    } else if ch == escape {
      inEscape = true
    } else {
      out.append(ch)
    }
  }
  return out
}

let colourTerminal = TerminalCapabilities(isTerminal: true, colorMode: .palette256, width: 80)
let trueColourTerminal = TerminalCapabilities(isTerminal: true, colorMode: .truecolor, width: 80)
