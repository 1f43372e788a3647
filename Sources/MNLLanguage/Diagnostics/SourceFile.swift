/// One piece of source text (a script, a module, a REPL cell) with its display name.
/// Lexed as Unicode scalars, so columns count scalars from 1.
public final class SourceFile: @unchecked Sendable {
  public let name: String
  public let text: String
  let scalars: [Unicode.Scalar]
  /// Scalar offset where each line starts.
  private let lineStarts: [Int]

  public init(name: String, text: String) {
    self.name = name
    self.text = text
    let scalars = Array(text.unicodeScalars)
    self.scalars = scalars
    var starts = [0]
    for (i, c) in scalars.enumerated() where c == "\n" { starts.append(i + 1) }
    self.lineStarts = starts
  }

  /// The text of a 1-based line, without its line break.
  public func line(_ number: Int) -> String {
    guard number >= 1, number <= lineStarts.count else { return "" }
    let start = lineStarts[number - 1]
    var end = number < lineStarts.count ? lineStarts[number] - 1 : scalars.count
    if end > start, scalars[end - 1] == "\r" { end -= 1 }
    var s = String.UnicodeScalarView()
    s.append(contentsOf: scalars[start..<max(start, end)])
    return String(s)
  }

  /// 1-based line and column of a scalar offset.
  func position(of offset: Int) -> (line: Int, column: Int) {
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
    }
    return (lo + 1, offset - lineStarts[lo] + 1)
  }
}

/// A point in a source file (1-based line and column).
public struct SourceLocation: Sendable {
  public let file: SourceFile
  public let line: Int
  public let column: Int

  public init(file: SourceFile, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  init(file: SourceFile, offset: Int) {
    let p = file.position(of: offset)
    self.init(file: file, line: p.line, column: p.column)
  }

  /// "file:line:col"
  public var description: String { "\(file.name):\(line):\(column)" }
}
