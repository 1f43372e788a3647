import CReadline
import Glibc
import MNLInterrupt

/// Reads one cell of input: a line, plus continuation lines while brackets or a block are open.
protocol CellReader: AnyObject {
  /// The next cell's text, or nil at the end of input (Ctrl-D, end of file).
  func readCell(number: Int) -> String?
}

/// The rule shared by both readers: `:commands` are one line; other input continues until
/// the language says it is complete. Blank lines before a cell are skipped.
struct CellAssembler {
  let isComplete: (String) -> Bool
  private(set) var lines: [String] = []

  init(isComplete: @escaping (String) -> Bool) { self.isComplete = isComplete }

  var isEmpty: Bool { lines.isEmpty }
  mutating func reset() { lines = [] }

  /// Adds a line; returns the finished cell when it is complete.
  mutating func add(_ line: String) -> String? {
    if lines.isEmpty && line.trimmingWhitespace().isEmpty { return nil }
    lines.append(line)
    let text = lines.joined(separator: "\n")
    if lines.count == 1 && text.trimmingWhitespace().hasPrefix(":") || isComplete(text) {
      lines = []
      return text
    }
    return nil
  }

  /// What is left at the end of input (evaluated so the user sees the parse error).
  mutating func flush() -> String? {
    defer { lines = [] }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
  }
}

/// Standard input that is not a terminal (`mnl repl < session.txt`): no prompts, no echo,
/// no escape codes — only the outputs, so sessions can be scripted and diffed.
final class PipeCellReader: CellReader {
  private var assembler: CellAssembler

  init(isComplete: @escaping (String) -> Bool) { assembler = CellAssembler(isComplete: isComplete) }

  func readCell(number: Int) -> String? {
    while let line = readLine(strippingNewline: true) {
      if let cell = assembler.add(line) { return cell }
    }
    return assembler.flush()
  }
}

/// GNU readline on a terminal: emacs keys, history, TAB completion, `[n]: ` and `...: ` prompts,
/// Ctrl-C clears the line (and any unfinished cell), Ctrl-D ends the session.
final class ReadlineCellReader: CellReader {
  private var assembler: CellAssembler
  private let history: History
  private let colour: Bool

  init(isComplete: @escaping (String) -> Bool, history: History, completion: CompletionSource,
       commands: [String], colour: Bool) {
    assembler = CellAssembler(isComplete: isComplete)
    self.history = history
    self.colour = colour
    ReadlineGlue.install(completion: completion, commands: commands)
  }

  func readCell(number: Int) -> String? {
    assembler.reset()
    let primary = prompt(number: number)
    let continuation = continuationPrompt(width: "[\(number)]: ".count)
    while true {
      ReadlineGlue.primaryPrompt = primary
      ReadlineGlue.discardPendingInput = false
      let line = readline(assembler.isEmpty ? primary : continuation)
      // A Ctrl-C that raced with Enter must not interrupt the next computation.
      Interrupt.clear()
      guard let line else {
        writeToTerminal("\n")
        return assembler.flush()
      }
      let text = String(cString: line)
      free(line)
      if ReadlineGlue.discardPendingInput { assembler.reset() }
      // The whole cell is one history entry, so Up recalls a multi-line `fn` in one piece.
      if let cell = assembler.add(text) {
        history.add(cell)
        return cell
      }
    }
  }

  /// `[3]: `, the number in green when colour is allowed. \u{01}/\u{02} tell readline
  /// that the escape codes take no columns.
  private func prompt(number: Int) -> String {
    guard colour else { return "[\(number)]: " }
    return "\u{01}\u{1B}[32m\u{02}[\(number)]\u{01}\u{1B}[0m\u{02}: "
  }

  /// `...: ` right-aligned under the primary prompt.
  private func continuationPrompt(width: Int) -> String {
    String(repeating: " ", count: max(width - 5, 0)) + "...: "
  }
}

func writeToTerminal(_ text: String) {
  print(text, terminator: "")
  fflush(nil)
}

