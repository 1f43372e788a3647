import Glibc
import MNLInterrupt

/// Ctrl-C handling for the REPL.
///
/// SIGINT sets the process-wide `Interrupt` flag, which kernels and the interpreter poll:
/// a running computation stops at its next check and the session keeps its variables.
/// The handler is installed without SA_RESTART so a blocking `read` inside readline returns
/// EINTR; readline then calls its signal-event hook, where the line editor clears the line.
enum Interrupts {
  /// Installs the SIGINT handler (idempotent). Returns false if sigaction failed.
  @discardableResult
  static func install() -> Bool {
    var action = sigaction()
    // Only an atomic store happens in the handler: async-signal-safe.
    action.__sigaction_handler.sa_handler = { _ in Interrupt.request() }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0  // no SA_RESTART: interrupted reads must return to us
    return sigaction(SIGINT, &action, nil) == 0
  }

  /// Restores the default action (the process dies on Ctrl-C), e.g. when the REPL exits.
  static func uninstall() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = SIG_DFL
    sigemptyset(&action.sa_mask)
    sigaction(SIGINT, &action, nil)
  }
}
