/// What the completer needs to know about the session.
public protocol CompletionSource {
  /// Names of the session's variables and functions.
  var globalNames: [String] { get }
  /// Built-in function names.
  var builtinNames: [String] { get }
  /// Language keywords.
  var keywordNames: [String] { get }
  /// Field names of the record or object reached by a name path like ["net", "layer"],
  /// or nil when the path names nothing with fields. Must not run user code.
  func fieldNames(ofPath path: [String]) -> [String]?
}

/// The completer's answer for the word under the cursor.
enum CompletionResult: Equatable {
  /// Complete to one of these strings (each replaces the whole word).
  case candidates([String], appendSpace: Bool)
  /// Let readline complete a file name.
  case fileNames
}

/// Pure completion logic; the readline callback lives in LineEditor.
enum Completer {
  /// Readline splits words at these; '.' and ':' are kept inside words so that
  /// `net.wei` and `:lo` arrive whole.
  static let wordBreakCharacters = " \t\n\"\\'`@$><=;|&{(,[)]}+-*/%!^~"

  /// In a file name only whitespace and quotes end the word, so `data/my-digit.pgm` stays whole.
  static let pathWordBreakCharacters = " \t\n\"'"

  /// Commands that take a file name, whose argument completes as a path.
  static let fileCommands: Set<String> = [":load", ":predict"]

  /// True when the text before the cursor puts it in a file name: the argument of a
  /// file command, or an open string literal.
  static func isInFileName(_ before: String) -> Bool {
    let command = String(before.trimmingWhitespace().prefix { !$0.isWhitespace })
    if fileCommands.contains(command) && before.contains(where: \.isWhitespace) { return true }
    return before.filter { $0 == "\"" }.count % 2 == 1
  }

  /// - Parameters:
  ///   - line: the input line up to the end of the word being completed.
  ///   - wordStart: offset (in UTF-8 bytes, as readline counts) where the word begins.
  static func complete(line: String, wordStart: Int, source: CompletionSource, commands: [String])
    -> CompletionResult
  {
    let bytes = Array(line.utf8)
    let start = min(max(wordStart, 0), bytes.count)
    let before = String(decoding: bytes[..<start], as: UTF8.self)
    let word = String(decoding: bytes[start...], as: UTF8.self)
    let leading = before.trimmingWhitespace()

    // A command name at the start of the line.
    if leading.isEmpty && word.hasPrefix(":") {
      return .candidates(commands.filter { $0.hasPrefix(word) }.sorted(), appendSpace: true)
    }
    if isInFileName(before) { return .fileNames }
    if before.hasPrefix(":") {
      let command = String(leading.prefix { !$0.isWhitespace })
      if command == ":help" {
        let names = Set(source.builtinNames).union(commands.map { String($0.dropFirst()) })
        return .candidates(names.filter { $0.hasPrefix(word) }.sorted(), appendSpace: false)
      }
      // Other commands take an expression (:time) or nothing: complete names below.
    }
    if let dot = word.lastIndex(of: ".") {
      let path = word[..<dot].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard path.allSatisfy(isIdentifier), let fields = source.fieldNames(ofPath: path) else {
        return .candidates([], appendSpace: false)
      }
      let partial = word[word.index(after: dot)...]
      let head = word[...dot]
      return .candidates(
        Array(Set(fields)).filter { $0.hasPrefix(partial) }.sorted().map { head + $0 }, appendSpace: false)
    }

    let names = Set(source.globalNames).union(source.builtinNames).union(source.keywordNames)
    return .candidates(names.filter { $0.hasPrefix(word) }.sorted(), appendSpace: false)
  }

  static func isIdentifier(_ text: String) -> Bool {
    guard let first = text.first, first.isLetter || first == "_" else { return false }
    return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
  }
}
