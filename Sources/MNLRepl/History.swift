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
  /// Entries added in this session: the ones `save` appends to the file.
  private var added: Int32 = 0

  init(environment: [String: String]) {
    path = History.path(environment: environment)
  }

  static func path(environment env: [String: String]) -> String? {
    if let explicit = env["MNL_HISTORY"] { return explicit.isEmpty ? nil : explicit }
    guard let home = env["HOME"], !home.isEmpty else { return nil }
    return home + "/.mnl_history"
  }

  func load() {
    mnl_history_keep_multiline_entries()
    stifle_history(History.limit)
    // A missing file is normal on first use; read_history reports it and we ignore it.
    if let path { read_history(path) }
  }

  /// Adds one entry (a whole cell, lines joined by newlines), skipping blanks and immediate repeats.
  func add(_ entry: String) {
    let trimmed = entry.trimmingWhitespace()
    guard !trimmed.isEmpty else { return }
    guard entry != lastEntry else { return }
    lastEntry = entry
    add_history(entry)
    added += 1
  }

  /// Appends this session's entries to the file (as bash's `histappend` does) and trims it to
  /// `limit` lines; returns an error message if the file could not be written. Sessions that end
  /// at the same moment take turns under an exclusive lock on a side file (`PATH.lock`; the
  /// history file itself is replaced by the trimming, so it cannot carry the lock): each one's
  /// lines arrive whole, none is lost, none is interleaved with another's.
  func save() -> String? {
    guard let path else { return nil }
    let lock = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
    if lock >= 0 { _ = flock(lock, LOCK_EX) }
    defer {
      if lock >= 0 {
        _ = flock(lock, LOCK_UN)
        close(lock)
      }
    }
    let status: Int32
    if access(path, F_OK) == 0 {
      status = added > 0 ? append_history(min(added, History.limit), path) : 0
    } else {
      status = write_history(path)
    }
    guard status == 0 else {
      return "could not save history to \(path): \(String(cString: strerror(status)))"
    }
    added = 0
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
