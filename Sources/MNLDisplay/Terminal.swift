import Glibc
import Synchronization

/// How many colours a terminal can show, from least to most capable.
public enum ColorMode: Int, Sendable, Comparable {
  /// No escape codes at all: not a terminal, TERM=dumb, or NO_COLOR set.
  case none
  /// The xterm 256-colour palette (greys 232–255).
  case palette256
  /// 24-bit colour (COLORTERM=truecolor or 24bit).
  case truecolor

  public static func < (a: ColorMode, b: ColorMode) -> Bool { a.rawValue < b.rawValue }
}

/// What a text renderer may use on one output stream.
public struct TerminalCapabilities: Sendable, Equatable {
  public var isTerminal: Bool
  public var colorMode: ColorMode
  /// Columns available for one line of output.
  public var width: Int

  public init(isTerminal: Bool, colorMode: ColorMode, width: Int) {
    self.isTerminal = isTerminal
    self.colorMode = colorMode
    self.width = max(width, 10)
  }

  /// Plain text, 80 columns: what a pipe or a log file gets.
  public static let plain = TerminalCapabilities(isTerminal: false, colorMode: .none, width: 80)

  /// True when escape codes (colour, cursor movement) may be written.
  public var allowsEscapes: Bool { colorMode != .none }
}

/// Queries about the process's terminal. Decisions are pure functions of
/// (is a tty, environment) so they can be tested without a terminal.
public enum Terminal {
  public static let defaultWidth = 80

  public static func isTerminal(fileDescriptor fd: Int32) -> Bool { isatty(fd) == 1 }

  /// Width in columns: the kernel's window size, else $COLUMNS, else 80.
  public static func width(fileDescriptor fd: Int32 = STDOUT_FILENO) -> Int {
    var size = winsize()
    if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return width(environment: environment())
  }

  /// $COLUMNS when it is a sensible positive number, else 80.
  public static func width(environment env: [String: String]) -> Int {
    if let text = env["COLUMNS"], let columns = Int(text), columns > 0, columns < 10_000 {
      return columns
    }
    return defaultWidth
  }

  /// The colour support implied by the environment for a stream that is (or is not) a tty.
  /// NO_COLOR (any value, see no-color.org) and TERM=dumb turn escapes off entirely.
  public static func colorMode(isTerminal: Bool, environment env: [String: String]) -> ColorMode {
    guard isTerminal else { return .none }
    if env["NO_COLOR"] != nil { return .none }
    let term = env["TERM"] ?? ""
    if term.isEmpty || term == "dumb" { return .none }
    let colorTerm = (env["COLORTERM"] ?? "").lowercased()
    if colorTerm == "truecolor" || colorTerm == "24bit" { return .truecolor }
    return .palette256
  }

  /// Capabilities of a file descriptor in this process (stdout by default).
  public static func capabilities(fileDescriptor fd: Int32 = STDOUT_FILENO) -> TerminalCapabilities {
    let tty = isTerminal(fileDescriptor: fd) && !plainOutputForced.load(ordering: .relaxed)
    let env = environment()
    let columns = tty ? width(fileDescriptor: fd) : width(environment: env)
    return TerminalCapabilities(
      isTerminal: tty, colorMode: colorMode(isTerminal: tty, environment: env), width: columns)
  }

  private static let plainOutputForced = Atomic<Bool>(false)

  /// Makes every later `capabilities()` answer "plain text, not a terminal", even on a tty:
  /// a scripted REPL session (`mnl repl < cells.txt`) must print the same text wherever its
  /// output goes, so `show(x)` and progress bars stay plain there too.
  public static func forcePlainOutput(_ on: Bool = true) {
    plainOutputForced.store(on, ordering: .relaxed)
  }

  /// The process environment as a dictionary (read through getenv for the few keys we use).
  static func environment() -> [String: String] {
    var env: [String: String] = [:]
    for key in ["COLUMNS", "TERM", "COLORTERM", "NO_COLOR"] {
      if let value = getenv(key) { env[key] = String(cString: value) }
    }
    return env
  }
}

/// ANSI escape sequences used by the renderers.
enum ANSI {
  static let reset = "\u{1B}[0m"
  static let bold = "\u{1B}[1m"
  static let clearToEndOfLine = "\u{1B}[K"

  /// Foreground colour for a grey level in [0, 1].
  static func foreground(grey: Double, mode: ColorMode) -> String { colour(38, grey: grey, mode: mode) }
  static func background(grey: Double, mode: ColorMode) -> String { colour(48, grey: grey, mode: mode) }

  /// One of the basic 8 colours (30–37) as a foreground, for chart series and highlights.
  static func foreground(basic index: Int) -> String { "\u{1B}[\(30 + index)m" }

  private static func colour(_ layer: Int, grey: Double, mode: ColorMode) -> String {
    let g = min(max(grey, 0), 1)
    switch mode {
    case .none: return ""
    case .truecolor:
      let level = Int((g * 255).rounded())
      return "\u{1B}[\(layer);2;\(level);\(level);\(level)m"
    case .palette256: return "\u{1B}[\(layer);5;\(paletteGrey(g))m"
    }
  }

  /// 26 grey steps: black (16), the 24-step ramp 232–255, white (231).
  static func paletteGrey(_ g: Double) -> Int {
    let step = Int((g * 25).rounded())
    switch step {
    case ...0: return 16
    case 25...: return 231
    default: return 231 + step
    }
  }
}

/// Writes text to standard output through the same buffer as `print`, then flushes,
/// so progress output and printed results never interleave out of order.
public func writeToStandardOutput(_ text: String) {
  print(text, terminator: "")
  fflush(nil)
}
