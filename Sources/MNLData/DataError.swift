/// An error reading or writing a data file. The description names the file first,
/// so a user sees which file is wrong and why: "data/x.idx: truncated: ...".
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file (or other source) the problem is in; empty when there is none.
  public let file: String
  public let message: String

  public init(file: String, _ message: String) {
    self.file = file
    self.message = message
  }

  public var description: String { file.isEmpty ? message : "\(file): \(message)" }
}
