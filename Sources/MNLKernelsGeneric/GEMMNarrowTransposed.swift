import MNLInterrupt

/// Products C = Aᵀ·op(B) with few output columns (n narrower than the blocked panel), e.g. the
/// output layer's weight gradient h1ᵀ·dlogits ([500, 100]ᵀ · [100, 10]). The blocked path
/// would pack all of A and fill most of its panels with padding (measured ~5× slower than
/// NumPy there). Here rows of C run along A's stored rows: for each p, the vector
/// A[p, i ..< i + lanes] times the broadcast B[p, j] is added into a register tile of
/// 2 vectors of rows × 4 columns (8 accumulators, 11 registers with the loads: no spill on
/// any target). Each C[i, j] sums p in increasing order in one chain, starting from the first
/// product, with alpha applied to A and beta fused as there — the blocked kernel's arithmetic
/// for k ≤ KC, so the values are the same.
public enum GEMMNarrowTransposed<T: KernelTarget> {
  public typealias V = T.Vector
  @inlinable static var columnsPerTile: Int { 4 }

  /// `op` has transA; n, k ≥ 1. `R` rounds A's vectors and B's entries as they are loaded.
  @inlinable
  public static func run<R: OperandRounding>(
    _ op: GEMMOperands, workspace: GEMMWorkspace, rounding _: R.Type
  ) {
    let rowsPerTile = 2 * V.lanes
    var i0 = 0
    while i0 < op.m {
      if Interrupt.isRequested { return }
      var a = op.a + i0
      var lda = op.lda
      let rows = min(rowsPerTile, op.m - i0)
      if rows < rowsPerTile {
        // The last rows: copied into a zero-padded band so the same tile runs on them
        // (the padding rows' sums are dropped).
        workspace.reserve(a: op.k * rowsPerTile, b: 0)
        let band = workspace.packedA
        for p in 0..<op.k {
          let src = op.a + p * op.lda + i0
          let dst = band + p * rowsPerTile
          for r in 0..<rowsPerTile { dst[r] = r < rows ? src[r] : 0 }
        }
        a = UnsafePointer(band)
        lda = rowsPerTile
      }
      var j0 = 0
      while j0 < op.n {
        tile(op, row: i0, rows: rows, column: j0, a: a, lda: lda, R.self)
        j0 += columnsPerTile
      }
      i0 += rowsPerTile
    }
  }

  /// op(B)[p, j].
  @inlinable @inline(__always)
  static func entryOfB(_ op: GEMMOperands, _ p: Int, _ j: Int) -> Float {
    op.transB ? op.b[j * op.ldb + p] : op.b[p * op.ldb + j]
  }

  /// C[row ..< row + rows, column ..< column + 4] (rows ≤ 2·lanes; columns past n alias the
  /// tile's first), from op(A)'s rows at `a` (its row `row`), `lda` apart along k.
  @inlinable @inline(__always)
  static func tile<R: OperandRounding>(
    _ op: GEMMOperands, row: Int, rows: Int, column: Int, a start: UnsafePointer<Float>, lda: Int,
    _: R.Type
  ) {
    let columns = min(columnsPerTile, op.n - column)
    let j1 = columns > 1 ? column + 1 : column
    let j2 = columns > 2 ? column + 2 : column
    let j3 = columns > 3 ? column + 3 : column
    let alpha = V(repeating: op.alpha)
    var a = start
    var lo = alpha * R.round(V.load(a))
    var hi = alpha * R.round(V.load(a + V.lanes))
    var y = V(repeating: R.round(entryOfB(op, 0, column)))
    var c0l = lo * y, c0h = hi * y
    y = V(repeating: R.round(entryOfB(op, 0, j1)))
    var c1l = lo * y, c1h = hi * y
    y = V(repeating: R.round(entryOfB(op, 0, j2)))
    var c2l = lo * y, c2h = hi * y
    y = V(repeating: R.round(entryOfB(op, 0, j3)))
    var c3l = lo * y, c3h = hi * y
    for p in 1..<max(op.k, 1) {
      a += lda
      lo = alpha * R.round(V.load(a))
      hi = alpha * R.round(V.load(a + V.lanes))
      y = V(repeating: R.round(entryOfB(op, p, column)))
      c0l = T.madd(c0l, lo, y)
      c0h = T.madd(c0h, hi, y)
      y = V(repeating: R.round(entryOfB(op, p, j1)))
      c1l = T.madd(c1l, lo, y)
      c1h = T.madd(c1h, hi, y)
      y = V(repeating: R.round(entryOfB(op, p, j2)))
      c2l = T.madd(c2l, lo, y)
      c2h = T.madd(c2h, hi, y)
      y = V(repeating: R.round(entryOfB(op, p, j3)))
      c3l = T.madd(c3l, lo, y)
      c3h = T.madd(c3h, hi, y)
    }
    // Each accumulator is a piece of a column of C: its lanes go to rows row + lane.
    @inline(__always)
    func put(_ j: Int, _ l: V, _ h: V) {
      guard j < columns else { return }
      for lane in 0..<min(V.lanes, rows) {
        store(op, l[lane], row: row + lane, column: column + j)
      }
      for lane in 0..<max(0, min(V.lanes, rows - V.lanes)) {
        store(op, h[lane], row: row + V.lanes + lane, column: column + j)
      }
    }
    put(0, c0l, c0h)
    put(1, c1l, c1h)
    put(2, c2l, c2h)
    put(3, c3l, c3h)
  }

  /// C[row, column] = sum (alpha is in it) + beta·C (fused), + bias, ReLU: the blocked
  /// kernel's epilogue.
  @inlinable @inline(__always)
  static func store(_ op: GEMMOperands, _ sum: Float, row: Int, column: Int) {
    let c = op.c + row * op.ldc + column
    var v = sum
    if op.beta == 1 {
      v += c.pointee
    } else if op.beta != 0 {
      v = T.madd(v, op.beta, c.pointee)
    }
    if let bias = op.bias { v += bias[column] }
    if op.relu && v < 0 { v = 0 }
    c.pointee = v
  }
}
