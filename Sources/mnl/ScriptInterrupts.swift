import Glibc
import MNLInterrupt

/// Ctrl-C while a script runs: the first SIGINT asks the interpreter and the kernels to stop
/// at their next check, so the script ends with "interrupted" at the line it was running and
/// exit status 130 (128 + SIGINT, what shells expect). A second SIGINT ends the process at once,
/// for the rare stretch of work that does not check. A SIGINT that was ignored when mnl started
/// (a background job of a non-interactive shell, nohup) stays ignored, as in Python.
enum ScriptInterrupts {
  static let exitStatus: Int32 = 130

  static func install() {
    var current = sigaction()
    guard sigaction(SIGINT, nil, &current) == 0 else { return }
    // SIG_IGN is the handler value 1; C function pointers are not Equatable in Swift.
    if let handler = current.__sigaction_handler.sa_handler, unsafeBitCast(handler, to: Int.self) == 1 { return }
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
      // Both calls are async-signal-safe: an atomic load/store and _exit.
      if Interrupt.isRequested { _exit(ScriptInterrupts.exitStatus) }
      Interrupt.request()
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_RESTART
    sigaction(SIGINT, &action, nil)
  }
}
