import Synchronization

/// A process-wide "stop what you are doing" flag (Ctrl-C in the REPL).
/// Set from a signal handler; long-running kernels and the interpreter poll it,
/// so an interrupt stops a computation within a fraction of a second.
public enum Interrupt {
  private static let flag = Atomic<Bool>(false)

  /// Async-signal-safe: a single atomic store.
  public static func request() { flag.store(true, ordering: .relaxed) }
  public static var isRequested: Bool { flag.load(ordering: .relaxed) }
  public static func clear() { flag.store(false, ordering: .relaxed) }
}
