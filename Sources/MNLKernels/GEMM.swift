/// Single-precision matrix product, row-major (BLAS sgemm semantics plus a fused epilogue).
/// Placeholder body: forwards to the reference until the packed kernel lands.
public enum GEMM {
  /// C = alpha·op(A)·op(B) + beta·C, then `+ bias` (length n, added to every row) and ReLU
  /// if requested. `threads: 0` picks automatically (one thread for small products).
  public static func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
    bias: UnsafePointer<Float>? = nil, relu: Bool = false, threads: Int = 0
  ) {
    GEMMReference.sgemm(
      transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
      ldb: ldb, beta: beta, c: c, ldc: ldc, bias: bias, relu: relu)
  }
}
