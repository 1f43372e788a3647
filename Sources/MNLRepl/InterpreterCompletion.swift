import MNLLanguage

/// The completer's view of a live interpreter: names only, never running user code.
struct InterpreterCompletionSource: CompletionSource {
  /// The language's keywords (the lexer's list is internal to MNLLanguage).
  static let keywords = [
    "fn", "if", "else", "while", "for", "in", "break", "continue", "return", "true", "false", "none",
    "and", "or", "not", "use",
  ]

  let session: () -> Interpreter

  var globalNames: [String] {
    let interpreter = session()
    return interpreter.globalNames.filter { !isBuiltin(interpreter.global($0)) }
  }

  var builtinNames: [String] {
    let interpreter = session()
    return interpreter.globalNames.filter { isBuiltin(interpreter.global($0)) }
  }

  var keywordNames: [String] { Self.keywords }

  func fieldNames(ofPath path: [String]) -> [String]? {
    guard let first = path.first, var value = session().global(first) else { return nil }
    for name in path.dropFirst() {
      guard let next = field(of: value, name) else { return nil }
      value = next
    }
    let names = value.memberNames  // record fields, object fields, tensor members (shape, T, …)
    return names.isEmpty ? nil : names
  }

  private func field(of value: Value, _ name: String) -> Value? {
    switch value {
    case .record(let record): return record[name]
    case .object(let object): return (try? object.field(name)) ?? nil
    default: return nil
    }
  }

  private func isBuiltin(_ value: Value?) -> Bool {
    if case .builtin? = value { return true }
    return false
  }
}
