/// Products with few output columns (n < 16) and A not transposed, e.g. the 500→10 output
/// layer. The blocked path would waste most of its 16-wide B panels on padding and pack all
/// of A to use it once; here each C[i, j] is a dot product along k of A's row i (read in
/// place) with column j of op(B) (a 16-KB-ish packed copy, or B itself when transposed),
/// vectorised along k, so no lane is wasted. Tiles of 2 rows × 5 columns keep 10 SIMD8
/// accumulators for 7 vector loads per step.
enum GEMMNarrow {
  static let rowsPerTile = 2
  static let columnsPerTile = 5

  static func applies(transA: Bool, n: Int, k: Int) -> Bool {
    !transA && n < GEMMBlocking.nr && k >= 16
  }

  static func run(_ op: GEMMOperands, workspace: GEMMWorkspace) {
    // op(B)'s columns as contiguous rows of length k.
    let columnsOfB: UnsafePointer<Float>
    let stride: Int
    if op.transB {
      columnsOfB = op.b
      stride = op.ldb
    } else {
      workspace.reserve(a: 0, b: op.n * op.k)
      let packed = workspace.packedB
      for p in 0..<op.k {
        let src = op.b + p * op.ldb
        for j in 0..<op.n { packed[j * op.k + p] = src[j] }
      }
      columnsOfB = UnsafePointer(packed)
      stride = op.k
    }
    var i0 = 0
    while i0 < op.m {
      if i0 % 64 == 0 && Interrupt.isRequested { return }
      var j0 = 0
      while j0 < op.n {
        tile(op, row: i0, column: j0, columnsOfB: columnsOfB, stride: stride)
        j0 += columnsPerTile
      }
      i0 += rowsPerTile
    }
  }

  /// One 2×5 tile of C at (row, column). Rows or columns past the edge alias the tile's
  /// first one: their sums are computed and dropped, which keeps the loop branch-free.
  @inline(__always)
  private static func tile(
    _ op: GEMMOperands, row: Int, column: Int, columnsOfB: UnsafePointer<Float>, stride: Int
  ) {
    let rows = min(rowsPerTile, op.m - row)
    let columns = min(columnsPerTile, op.n - column)
    let a0 = op.a + row * op.lda
    let a1 = rows > 1 ? a0 + op.lda : a0
    let b0 = columnsOfB + column * stride
    let b1 = columns > 1 ? b0 + stride : b0
    let b2 = columns > 2 ? b0 + 2 * stride : b0
    let b3 = columns > 3 ? b0 + 3 * stride : b0
    let b4 = columns > 4 ? b0 + 4 * stride : b0
    var s00 = SIMD8<Float>()
    var s01 = SIMD8<Float>()
    var s02 = SIMD8<Float>()
    var s03 = SIMD8<Float>()
    var s04 = SIMD8<Float>()
    var s10 = SIMD8<Float>()
    var s11 = SIMD8<Float>()
    var s12 = SIMD8<Float>()
    var s13 = SIMD8<Float>()
    var s14 = SIMD8<Float>()
    let vectorEnd = op.k & ~7
    var p = 0
    while p < vectorEnd {
      let x0 = load(a0 + p)
      let x1 = load(a1 + p)
      var y = load(b0 + p)
      s00 = s00.addingProduct(x0, y)
      s10 = s10.addingProduct(x1, y)
      y = load(b1 + p)
      s01 = s01.addingProduct(x0, y)
      s11 = s11.addingProduct(x1, y)
      y = load(b2 + p)
      s02 = s02.addingProduct(x0, y)
      s12 = s12.addingProduct(x1, y)
      y = load(b3 + p)
      s03 = s03.addingProduct(x0, y)
      s13 = s13.addingProduct(x1, y)
      y = load(b4 + p)
      s04 = s04.addingProduct(x0, y)
      s14 = s14.addingProduct(x1, y)
      p += 8
    }
    // Finishes C[row + r, column + j] from its partial sums (plus the scalar k tail).
    @inline(__always)
    func finish(
      _ r: Int, _ j: Int, _ sums: SIMD8<Float>, _ aRow: UnsafePointer<Float>,
      _ bColumn: UnsafePointer<Float>
    ) {
      guard r < rows, j < columns else { return }
      var dot = sums.sum()
      for q in vectorEnd..<op.k { dot += aRow[q] * bColumn[q] }
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

  @inline(__always)
  private static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
  }
}
