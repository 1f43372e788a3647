/// Whether a notebook cell's code can run as it is (Jupyter's is_complete request).
public enum InputStatus: String, Sendable {
  /// Parses.
  case complete
  /// Ends inside an open bracket, string or block: more lines are needed.
  case incomplete
  /// Has an error that more lines cannot fix.
  case invalid

  public init(_ source: String) {
    let file = SourceFile(name: "<input>", text: source)
    let status = try? LargeStack.run { () -> InputStatus in
      do {
        _ = try Parser.parseProgram(file)
        return .complete
      } catch let d as Diagnostic {
        return d.isAtEndOfInput ? .incomplete : .invalid
      }
    }
    self = status ?? .invalid
  }
}
