import MNLTensor
import Glibc

/// Summary statistics of a tensor's elements, for the REPL's view of large tensors.
public struct TensorStatistics: Sendable, Equatable {
  public let minimum: Double
  public let maximum: Double
  public let mean: Double
  /// Population standard deviation (NumPy's default, ddof = 0).
  public let standardDeviation: Double
  /// NaN and infinite elements, which are left out of the figures above.
  public let nonFiniteCount: Int

  /// nil for an empty tensor or one with no finite element.
  public init?(_ tensor: Tensor) {
    var count = 0
    var low = Double.infinity
    var high = -Double.infinity
    var sum = 0.0
    var nonFinite = 0
    tensor.withUnsafeBufferPointer { buffer in
      for v in buffer {
        guard v.isFinite else {
          nonFinite += 1
          continue
        }
        let d = Double(v)
        count += 1
        low = Swift.min(low, d)
        high = Swift.max(high, d)
        sum += d
      }
    }
    guard count > 0 else { return nil }
    let mean = sum / Double(count)
    // Second pass: subtracting the mean first keeps the variance accurate.
    var squares = 0.0
    tensor.withUnsafeBufferPointer { buffer in
      for v in buffer where v.isFinite {
        let d = Double(v) - mean
        squares += d * d
      }
    }
    minimum = low
    maximum = high
    self.mean = mean
    standardDeviation = (squares / Double(count)).squareRoot()
    nonFiniteCount = nonFinite
  }

  /// `min -0.0712  max 0.0708  mean 5.32e-05  std 0.0410`
  public var formatted: String {
    var parts = [
      "min " + formatStatistic(minimum), "max " + formatStatistic(maximum),
      "mean " + formatStatistic(mean), "std " + formatStatistic(standardDeviation),
    ]
    if nonFiniteCount > 0 { parts.append("non-finite \(nonFiniteCount)") }
    return parts.joined(separator: "  ")
  }
}

/// Four significant digits; scientific notation for very small or large magnitudes.
func formatStatistic(_ v: Double) -> String {
  guard v.isFinite else { return formatFixed(v, decimals: 0) }
  let magnitude = abs(v)
  if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) {
    var exponent = Int(log10(magnitude).rounded(.down))
    var mantissa = v / pow(10, Double(exponent))
    if abs(mantissa) >= 9.9995 {
      mantissa /= 10
      exponent += 1
    }
    let sign = exponent < 0 ? "-" : "+"
    let digits = abs(exponent) < 10 ? "0\(abs(exponent))" : "\(abs(exponent))"
    return formatFixed(mantissa, decimals: 2) + "e" + sign + digits
  }
  return formatSignificant(v, digits: 4)
}

/// A nesting of named tensors — a network's parameters — for display as a tree.
public indirect enum ParameterTree: Sendable {
  case tensor(shape: [Int], dtype: DType)
  /// Named children in order (record fields, or list indices as "[0]", "[1]", …).
  case branch([(name: String, node: ParameterTree)])

  /// Total number of tensor elements.
  public var parameterCount: Int {
    switch self {
    case .tensor(let shape, _):
      // Shapes of existing tensors cannot overflow; saturate anyway rather than trap.
      return shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
    case .branch(let children):
      return children.reduce(0) { $0.addingReportingOverflow($1.node.parameterCount).partialValue }
    }
  }

  public var tensorCount: Int {
    switch self {
    case .tensor: return 1
    case .branch(let children): return children.reduce(0) { $0 + $1.node.tensorCount }
    }
  }

  /// ```
  /// record: 4 tensors, 397,510 parameters
  /// ├─ weight_1  [784, 500] f32  392,000
  /// ├─ bias_1    [500] f32           500
  /// ...
  /// ```
  public func render(title: String) -> String {
    var rows: [(prefix: String, name: String, detail: String, count: String)] = []
    collect(into: &rows, indent: "")
    let header = "\(title): \(tensorCount) tensor\(tensorCount == 1 ? "" : "s"), "
      + "\(groupThousands(parameterCount)) parameter\(parameterCount == 1 ? "" : "s")\n"
    let nameWidth = rows.map { $0.prefix.count + $0.name.count }.max() ?? 0
    let detailWidth = rows.map(\.detail.count).max() ?? 0
    let countWidth = rows.map(\.count.count).max() ?? 0
    var out = header
    for row in rows {
      var line = row.prefix + row.name
      if !row.detail.isEmpty || !row.count.isEmpty {
        line += String(repeating: " ", count: nameWidth - row.prefix.count - row.name.count + 2)
        line += row.detail + String(repeating: " ", count: detailWidth - row.detail.count + 2)
        line += String(repeating: " ", count: countWidth - row.count.count) + row.count
      }
      out += line + "\n"
    }
    return out
  }

  private func collect(
    into rows: inout [(prefix: String, name: String, detail: String, count: String)], indent: String
  ) {
    guard case .branch(let children) = self else { return }
    for (i, child) in children.enumerated() {
      let last = i == children.count - 1
      let prefix = indent + (last ? "\u{2514}\u{2500} " : "\u{251C}\u{2500} ")
      switch child.node {
      case .tensor(let shape, let dtype):
        rows.append((prefix, child.name, formatShape(shape) + " " + dtype.shortName,
                     groupThousands(child.node.parameterCount)))
      case .branch:
        rows.append((prefix, child.name, "", groupThousands(child.node.parameterCount)))
        child.node.collect(into: &rows, indent: indent + (last ? "   " : "\u{2502}  "))
      }
    }
  }
}

/// 397510 → "397,510".
public func groupThousands(_ n: Int) -> String {
  let digits = String(n.magnitude)
  var out = ""
  for (i, ch) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(ch)
  }
  return (n < 0 ? "-" : "") + out
}
