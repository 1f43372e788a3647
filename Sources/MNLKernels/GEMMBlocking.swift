/// Tile and block sizes of the packed SGEMM (see GEMM.swift for the reasoning).
enum GEMMBlocking {
  /// Micro-tile: 6 rows × 16 columns = 12 SIMD8<Float> accumulators, leaving 4 of the 16
  /// ymm registers for the two B vectors and the A broadcast.
  static let mr = 6
  static let nr = 16
  /// Depth of one packed block. Large enough that k = 784 (MNIST) is a single block, so each
  /// C tile is loaded and stored once; measured faster than an L1-sized 256 (see GEMM.swift).
  static let kc = 800
  /// Rows of packed A per block: MC×KC floats (≤ 150 KB) stay in the 512 KB L2.
  static let mc = 48
  /// Columns of packed B per block: KC×NC floats (≤ 6.5 MB) are meant for L3.
  static let nc = 2048

  /// Splits `total` into the fewest blocks of at most `limit` and returns a block size of
  /// nearly equal blocks, rounded up to `granule` (so k = 1000 gives 2 × 500 rather than
  /// 800 + 200, whose thin last block would spend its time loading and storing C).
  static func balancedBlock(total: Int, limit: Int, granule: Int) -> Int {
    guard total > 0 else { return granule }
    let blocks = (total + limit - 1) / limit
    let even = (total + blocks - 1) / blocks
    return min(limit, roundUp(even, to: granule))
  }

  @inline(__always)
  static func roundUp(_ value: Int, to granule: Int) -> Int {
    (value + granule - 1) / granule * granule
  }
}
