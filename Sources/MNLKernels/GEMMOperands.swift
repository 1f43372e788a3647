/// One sgemm problem as raw pointers: C = alpha·op(A)·op(B) + beta·C, then bias and ReLU.
/// `@unchecked Sendable` so a slab can be handed to a worker thread: the slabs a call hands
/// out write disjoint parts of C and only read A, B and bias.
struct GEMMOperands: @unchecked Sendable {
  var transA: Bool
  var transB: Bool
  var m: Int
  var n: Int
  var k: Int
  var alpha: Float
  var beta: Float
  var a: UnsafePointer<Float>
  var lda: Int
  var b: UnsafePointer<Float>
  var ldb: Int
  var c: UnsafeMutablePointer<Float>
  var ldc: Int
  var bias: UnsafePointer<Float>?
  var relu: Bool
  /// Take the dot-product path (GEMMNarrow). Decided once for the whole product, so every
  /// slab sums in the same order and the result does not depend on the thread count.
  var narrow: Bool

  /// The sub-problem that computes rows `rows` of C (A is cut, B is shared).
  func slab(rows: Range<Int>) -> GEMMOperands {
    var slab = self
    slab.m = rows.count
    slab.a = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
    slab.c = c + rows.lowerBound * ldc
    return slab
  }

  /// The sub-problem that computes columns `columns` of C (B and bias are cut, A is shared).
  func slab(columns: Range<Int>) -> GEMMOperands {
    var slab = self
    slab.n = columns.count
    slab.b = transB ? b + columns.lowerBound * ldb : b + columns.lowerBound
    slab.c = c + columns.lowerBound
    slab.bias = bias.map { $0 + columns.lowerBound }
    return slab
  }
}
