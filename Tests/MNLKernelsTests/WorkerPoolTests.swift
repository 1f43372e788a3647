import Dispatch
import Synchronization
import XCTest

@testable import MNLKernels

/// The persistent helper threads of parallel sections (WorkerPool): every part runs exactly
/// once per section, back-to-back sections and sections after the helpers went to sleep, calls
/// from several threads at once and nested calls (both fall back to concurrentPerform).
final class WorkerPoolTests: XCTestCase {
  /// Runs one section of `parts` parts on `pool` and returns how often each part ran.
  private func runCounting(_ pool: WorkerPool, parts: Int) -> [Int] {
    let counts = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: max(parts, 1))
    for i in 0..<parts { (counts + i).initialize(to: Atomic(0)) }
    defer {
      counts.deinitialize(count: parts)
      counts.deallocate()
    }
    let box = UncheckedBox(counts)
    pool.run(parts: parts) { part in
      box.value[part].wrappingAdd(1, ordering: .relaxed)
    }
    return (0..<parts).map { counts[$0].load(ordering: .relaxed) }
  }

  func testEveryPartRunsOnceInBackToBackSections() {
    let pool = WorkerPool(helpers: 3)
    for round in 0..<2000 {
      let parts = [0, 1, 2, 3, 5, 8, 17][round % 7]
      XCTAssertEqual(runCounting(pool, parts: parts), [Int](repeating: 1, count: parts), "round \(round)")
    }
  }

  /// No helpers (MNL_WORKER_POOL=off, or one CPU): sections run with
  /// concurrentPerform.
  func testWithoutHelpers() {
    let pool = WorkerPool(helpers: 0)
    for parts in [0, 1, 2, 7] {
      XCTAssertEqual(runCounting(pool, parts: parts), [Int](repeating: 1, count: parts))
    }
  }

  func testSectionsAfterTheHelpersSleep() {
    let pool = WorkerPool(helpers: 2)
    for _ in 0..<5 {
      XCTAssertEqual(runCounting(pool, parts: 4), [1, 1, 1, 1])
      // Longer than the helpers poll: they are asleep when the next section arrives.
      usleep(UInt32(2 * WorkerPool.pollNanoseconds / 1000))
    }
  }

  func testConcurrentAndNestedCallers() {
    let pool = WorkerPool(helpers: 1)
    let failures = Atomic<Int>(0)
    let poolBox = UncheckedBox(pool)
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
      for _ in 0..<200 {
        let inner = Atomic<Int>(0)
        poolBox.value.run(parts: 3) { _ in
          // A nested section inside a part.
          poolBox.value.run(parts: 2) { _ in inner.wrappingAdd(1, ordering: .relaxed) }
        }
        if inner.load(ordering: .relaxed) != 6 { failures.wrappingAdd(1, ordering: .relaxed) }
      }
    }
    XCTAssertEqual(failures.load(ordering: .relaxed), 0)
  }
}
