/// Tile and block sizes of the packed SGEMM (see GEMMKernels for the reasoning).
public enum GEMMBlocking {
  /// Micro-tile rows: 6 rows × 2 vectors = 12 accumulators, which leaves registers for the
  /// two B vectors and the A broadcast even with SSE's and AVX2's 16.
  public static let mr = 6
  /// Depth of one packed block. Large enough that k = 784 (MNIST) is a single block, so each
  /// C tile is loaded and stored once; measured faster than an L1-sized 256.
  public static let kc = 800
  /// Rows of packed A per block: MC×KC floats (≤ 150 KB) stay in L2.
  public static let mc = 48
  /// Columns of packed B per block: KC×NC floats (≤ 6.5 MB) are meant for L3.
  public static let nc = 2048
  /// The widest micro-tile any target uses (AVX-512: 2 × 16 lanes); sizes the scratch tile.
  public static let widestNR = 32
  /// The tallest micro-tile any kernel uses (the bf16 pair kernels: 12 rows).
  public static let widestMR = 12

  /// Micro-tile columns for a target: two of its vectors.
  @inlinable @inline(__always)
  public static func nr<T: KernelTarget>(_: T.Type) -> Int { 2 * T.Vector.lanes }

  /// Splits `total` into the fewest blocks of at most `limit` and returns a block size of
  /// nearly equal blocks, rounded up to `granule` (so k = 1000 gives 2 × 500 rather than
  /// 800 + 200, whose thin last block would spend its time loading and storing C).
  @inlinable
  public static func balancedBlock(total: Int, limit: Int, granule: Int) -> Int {
    guard total > 0 else { return granule }
    let blocks = (total + limit - 1) / limit
    let even = (total + blocks - 1) / blocks
    return min(limit, roundUp(even, to: granule))
  }

  @inlinable @inline(__always)
  public static func roundUp(_ value: Int, to granule: Int) -> Int {
    (value + granule - 1) / granule * granule
  }
}
