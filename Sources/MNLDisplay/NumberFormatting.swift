import Glibc

/// Fixed-point formatting without Foundation: `formatFixed(0.98765, decimals: 3)` is "0.988".
public func formatFixed(_ value: Double, decimals: Int) -> String {
  guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
  let places = min(max(decimals, 0), 12)
  var scale = 1.0
  for _ in 0..<places { scale *= 10 }
  let scaled = (abs(value) * scale).rounded()
  // Beyond Int64 precision: Swift's own shortest representation is as good as any.
  guard scaled < 9e15 else { return "\(value)" }
  let digits = Int64(scaled)
  let sign = value < 0 && digits != 0 ? "-" : ""
  if places == 0 { return sign + String(digits) }
  var fraction = String(digits % Int64(scale))
  fraction = String(repeating: "0", count: places - fraction.count) + fraction
  return sign + String(digits / Int64(scale)) + "." + fraction
}

/// About `digits` significant digits, never scientific: 2.3026, 0.0512, 30000, 0.985.
public func formatSignificant(_ value: Double, digits: Int = 3) -> String {
  guard value.isFinite else { return formatFixed(value, decimals: 0) }
  if value == 0 { return "0" }
  let magnitude = Int(log10(abs(value)).rounded(.down))
  let decimals = min(max(digits - 1 - magnitude, 0), 8)
  return trimZeros(formatFixed(value, decimals: decimals))
}

/// "0.500" → "0.5", "2.000" → "2"; integers are left alone.
func trimZeros(_ text: String) -> String {
  guard text.contains(".") else { return text }
  var t = text
  while t.last == "0" { t.removeLast() }
  if t.last == "." { t.removeLast() }
  return t == "-0" ? "0" : t
}

/// Axis ticks on the 1-2-5 rule: round values covering [low, high] with about `target` intervals.
public struct NiceTicks: Sendable, Equatable {
  public let low: Double
  public let high: Double
  public let step: Double
  public let values: [Double]

  public init(low rawLow: Double, high rawHigh: Double, target: Int = 5) {
    var lowValue = rawLow.isFinite ? rawLow : 0
    var highValue = rawHigh.isFinite ? rawHigh : 1
    if lowValue > highValue { swap(&lowValue, &highValue) }
    if lowValue == highValue {
      // A flat series still gets a readable axis around its value.
      let pad = lowValue == 0 ? 1 : abs(lowValue) * 0.1
      lowValue -= pad
      highValue += pad
    }
    let step = NiceTicks.niceStep((highValue - lowValue) / Double(max(target, 1)))
    let first = (lowValue / step).rounded(.down) * step
    let last = (highValue / step).rounded(.up) * step
    var ticks: [Double] = []
    var k = 0
    while true {
      // Multiplying (not accumulating) keeps 0.1-steps from drifting to 0.30000000000000004.
      let v = first + Double(k) * step
      if v > last + step * 1e-9 || k > 1000 { break }
      ticks.append(abs(v) < step * 1e-9 ? 0 : v)
      k += 1
    }
    self.low = first
    self.high = last
    self.step = step
    self.values = ticks
  }

  /// The 1, 2 or 5 × 10^k nearest to `rough` (on a log-ish scale: 6000 → 5000, 7500 → 10000).
  public static func niceStep(_ rough: Double) -> Double {
    guard rough.isFinite, rough > 0 else { return 1 }
    let exponent = log10(rough).rounded(.down)
    let base = pow(10, exponent)
    let fraction = rough / base
    let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
    return nice * base
  }

  /// Labels with just enough decimals for the step: 0, 0.2, 0.4 … or 0, 5000, 10000.
  public var labels: [String] {
    let decimals = max(0, -Int(log10(step).rounded(.down)))
    return values.map { formatFixed($0, decimals: decimals) }
  }
}
