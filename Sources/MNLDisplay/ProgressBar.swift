/// A progress indicator for a loop of known length.
///
/// On a terminal it redraws one line in place (`\r`) with a bar, step/total, steps/s, ETA and
/// caller-supplied fields such as the loss, at most every `redrawInterval` seconds so that a fast
/// loop does not spend its time printing. Anywhere else (a pipe, a log file) it prints one plain
/// line every `logEvery` steps and at the end.
public final class ProgressBar {
  public let total: Int
  public let label: String
  public private(set) var capabilities: TerminalCapabilities
  /// Re-reads the terminal width before each redraw (when the capabilities were detected).
  private let followsTerminalWidth: Bool
  /// Plain-mode interval in steps.
  public let logEvery: Int
  /// Terminal-mode minimum time between redraws.
  public let redrawInterval: Double

  private let output: (String) -> Void
  private let now: () -> Double
  private let startTime: Double
  private var lastDraw: Double = -Double.infinity
  private var lastStep = 0
  private var lastFields: [(String, String)] = []
  private var finished = false

  /// - Parameters:
  ///   - capabilities: nil detects standard output's, and follows the terminal's width as the
  ///     window is resized.
  ///   - output: where text goes (standard output by default).
  ///   - clock: seconds from any fixed origin (injectable for tests).
  public init(
    total: Int, label: String = "", capabilities: TerminalCapabilities? = nil,
    logEvery: Int = 100, redrawInterval: Double = 0.1,
    output: @escaping (String) -> Void = writeToStandardOutput,
    clock: @escaping () -> Double = ProgressBar.monotonicSeconds
  ) {
    self.total = max(total, 0)
    self.label = label
    self.capabilities = capabilities ?? Terminal.capabilities()
    self.followsTerminalWidth = capabilities == nil
    self.logEvery = max(logEvery, 1)
    self.redrawInterval = redrawInterval
    self.output = output
    self.now = clock
    self.startTime = clock()
  }

  /// Reports that `step` steps (of `total`) are done. Fields appear as `name value`.
  public func update(step: Int, fields: [(String, String)] = []) {
    guard !finished else { return }
    lastStep = step
    lastFields = fields
    let t = now()
    if capabilities.isTerminal {
      guard t - lastDraw >= redrawInterval || step >= total else { return }
      lastDraw = t
      if followsTerminalWidth { capabilities.width = max(Terminal.width(), 10) }
      output("\r" + line(step: step, elapsed: t - startTime, fields: fields, width: capabilities.width)
        + (capabilities.allowsEscapes ? ANSI.clearToEndOfLine : ""))
    } else if step % logEvery == 0 || step >= total {
      output(logLine(step: step, elapsed: t - startTime, fields: fields) + "\n")
    }
  }

  /// Draws the final state and ends the line. Safe to call more than once.
  public func finish() {
    guard !finished else { return }
    let t = now()
    if capabilities.isTerminal {
      output("\r" + line(step: lastStep, elapsed: t - startTime, fields: lastFields, width: capabilities.width)
        + (capabilities.allowsEscapes ? ANSI.clearToEndOfLine : "") + "\n")
    } else if lastStep % logEvery != 0 && lastStep < total {
      // The last plain line was not printed by update: print where we stopped.
      output(logLine(step: lastStep, elapsed: t - startTime, fields: lastFields) + "\n")
    }
    finished = true
  }

  /// ` 42% ███████▌        4200/10000  1234 steps/s  ETA 0:05  loss 0.2314`
  public func line(step: Int, elapsed: Double, fields: [(String, String)], width: Int) -> String {
    let stats = statistics(step: step, elapsed: elapsed, fields: fields)
    // In Double: a caller's step can be any Int, and step * 100 could overflow.
    let percent = total > 0 ? Int(min(max(Double(step) / Double(total), 0), 1) * 100) : 0
    let prefix = (label.isEmpty ? "" : label + " ") + pad(String(percent), 3) + "% "
    let suffix = "  " + stats
    let barWidth = width - 1 - prefix.count - suffix.count - 2
    guard barWidth >= 5 else {
      // Too narrow for a bar: keep the numbers, cut at the width so the line never wraps.
      return String((prefix + stats).prefix(max(width - 1, 1)))
    }
    let fraction = total > 0 ? min(max(Double(step) / Double(total), 0), 1) : 0
    let eighths = Int((fraction * Double(barWidth * 8)).rounded(.down))
    var bar = String(repeating: BarChart.fullBlock, count: eighths / 8)
    if eighths % 8 > 0 { bar += BarChart.eighths[eighths % 8] }
    let used = eighths / 8 + (eighths % 8 > 0 ? 1 : 0)
    bar += String(repeating: " ", count: barWidth - used)
    return prefix + "\u{2595}" + bar + "\u{258F}" + suffix
  }

  /// `step 4200/10000  1234 steps/s  ETA 0:05  loss 0.2314` for logs.
  public func logLine(step: Int, elapsed: Double, fields: [(String, String)]) -> String {
    (label.isEmpty ? "" : label + " ") + "step " + statistics(step: step, elapsed: elapsed, fields: fields)
  }

  private func statistics(step: Int, elapsed: Double, fields: [(String, String)]) -> String {
    let rate = elapsed > 0 ? Double(step) / elapsed : 0
    var parts = ["\(step)/\(total)"]
    parts.append(rate > 0 ? formatRate(rate) + " steps/s" : "- steps/s")
    if step >= total {
      parts.append("took " + formatDuration(elapsed))
    } else if rate > 0 {
      parts.append("ETA " + formatDuration(Double(total - step) / rate))
    } else {
      parts.append("ETA -")
    }
    for (name, value) in fields { parts.append(name + " " + value) }
    return parts.joined(separator: "  ")
  }

  private func formatRate(_ rate: Double) -> String {
    rate >= 100 ? formatFixed(rate, decimals: 0) : formatFixed(rate, decimals: 1)
  }

  private func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(width - text.count, 0)) + text
  }

  public static func monotonicSeconds() -> Double {
    let d = ContinuousClock.now - ContinuousClock.Instant.startOfProcess
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }
}

extension ContinuousClock.Instant {
  /// A fixed origin for monotonic seconds, taken the first time it is used.
  static let startOfProcess = ContinuousClock.now
}

/// `0:07`, `2:05`, `1:02:03` for seconds.
public func formatDuration(_ seconds: Double) -> String {
  guard seconds.isFinite, seconds >= 0 else { return "-" }
  let total = Int(min(seconds, 359_999).rounded())
  let h = total / 3600
  let m = (total % 3600) / 60
  let s = total % 60
  let ss = s < 10 ? "0\(s)" : "\(s)"
  if h > 0 { return "\(h):" + (m < 10 ? "0\(m)" : "\(m)") + ":" + ss }
  return "\(m):" + ss
}
