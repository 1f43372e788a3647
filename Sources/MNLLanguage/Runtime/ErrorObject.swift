/// The value `catch e` binds: a caught error, with its message, kind and location as fields.
/// `raise(e)` throws the same error again, location and traceback unchanged.
final class ErrorObject: MNLObject {
  let diagnostic: Diagnostic

  init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }

  var typeName: String { "error" }

  /// Like the first line of an error report: "x.mnl:3:7: arithmetic error: division by zero".
  func display() -> String {
    let kind = diagnostic.kind == "error" ? "" : diagnostic.kind + " "
    return "\(diagnostic.location.description): \(kind)error: \(diagnostic.message)"
  }

  var fieldNames: [String] { ["message", "kind", "file", "line", "column", "location", "notes", "traceback"] }

  func field(_ name: String) throws -> Value? {
    let d = diagnostic
    switch name {
    case "message": return .string(d.message)
    case "kind": return .string(d.kind)
    case "file": return .string(d.location.file.name)
    case "line": return .int(d.location.line)
    case "column": return .int(d.location.column)
    case "location": return .string(d.location.description)
    case "notes": return .list(d.notes.map { .string($0) })
    // Most recent call last, as printed under an uncaught error.
    case "traceback": return .list(d.traceback.reversed().map { .string($0) })
    default: return nil
    }
  }
}
