import MNLInterrupt

/// Products with few output columns (n < 16) and A not transposed (transposed A: see
/// GEMMNarrowTransposed), e.g. the 500→10 output
/// layer. The blocked path would waste most of its 16-wide B panels on padding and pack all
/// of A to use it once; here each C[i, j] is a dot product along k of A's row i (read in
/// place) with column j of op(B) (a 16-KB-ish packed copy, or B itself when transposed),
/// vectorised along k, so no lane is wasted. Tiles of 2 rows × 5 columns keep 10 vector
/// accumulators for 7 vector loads per step.
public enum GEMMNarrow<T: KernelTarget> {
  public typealias V = T.Vector
  @inlinable static var rowsPerTile: Int { 2 }
  @inlinable static var columnsPerTile: Int { 5 }

  /// Whether a product takes this path on target T (n narrower than T's blocked panel); with
  /// A transposed, GEMMNarrowTransposed's.
  @inlinable
  public static func applies(transA: Bool, n: Int, k: Int) -> Bool {
    guard n < GEMMBlocking.nr(T.self) else { return false }
    return transA || k >= 16 || GEMMShallow<T>.applies(transA: transA, n: n, k: k)
  }

  @inlinable
  public static func run<R: OperandRounding>(
    _ op: GEMMOperands, workspace: GEMMWorkspace, rounding _: R.Type = NoRounding.self
  ) {
    if op.transA {
      GEMMNarrowTransposed<T>.run(op, workspace: workspace, rounding: R.self)
      return
    }
    if op.k < 16 {
      GEMMShallow<T>.run(op, rounding: R.self)
      return
    }
    // op(B)'s columns as contiguous rows of length k: B itself when transposed (fp32), else a
    // packed copy (rounded to bf16 here once). In bf16, each band of 2 rows of A is rounded
    // once into packedA and shared by all the band's tiles.
    let roundsA = R.self != NoRounding.self
    let packsB = !(op.transB && R.self == NoRounding.self)
    workspace.reserve(a: roundsA ? 2 * op.k : 0, b: packsB ? op.n * op.k : 0)
    let columnsOfB: UnsafePointer<Float>
    let stride: Int
    if !packsB {
      columnsOfB = op.b
      stride = op.ldb
    } else {
      let packed = workspace.packedB
      if op.transB {
        for j in 0..<op.n {
          let src = op.b + j * op.ldb
          for p in 0..<op.k { packed[j * op.k + p] = R.round(src[p]) }
        }
      } else {
        for p in 0..<op.k {
          let src = op.b + p * op.ldb
          for j in 0..<op.n { packed[j * op.k + p] = R.round(src[j]) }
        }
      }
      columnsOfB = UnsafePointer(packed)
      stride = op.k
    }
    let band = workspace.packedA
    var i0 = 0
    while i0 < op.m {
      if i0 % 64 == 0 && Interrupt.isRequested { return }
      var a = op.a + i0 * op.lda
      var lda = op.lda
      if roundsA {
        for r in 0..<min(rowsPerTile, op.m - i0) {
          BFloat16.roundRow(a + r * op.lda, into: band + r * op.k, count: op.k, as: V.self)
        }
        a = UnsafePointer(band)
        lda = op.k
      }
      var j0 = 0
      while j0 < op.n {
        tile(op, row: i0, column: j0, a: a, lda: lda, columnsOfB: columnsOfB, stride: stride)
        j0 += columnsPerTile
      }
      i0 += rowsPerTile
    }
  }

  /// One 2×5 tile of C at (row, column). Rows or columns past the edge alias the tile's
  /// first one: their sums are computed and dropped, which keeps the loop branch-free.
  @inlinable @inline(__always)
  /// `a` points at row `row` of op(A) (or its rounded copy), rows `lda` apart.
  static func tile(
    _ op: GEMMOperands, row: Int, column: Int, a: UnsafePointer<Float>, lda: Int,
    columnsOfB: UnsafePointer<Float>, stride: Int
  ) {
    let rows = min(rowsPerTile, op.m - row)
    let columns = min(columnsPerTile, op.n - column)
    let a0 = a
    let a1 = rows > 1 ? a0 + lda : a0
    let b0 = columnsOfB + column * stride
    let b1 = columns > 1 ? b0 + stride : b0
    let b2 = columns > 2 ? b0 + 2 * stride : b0
    let b3 = columns > 3 ? b0 + 3 * stride : b0
    let b4 = columns > 4 ? b0 + 4 * stride : b0
    var s00 = V()
    var s01 = V()
    var s02 = V()
    var s03 = V()
    var s04 = V()
    var s10 = V()
    var s11 = V()
    var s12 = V()
    var s13 = V()
    var s14 = V()
    let vectorEnd = op.k - op.k % V.lanes
    var p = 0
    while p < vectorEnd {
      let x0 = load(a0 + p)
      let x1 = load(a1 + p)
      var y = load(b0 + p)
      s00 = T.madd(s00, x0, y)
      s10 = T.madd(s10, x1, y)
      y = load(b1 + p)
      s01 = T.madd(s01, x0, y)
      s11 = T.madd(s11, x1, y)
      y = load(b2 + p)
      s02 = T.madd(s02, x0, y)
      s12 = T.madd(s12, x1, y)
      y = load(b3 + p)
      s03 = T.madd(s03, x0, y)
      s13 = T.madd(s13, x1, y)
      y = load(b4 + p)
      s04 = T.madd(s04, x0, y)
      s14 = T.madd(s14, x1, y)
      p += V.lanes
    }
    // Finishes C[row + r, column + j] from its partial sums (plus the scalar k tail).
    @inline(__always)
    func finish(
      _ r: Int, _ j: Int, _ sums: V, _ aRow: UnsafePointer<Float>,
      _ bColumn: UnsafePointer<Float>
    ) {
      guard r < rows, j < columns else { return }
      var dot = sums.sum()
      for q in vectorEnd..<op.k { dot = T.madd(dot, aRow[q], bColumn[q]) }
      let c = op.c + (row + r) * op.ldc + column + j
      var v = op.alpha * dot
      if op.beta != 0 { v += op.beta * c.pointee }
      if let bias = op.bias { v += bias[column + j] }
      if op.relu && v < 0 { v = 0 }
      c.pointee = v
    }
    finish(0, 0, s00, a0, b0)
    finish(0, 1, s01, a0, b1)
    finish(0, 2, s02, a0, b2)
    finish(0, 3, s03, a0, b3)
    finish(0, 4, s04, a0, b4)
    finish(1, 0, s10, a1, b0)
    finish(1, 1, s11, a1, b1)
    finish(1, 2, s12, a1, b2)
    finish(1, 3, s13, a1, b3)
    finish(1, 4, s14, a1, b4)
  }

  @inlinable @inline(__always)
  static func load(_ pointer: UnsafePointer<Float>) -> V { V.load(pointer) }
}
