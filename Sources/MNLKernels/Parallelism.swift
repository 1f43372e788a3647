import CSupport
import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How many threads the kernels may use: the CPUs this process may run on
/// (`sched_getaffinity`, so `taskset` and container CPU sets count), or `MNL_THREADS=N`.
public enum Parallelism {
  /// MNL_THREADS above this is refused as a typo rather than oversubscribing.
  static let maximumThreads = 1024

  public static let selection: Result<Int, KernelConfigurationError> = select(
    requested: KernelDispatch.environment("MNL_THREADS"))

  /// Threads kernels split large work into (at least 1).
  public static let threads: Int = (try? selection.get()) ?? availableCPUs()

  static func select(requested: String?) -> Result<Int, KernelConfigurationError> {
    guard let requested, !requested.isEmpty else { return .success(availableCPUs()) }
    guard let count = Int(requested), count >= 1, count <= maximumThreads else {
      return .failure(
        KernelConfigurationError(
          message: "MNL_THREADS=\(requested) is not a thread count from 1 to \(maximumThreads)"))
    }
    return .success(count)
  }

  static func availableCPUs() -> Int {
    let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let affinity = Int(mnl_affinity_cpu_count())
    let usable = affinity > 0 ? affinity : online
    // Ranks of an MPI job on one machine share its CPUs: unless the launcher already bound
    // each rank to its own CPUs (the affinity mask is then smaller than the machine), each
    // rank takes an equal share instead of every rank starting a thread per CPU.
    let ranks = ranksOnThisMachine()
    if ranks > 1 && usable >= online { return max(1, usable / ranks) }
    return usable
  }

  /// Processes of an MPI job on this machine, as Open MPI's mpirun (or MPICH's Hydra) says.
  static func ranksOnThisMachine() -> Int {
    for name in ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"] {
      if let value = KernelDispatch.environment(name), let n = Int(value), n >= 1 { return n }
    }
    return 1
  }

  /// Element counts from which streaming kernels split work between threads, and the least
  /// each thread gets (a thread costs a few microseconds to wake).
  static let elementsPerThread = 1 << 17

  /// Runs `body(start, end)` over 0..<count, split into up to `threads` parts of at least
  /// `elementsPerThread` elements each (so small counts stay on the calling thread). Part
  /// boundaries are multiples of 16 floats, whole vectors for every path.
  @inline(__always)
  static func forEachPart(_ count: Int, _ body: (Int, Int) -> Void) {
    let parts = min(threads, count / elementsPerThread)
    if parts <= 1 {
      body(0, count)
      return
    }
    let chunk = (count / parts + 15) & ~15
    WorkerPool.shared.run(parts: parts) { part in
      let start = min(count, part * chunk)
      let end = part == parts - 1 ? count : min(count, start + chunk)
      if start < end { body(start, end) }
    }
  }
}

/// Raw pointers and non-Sendable closures handed to worker threads: the parts a kernel
/// hands out write disjoint ranges.
struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

struct SendablePointers: @unchecked Sendable {
  let a: UnsafePointer<Float>
  let b: UnsafePointer<Float>
  let out: UnsafeMutablePointer<Float>
}
