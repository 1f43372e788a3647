/// NumPy-style printing of tensors.
///
/// Convention: a header line `Tensor[shape] dtype`, then the values in nested brackets with
/// commas, every element in one shared format, right-aligned in columns:
///
///     Tensor[2, 3] f32
///     [[ 0.5 ,  1.25, -2.  ],
///      [ 1.  ,  0.  ,  3.  ]]
///
/// The format is chosen from the printed values like NumPy's default `floatmode="maxprec"`: at
/// most `precision` decimals, each element with only the digits it needs and padded on the
/// right so that the decimal points line up; whole floats print as `1.`, integer dtypes as exact
/// integers (`16777217`), bools as `true`/`false` (the language's own spelling). Scientific notation (`1.5e-05`) is used
/// when the largest magnitude is ≥ 1e8, the smallest non-zero one < 1e-4, or their ratio > 1000
/// (NumPy's rule). Tensors with more than `threshold` elements are summarised: each axis longer
/// than 2·edgeItems shows its first and last `edgeItems` entries around `...`. Rows wrap at
/// `lineWidth`. 0-d tensors print as the bare number (`3`, `0.5`, `3.0`).
import Foundation

extension Tensor: CustomStringConvertible {
  public var description: String { format() }

  public func format(lineWidth: Int = 80, edgeItems: Int = 3, threshold: Int = 1000, precision: Int = 4)
    -> String
  {
    if rank == 0 {
      guard dtype == .float32 else { return integerWord(0) }
      // NaN has no sign worth showing (Swift would print "-nan" for 0/0 computed as -nan).
      let v = storage.pointer[0]
      return v.isNaN ? "nan" : "\(v)"
    }
    let header = "Tensor\(formatShape(shape)) \(dtype.shortName)"
    if count == 0 { return header + "\n[]" }
    let summarise = count > threshold
    let edge = max(edgeItems, 1)
    // Indices shown along each axis (nil marks the `...` gap).
    let shown: [[Int?]] = shape.map { size in
      summarise && size > 2 * edge
        ? Array(0..<edge).map { Optional($0) } + [nil] + Array((size - edge)..<size).map { Optional($0) }
        : Array(0..<size).map { Optional($0) }
    }
    let strides = contiguousStrides(shape)
    var visible: [Int] = []
    collectVisible(shown, strides, axis: 0, offset: 0, into: &visible)
    let formatter =
      dtype == .float32
      ? ElementFormatter(values: visible.map { storage.pointer[$0] }, precision: min(max(precision, 0), 17))
      : ElementFormatter(words: visible.map(integerWord))
    let body = renderAxis(
      shown, strides, axis: 0, offset: 0, formatter: formatter, lineWidth: lineWidth)
    return header + "\n" + body
  }

  /// A one-line form for a tensor shown inside a list or record: `tensor([2., 4., 6.])` when
  /// it has at most 8 elements, else just `Tensor[784, 500] f32`; a 0-d tensor is its number.
  public var inlineDescription: String {
    if rank == 0 { return format() }
    if count > 8 { return "Tensor\(formatShape(shape)) \(dtype.shortName)" }
    let rows = format(lineWidth: .max / 4).split(separator: "\n").dropFirst()
    return "tensor(" + rows.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") + ")"
  }

  private func collectVisible(
    _ shown: [[Int?]], _ strides: [Int], axis: Int, offset: Int, into positions: inout [Int]
  ) {
    for case let i? in shown[axis] {
      let position = offset + i * strides[axis]
      if axis == rank - 1 {
        positions.append(position)
      } else {
        collectVisible(shown, strides, axis: axis + 1, offset: position, into: &positions)
      }
    }
  }

  private func renderAxis(
    _ shown: [[Int?]], _ strides: [Int], axis: Int, offset: Int, formatter: ElementFormatter,
    lineWidth: Int
  ) -> String {
    let indent = String(repeating: " ", count: axis + 1)
    if axis == rank - 1 {
      // One row: wrap before an element that would pass the line width (rows start at column
      // `axis`, after the enclosing brackets or indentation).
      var lines: [String] = []
      var line = "["
      for (n, entry) in shown[axis].enumerated() {
        let word = entry.map { element(offset + $0 * strides[axis], formatter) } ?? "..."
        let piece = word + (n == shown[axis].count - 1 ? "]" : ",")
        if n == 0 {
          line += piece
        } else if axis + line.count + 1 + piece.count > lineWidth {
          lines.append(line)
          line = indent + piece
        } else {
          line += " " + piece
        }
      }
      lines.append(line)
      return lines.joined(separator: "\n")
    }
    let separator = "," + String(repeating: "\n", count: rank - axis - 1) + indent
    let parts = shown[axis].map { entry -> String in
      guard let i = entry else { return "..." }
      return renderAxis(
        shown, strides, axis: axis + 1, offset: offset + i * strides[axis], formatter: formatter,
        lineWidth: lineWidth)
    }
    return "[" + parts.joined(separator: separator) + "]"
  }
}