/// State shared with readline's C callbacks. Readline calls them synchronously on the thread
/// that called `readline()` (the REPL's only thread), so this is not concurrent state.
enum ReadlineGlue {
  nonisolated(unsafe) static var completionSource: CompletionSource?
  nonisolated(unsafe) static var commands: [String] = []
  nonisolated(unsafe) static var matches: [String] = []
  nonisolated(unsafe) static var matchIndex = 0
  nonisolated(unsafe) static var primaryPrompt = ""
  /// Set by the Ctrl-C hook: the cell being typed is abandoned.
  nonisolated(unsafe) static var discardPendingInput = false

  /// C strings that readline keeps pointers to for the whole session.
  nonisolated(unsafe) static let codeBreaks = strdup(Completer.wordBreakCharacters)
  nonisolated(unsafe) static let pathBreaks = strdup(Completer.pathWordBreakCharacters)
  nonisolated(unsafe) static let programName = strdup("mnl")

  static func install(completion: CompletionSource, commands: [String]) {
    completionSource = completion
    self.commands = commands
    // Non-ASCII prompts and input redraw at the wrong width without a character-type locale.
    // Only LC_CTYPE: LC_NUMERIC would turn C-formatted decimals into "0,5" in some locales.
    setlocale(LC_CTYPE, "")
    mnl_rl_set_readline_name(programName)
    // Our SIGINT handler stays in charge; readline must not install its own.
    mnl_rl_set_catch_signals(0)
    mnl_rl_set_signal_event_hook(signalEventHook)
    // A Ctrl-C that lands while readline is busy (not blocked in read) causes no EINTR;
    // the event hook, polled ~10 times a second while waiting for input, catches it.
    mnl_rl_set_event_hook(signalEventHook)
    mnl_rl_set_completer_word_break_characters(codeBreaks)
    mnl_rl_set_completion_word_break_hook(wordBreakHook)
    mnl_rl_set_attempted_completion_function(attemptCompletion)
  }

  /// The line up to the cursor.
  static func lineBeforeCursor() -> String {
    guard let buffer = mnl_rl_line_buffer() else { return "" }
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self),
                                    count: strlen(buffer))
    let point = min(max(Int(mnl_rl_point()), 0), bytes.count)
    return String(decoding: bytes[..<point], as: UTF8.self)
  }

  /// Called when a read is interrupted by a signal. On Ctrl-C: show ^C, drop the line and
  /// any unfinished cell, and start over at a fresh primary prompt, as bash does.
  static let signalEventHook: @convention(c) () -> Int32 = {
    guard Interrupt.isRequested else { return 0 }
    Interrupt.clear()
    ReadlineGlue.discardPendingInput = true
    rl_replace_line("", 0)
    mnl_rl_set_point(0)
    writeToTerminal("^C")
    rl_crlf()
    rl_set_prompt(ReadlineGlue.primaryPrompt)
    rl_on_new_line()
    rl_redisplay()
    return 0
  }

  static let wordBreakHook: @convention(c) () -> UnsafeMutablePointer<CChar>? = {
    Completer.isInFileName(ReadlineGlue.lineBeforeCursor()) ? ReadlineGlue.pathBreaks : ReadlineGlue.codeBreaks
  }

  static let attemptCompletion:
    @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = {
      text, start, _ in
      // By default, no fallback to file names: we answer or nothing matches.
      mnl_rl_set_attempted_completion_over(1)
      guard let text, let source = ReadlineGlue.completionSource else { return nil }
      let line = ReadlineGlue.lineBeforeCursor()
      switch Completer.complete(
        line: line, wordStart: Int(start), source: source, commands: ReadlineGlue.commands)
      {
      case .fileNames:
        mnl_rl_set_attempted_completion_over(0)
        mnl_rl_set_completion_append_character(0)
        return nil
      case .candidates(let list, let appendSpace):
        mnl_rl_set_completion_append_character(appendSpace ? 32 : 0)
        ReadlineGlue.matches = list
        return rl_completion_matches(text, ReadlineGlue.nextMatch)
      }
    }

  /// Readline's generator protocol: state 0 starts over; return strdup'd strings, nil at the end.
  static let nextMatch: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = {
    _, state in
    if state == 0 { ReadlineGlue.matchIndex = 0 }
    guard ReadlineGlue.matchIndex < ReadlineGlue.matches.count else { return nil }
    defer { ReadlineGlue.matchIndex += 1 }
    return strdup(ReadlineGlue.matches[ReadlineGlue.matchIndex])
  }
}
