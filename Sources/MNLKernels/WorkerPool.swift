import CSupport
import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The threads a kernel's parallel section runs on: the calling thread plus helper threads
/// that stay alive, poll for a short while after each section and only then sleep. A training
/// step runs ~10 parallel sections a few hundred microseconds apart; `concurrentPerform`'s
/// worker went to sleep between them and a futex wake-up (tens of microseconds on a busy VM)
/// was paid each time (~8% of a step in kernel time). One section at a time: a call while
/// another runs (from another thread, or nested) uses `DispatchQueue.concurrentPerform`.
///
/// On by default; `MNL_WORKER_POOL=off` runs every section with `concurrentPerform` instead.
/// Measured on an idle 2-vCPU Zen 4 VM (December 2026, `mnl-bench train`, interleaved):
/// without the pool the helper thread's futex wake-up — a halted vCPU woken by an IPI — cost
/// the caller ~8% of a step in kernel time and let it take both halves of short products
/// before the helper arrived (2 threads: 2.29–2.88 ms/step, 1 thread: 2.14). Polling for
/// 1 ms, as OpenMP runtimes and OpenBLAS's threads do, gave 1.79–2.26 ms/step; polling for
/// only 100 µs still slept between most of a step's sections. On a machine whose CPUs are all
/// busy the polling helper competes with other processes: set MNL_WORKER_POOL=off there.
final class WorkerPool: @unchecked Sendable {
  static let shared = WorkerPool(
    helpers: KernelDispatch.environment("MNL_WORKER_POOL") == "off" ? 0 : Parallelism.threads - 1)

  /// How long an idle helper keeps polling for the next section before it sleeps.
  static let pollNanoseconds: UInt64 = 1_000_000
  /// How long the calling thread polls for the helpers' parts to finish before it sleeps.
  static let callerPollNanoseconds: UInt64 = 200_000

  private let helperCount: Int
  private let busy = Atomic<Bool>(false)
  private let started = Atomic<Bool>(false)
  /// (section number << 32) | next unclaimed part. A new section stores a new number with
  /// part 0 (after publishing `job` and `parts`); claiming a part is a compare-exchange that
  /// fails if the section changed, so a late helper never takes a part of the wrong one.
  private let ticket = Atomic<Int>(0)
  private let parts = Atomic<Int>(0)
  private let unfinished = Atomic<Int>(0)
  private let sleepers = Atomic<Int>(0)
  private let wake = DispatchSemaphore(value: 0)
  /// The calling thread sleeps on `done` when the helpers' parts take long.
  private let callerAsleep = Atomic<Bool>(false)
  private let done = DispatchSemaphore(value: 0)
  /// Written only while no part is being run (see `run`), read after a successful claim.
  private var job: ((Int) -> Void)?

  init(helpers: Int) {
    helperCount = max(0, helpers)
  }

  /// Runs `body(part)` for every part in 0..<count, on this thread and the helpers, and
  /// returns when all have finished.
  func run(parts count: Int, _ body: (Int) -> Void) {
    if count <= 1 {
      if count == 1 { body(0) }
      return
    }
    guard Self.canStartThreads, helperCount > 0,
      busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else {
      withoutActuallyEscaping(body) { body in
        let box = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: count) { box.value($0) }
      }
      return
    }
    defer { busy.store(false, ordering: .releasing) }
    startHelpersOnce()
    withoutActuallyEscaping(body) { body in
      job = body
      parts.store(count, ordering: .relaxed)
      unfinished.store(count, ordering: .relaxed)
      let section = (ticket.load(ordering: .relaxed) >> 32) &+ 1
      ticket.store((section & 0x7fff_ffff) << 32, ordering: .sequentiallyConsistent)
      let asleep = sleepers.exchange(0, ordering: .sequentiallyConsistent)
      for _ in 0..<asleep { wake.signal() }
      claimParts(section: section & 0x7fff_ffff)
      waitForUnfinishedParts()
      job = nil
    }
  }

  /// Polls briefly for the helpers' last parts, then sleeps until the last one signals: a
  /// helper preempted in the middle of a part (a busy machine) gets the CPU back instead of
  /// watching this thread spin.
  private func waitForUnfinishedParts() {
    let start = DispatchTime.now().uptimeNanoseconds
    var spins = 0
    while unfinished.load(ordering: .acquiring) != 0 {
      mnl_cpu_relax()
      spins &+= 1
      guard spins & 255 == 0, DispatchTime.now().uptimeNanoseconds &- start > Self.callerPollNanoseconds
      else { continue }
      callerAsleep.store(true, ordering: .sequentiallyConsistent)
      if unfinished.load(ordering: .sequentiallyConsistent) != 0
        || !callerAsleep.exchange(false, ordering: .sequentiallyConsistent)
      {
        // Parts left (their last finisher signals), or the last one already took the flag
        // and signals.
        done.wait()
      }
      return
    }
  }

  /// Takes and runs parts of `section` until none is left (or the section is over).
  private func claimParts(section: Int) {
    while true {
      var current = ticket.load(ordering: .acquiring)
      while true {
        guard current >> 32 == section, current & 0xffff_ffff < parts.load(ordering: .relaxed)
        else { return }
        let (exchanged, original) = ticket.compareExchange(
          expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
        if exchanged { break }
        current = original
      }
      // Claimed: the section cannot end (nor `job` change) before this part is counted.
      job?(current & 0xffff_ffff)
      let left = unfinished.wrappingSubtract(1, ordering: .sequentiallyConsistent).newValue
      if left == 0 && callerAsleep.exchange(false, ordering: .sequentiallyConsistent) {
        done.signal()
      }
    }
  }

  private func helperLoop() {
    var seen = ticket.load(ordering: .acquiring) >> 32
    while true {
      if !pollForSection(after: seen) {
        sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
        // Re-checked after announcing the sleep: a section posted in between either saw the
        // announcement (and signals) or is seen here. A stale signal only makes a later wait
        // return at once, after which the loop checks again.
        if ticket.load(ordering: .sequentiallyConsistent) >> 32 == seen { wake.wait() }
        continue
      }
      seen = ticket.load(ordering: .acquiring) >> 32
      claimParts(section: seen)
    }
  }

  /// Polls for a section other than `seen` for up to `pollNanoseconds`.
  private func pollForSection(after seen: Int) -> Bool {
    let start = DispatchTime.now().uptimeNanoseconds
    var spins = 0
    while ticket.load(ordering: .acquiring) >> 32 == seen {
      mnl_cpu_relax()
      spins &+= 1
      if spins & 255 == 0 && DispatchTime.now().uptimeNanoseconds &- start > Self.pollNanoseconds {
        return false
      }
    }
    return true
  }

  #if canImport(Glibc)
    static let canStartThreads = true

    private func startHelpersOnce() {
      guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
      for _ in 0..<helperCount {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
          &thread, nil,
          { context in
            guard let context else { return nil }
            Unmanaged<WorkerPool>.fromOpaque(context).takeUnretainedValue().helperLoop()
            return nil
          }, context)
        if status == 0 { pthread_detach(thread) }
      }
    }
  #else
    // Elsewhere (macOS) sections use concurrentPerform.
    static let canStartThreads = false
    private func startHelpersOnce() {}
  #endif
}
