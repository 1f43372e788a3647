import CReadline
import Glibc

/// Persistent input history: `~/.mnl_history`, or the file named by `MNL_HISTORY`
/// (an empty MNL_HISTORY turns persistence off). Loaded at start, written on exit.
final class History {
  /// Lines kept in the file and in memory.
  static let limit: Int32 = 5000

  let path: String?
  /// The entry added last, to skip immediate repeats (readline's own list is a C global).
  private var lastEntry: String?

  init(environment: [String: String]) {
    path = History.path(environment: environment)
  }

  static func path(environment env: [String: String]) -> String? {
    if let explicit = env["MNL_HISTORY"] { return explicit.isEmpty ? nil : explicit }
    guard let home = env["HOME"], !home.isEmpty else { return nil }
    return home + "/.mnl_history"
  }

  func load() {
    stifle_history(History.limit)
    // A missing file is normal on first use; read_history reports it and we ignore it.
    if let path { read_history(path) }
  }

  /// Adds one entry, skipping blanks and immediate repeats.
  func add(_ entry: String) {
    let trimmed = entry.trimmingWhitespace()
    guard !trimmed.isEmpty else { return }
    guard entry != lastEntry else { return }
    lastEntry = entry
    add_history(entry)
  }

  /// Writes the history; returns an error message if the file could not be written.
  func save() -> String? {
    guard let path else { return nil }
    let status = write_history(path)
    guard status == 0 else {
      return "could not save history to \(path): \(String(cString: strerror(status)))"
    }
    history_truncate_file(path, History.limit)
    return nil
  }
}

extension String {
  func trimmingWhitespace() -> String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s.removeFirst() }
    while let c = s.last, c.isWhitespace { s.removeLast() }
    return String(s)
  }
}
