import Foundation
import MNLInterrupt
import MNLTensor
import Synchronization

/// Per-input limits that keep the fuzzers on crashes instead of slow or huge programs:
/// tensors of at most 2^22 elements (16 MB of floats, far under libFuzzer's 2 GB RSS limit)
/// and a time budget per input, after which a watchdog raises the Ctrl-C flag that the
/// interpreter polls at every loop iteration and call, and the kernels between blocks —
/// so an endless loop ends with "interrupted" the way a user's Ctrl-C does.
enum FuzzLimits {
  static let maxElements = 1 << 22
  static let budgetNanoseconds: UInt64 = 300_000_000

  /// When the current input's budget ends (uptime ns), 0 while no input runs.
  private static let deadline = Atomic<UInt64>(0)
  private static let started = Atomic<Bool>(false)

  static func install() {
    ElementLimit.set(maxElements)
    guard !started.exchange(true, ordering: .relaxed) else { return }
    let watchdog = DispatchQueue(label: "mnl-fuzz-watchdog")
    watchdog.async {
      while true {
        let end = deadline.load(ordering: .relaxed)
        if end != 0 && DispatchTime.now().uptimeNanoseconds > end { Interrupt.request() }
        usleepMilliseconds(10)
      }
    }
  }

  /// Runs one input under the time budget.
  static func withBudget(_ body: () -> Void) {
    Interrupt.clear()
    deadline.store(DispatchTime.now().uptimeNanoseconds + budgetNanoseconds, ordering: .relaxed)
    body()
    deadline.store(0, ordering: .relaxed)
    Interrupt.clear()
  }

  private static func usleepMilliseconds(_ ms: UInt32) {
    var request = timespec(tv_sec: 0, tv_nsec: Int(ms) * 1_000_000)
    _ = nanosleep(&request, nil)
  }
}
