/// One sgemm problem as raw pointers: C = alpha·op(A)·op(B) + beta·C, then bias and ReLU.
/// `@unchecked Sendable` so a slab can be handed to a worker thread: the slabs a call hands
/// out write disjoint parts of C and only read A, B and bias.
@frozen
public struct GEMMOperands: @unchecked Sendable {
  public var transA: Bool
  public var transB: Bool
  public var m: Int
  public var n: Int
  public var k: Int
  public var alpha: Float
  public var beta: Float
  public var a: UnsafePointer<Float>
  public var lda: Int
  public var b: UnsafePointer<Float>
  public var ldb: Int
  public var c: UnsafeMutablePointer<Float>
  public var ldc: Int
  public var bias: UnsafePointer<Float>?
  public var relu: Bool
  /// Take the dot-product path (GEMMNarrow). Decided once for the whole product, so every
  /// slab sums in the same order and the result does not depend on the thread count.
  public var narrow: Bool
  /// Take the zero-skipping path (GEMMSparse): op(A) is mostly zeros. Decided once per product.
  public var sparse: Bool
  /// "bf16" matmul precision: the kernels round every element of A and B to bfloat16 as they
  /// read it (BFloat16Rounding) and accumulate in fp32; alpha, beta, bias and C stay fp32.
  public var roundsToBF16: Bool

  @inlinable
  public init(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>?, relu: Bool,
    narrow: Bool, sparse: Bool = false, roundsToBF16: Bool = false
  ) {
    self.transA = transA
    self.transB = transB
    self.m = m
    self.n = n
    self.k = k
    self.alpha = alpha
    self.beta = beta
    self.a = a
    self.lda = lda
    self.b = b
    self.ldb = ldb
    self.c = c
    self.ldc = ldc
    self.bias = bias
    self.relu = relu
    self.narrow = narrow
    self.sparse = sparse
    self.roundsToBF16 = roundsToBF16
  }

  /// The sub-problem that computes rows `rows` of C (A is cut, B is shared).
  public func slab(rows: Range<Int>) -> GEMMOperands {
    var slab = self
    slab.m = rows.count
    slab.a = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
    slab.c = c + rows.lowerBound * ldc
    return slab
  }

  /// The sub-problem that computes columns `columns` of C (B and bias are cut, A is shared).
  public func slab(columns: Range<Int>) -> GEMMOperands {
    var slab = self
    slab.n = columns.count
    slab.b = transB ? b + columns.lowerBound * ldb : b + columns.lowerBound
    slab.c = c + columns.lowerBound
    slab.bias = bias.map { $0 + columns.lowerBound }
    return slab
  }
}
