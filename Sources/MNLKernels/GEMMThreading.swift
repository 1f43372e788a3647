import MNLKernelsGeneric

/// How a product is divided between threads.
enum GEMMThreading {
  /// Each thread gets at least this many multiply-adds (≈ 25 µs on one core): below it, waking
  /// a thread costs more than it saves. (So two threads from 2^22, as measured on 2 cores.)
  static let minimumWorkPerThread = 1 << 21

  /// How many threads to use, and disjoint slabs of C that together cover the product.
  static func plan(_ op: GEMMOperands, threads: Int, columnGranule: Int)
    -> (workers: Int, slabs: [GEMMOperands])
  {
    let count = workerCount(op, requested: threads, columnGranule: columnGranule)
    guard count > 1 else { return (1, [op]) }
    // Split the longer side: each thread re-packs all of the other operand. The sparse path
    // splits rows (each row gathers its own nonzeros; column slabs would repeat that), unless
    // B is transposed: then each thread transposes only its own columns of B.
    let splitRows = splitsRows(op)
    let total = splitRows ? op.m : op.n
    let granule = splitRows ? GEMMBlocking.mr : columnGranule
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

  private static func workerCount(_ op: GEMMOperands, requested: Int, columnGranule: Int) -> Int {
    let rows = splitsRows(op)
    let longer = rows ? op.m : op.n
    let granule = rows ? GEMMBlocking.mr : columnGranule
    let possible = max(1, longer / granule)
    if requested > 0 { return min(requested, possible) }
    guard requested == 0 else { return 1 }
    let (mn, overflowMN) = op.m.multipliedReportingOverflow(by: op.n)
    let (work, overflow) = mn.multipliedReportingOverflow(by: op.k)
    let worthIt = overflowMN || overflow ? Int.max : work / minimumWorkPerThread
    return max(1, min(Parallelism.threads, possible, worthIt))
  }

  private static func splitsRows(_ op: GEMMOperands) -> Bool {
    op.m >= op.n || (op.sparse && !op.transB)
  }
}