extension Tensor {
  /// An integer or bool element as printed: `16777217`, `true`.
  fileprivate func integerWord(_ position: Int) -> String {
    let v = integerElement(position)
    return dtype == .bool ? (v != 0 ? "true" : "false") : String(v)
  }

  fileprivate func element(_ position: Int, _ formatter: ElementFormatter) -> String {
    dtype == .float32
      ? formatter.format(storage.pointer[position]) : formatter.pad(integerWord(position))
  }
}

/// One number format shared by all printed elements of a tensor.
struct ElementFormatter {
  enum Style { case integer, fixed(digits: Int), scientific(digits: Int) }
  let style: Style
  private(set) var width = 0

  /// Integer and bool elements: their words, right-aligned to the widest.
  init(words: [String]) {
    style = .integer
    width = words.map(\.count).max() ?? 0
  }

  init(values: [Float], precision: Int) {
    let finite = values.filter { $0.isFinite }
    do {
      let magnitudes = finite.map { abs($0) }
      let largest = magnitudes.max() ?? 0
      let smallest = magnitudes.filter { $0 > 0 }.min()
      let scientific =
        largest >= 1e8 || (smallest.map { $0 < 1e-4 || largest / $0 > 1e3 } ?? false)
      if scientific {
        let digits = finite.map { trimmedDigits(String(format: "%.\(precision)e", Double($0)), before: "e") }.max() ?? 0
        style = .scientific(digits: digits)
      } else {
        let digits = finite.map { trimmedDigits(String(format: "%.\(precision)f", Double($0)), before: nil) }.max() ?? 0
        style = .fixed(digits: digits)
      }
    }
    width = values.map { unpadded($0).count }.max() ?? 0
  }

  func format(_ v: Float) -> String { pad(unpadded(v)) }

  func pad(_ text: String) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
  }

  func unpadded(_ v: Float) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    switch style {
    case .integer:
      return formatElement(v)
    case .fixed(let digits):
      // Trim this element's trailing zeros, then pad to the shared digit count (NumPy: "0.5 ").
      var text = String(format: "%.\(digits)f", Double(v))
      if digits == 0 { return text + "." }
      let kept = trimmedDigits(text, before: nil)
      text.removeLast(digits - kept)
      return text + String(repeating: " ", count: digits - kept)
    case .scientific(let digits):
      let text = String(format: "%.\(digits)e", Double(v))
      guard digits == 0, let e = text.firstIndex(of: "e") else { return text }
      return String(text[..<e]) + "." + String(text[e...])
    }
  }
}

/// Fraction digits left in a printf-formatted number after trimming trailing zeros
/// (looking at the part before `marker`, e.g. the mantissa before "e").
private func trimmedDigits(_ text: String, before marker: Character?) -> Int {
  let number = marker.flatMap { m in text.firstIndex(of: m).map { String(text[..<$0]) } } ?? text
  guard let dot = number.firstIndex(of: ".") else { return 0 }
  let fraction = number[number.index(after: dot)...]
  return fraction.count - fraction.reversed().prefix { $0 == "0" }.count
}

/// A number for messages: whole values without decimals ("12"), others as Swift prints them.
func formatElement(_ v: Float) -> String {
  if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
  return "\(v)"
}
