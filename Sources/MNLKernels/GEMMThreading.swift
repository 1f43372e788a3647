#if canImport(Glibc)
  import Glibc
#endif

/// How a product is divided between threads.
enum GEMMThreading {
  /// Below this many multiply-adds (≈ 50 µs on one core) a second thread costs more than it saves.
  static let minimumWorkForThreads = 1 << 22
  /// Never more workers than this: the target machine has two cores.
  static let maximumThreads = 2

  /// How many threads to use, and disjoint slabs of C that together cover the product.
  static func plan(_ op: GEMMOperands, threads: Int) -> (workers: Int, slabs: [GEMMOperands]) {
    let count = workerCount(op, requested: threads)
    guard count > 1 else { return (1, [op]) }
    // Split the longer side: each thread re-packs all of the other operand.
    let splitRows = op.m >= op.n
    let total = splitRows ? op.m : op.n
    let granule = splitRows ? GEMMBlocking.mr : GEMMBlocking.nr
    // One slab per worker. Finer slabs (handed out dynamically) were measured slower on an
    // idle machine: every slab re-packs the whole other operand (1024³: +8 MB of copying).
    let chunk = GEMMBlocking.roundUp((total + count - 1) / count, to: granule)
    var result: [GEMMOperands] = []
    var start = 0
    while start < total {
      let range = start..<min(start + chunk, total)
      result.append(splitRows ? op.slab(rows: range) : op.slab(columns: range))
      start = range.upperBound
    }
    return (min(count, result.count), result)
  }

  private static func workerCount(_ op: GEMMOperands, requested: Int) -> Int {
    let longer = max(op.m, op.n)
    let granule = op.m >= op.n ? GEMMBlocking.mr : GEMMBlocking.nr
    let possible = max(1, longer / granule)
    if requested > 0 { return min(requested, maximumThreads, possible) }
    guard requested == 0 else { return 1 }
    let (mn, overflowMN) = op.m.multipliedReportingOverflow(by: op.n)
    let (work, overflow) = mn.multipliedReportingOverflow(by: op.k)
    let large = overflowMN || overflow || work >= minimumWorkForThreads
    guard large else { return 1 }
    return min(maximumThreads, onlineProcessors(), possible)
  }

  private static func onlineProcessors() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  }
}
