/// A located error, rendered like a compiler diagnostic:
///
///     scripts/x.mnl:3:5: error: unknown name 'reluu'; did you mean 'relu'?
///     y = reluu(x)
///         ^
///
/// followed by optional `note:` lines and, for errors inside functions, the call sites.
public struct Diagnostic: Error, CustomStringConvertible, @unchecked Sendable {
  public var message: String
  public var location: SourceLocation
  public var notes: [String]
  /// Call sites from the innermost outwards ("f called at file:line:col").
  public var traceback: [String] = []
  /// Set when the source ended before the construct was complete (the REPL reads more lines).
  public var isAtEndOfInput = false
  /// The category a script's `catch e` sees as `e.kind` (ErrorKinds.swift lists them).
  public var kind: String

  public init(_ message: String, at location: SourceLocation, notes: [String] = [], kind: String? = nil) {
    self.message = message
    self.location = location
    self.notes = notes
    self.kind = kind ?? ErrorKinds.classify(message)
  }

  /// The full text: header line, source line, caret, notes, traceback.
  public var rendered: String {
    let source = location.file.line(location.line)
    var caret = ""
    for (i, c) in source.unicodeScalars.enumerated() where i < location.column - 1 {
      caret.unicodeScalars.append(c == "\t" ? "\t" : " ")
    }
    let shortfall = location.column - 1 - source.unicodeScalars.count
    if shortfall > 0 { caret += String(repeating: " ", count: shortfall) }
    caret += "^"
    var lines = ["\(location.description): error: \(message)", source, caret]
    for note in notes { lines.append("note: \(note)") }
    if !traceback.isEmpty {
      lines.append("traceback (most recent call last):")
      // Runs of the same call site (deep recursion) collapse into one line with a count.
      var previous: String?
      var repeats = 0
      func flushRepeats() {
        if repeats > 0 { lines.append("  [the line above repeats \(repeats) more time\(repeats == 1 ? "" : "s")]") }
        repeats = 0
      }
      for call in traceback.reversed() {
        if call == previous {
          repeats += 1
          continue
        }
        flushRepeats()
        lines.append("  " + call)
        previous = call
      }
      flushRepeats()
    }
    return lines.joined(separator: "\n")
  }

  public var description: String { rendered }
}

/// An error without a location, thrown by built-ins and value operations;
/// the interpreter attaches the location of the expression that raised it.
public struct ScriptError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var note: String?
  /// The error's category for `catch e` (`e.kind`); nil lets the message decide.
  public var kind: String?
  public init(_ message: String, note: String? = nil, kind: String? = nil) {
    self.message = message
    self.note = note
    self.kind = kind
  }
  public var description: String { message }
}

extension Diagnostic {
  /// Wraps any error raised while evaluating the construct at `location`.
  static func wrap(_ error: any Error, at location: SourceLocation) -> Diagnostic {
    switch error {
    case let d as Diagnostic: return d
    case let e as ScriptError: return Diagnostic(e.message, at: location, notes: e.note.map { [$0] } ?? [], kind: e.kind)
    default: return Diagnostic(String(describing: error), at: location, kind: ErrorKinds.kind(of: error))
    }
  }
}

/// Thrown by `exit(code)`: unwinds the interpreter without an error message.
public struct ExitRequest: Error, Sendable {
  public let status: Int32
}

extension Diagnostic {
  /// Wraps an error raised by the built-in `name`. Errors of the Swift libraries (tensors, data,
  /// display) do not know which built-in the script called, so their message gets its mnl name
  /// in front ("zeros(): negative dimension in shape [-1]") unless it already names it. Built-ins
  /// made at run time ("grad(f)") are not named: the traceback shows the call.
  static func wrap(_ error: any Error, fromBuiltin name: String, at location: SourceLocation) -> Diagnostic {
    switch error {
    case is Diagnostic, is ScriptError: return wrap(error, at: location)
    default:
      let message = String(describing: error)
      let words = message.split { !isNameCharacter($0) }
      let kind = ErrorKinds.kind(of: error)
      if !name.allSatisfy(isNameCharacter) || words.contains(where: { $0 == name }) {
        return Diagnostic(message, at: location, kind: kind)
      }
      return Diagnostic("\(name)(): \(message)", at: location, kind: kind)
    }
  }

  private static func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
}
