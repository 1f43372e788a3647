/// The plain triple-loop matrix product: the definition the optimised kernel is tested against.
public enum GEMMReference {
  /// C = alpha·op(A)·op(B) + beta·C (+ bias per column, then ReLU), row-major.
  /// op(A) is m×k (A is k×m when transA), op(B) is k×n (B is n×k when transB).
  public static func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
    bias: UnsafePointer<Float>? = nil, relu: Bool = false
  ) {
    for i in 0..<m {
      for j in 0..<n {
        var acc: Double = 0
        for p in 0..<k {
          let x = transA ? a[p * lda + i] : a[i * lda + p]
          let y = transB ? b[j * ldb + p] : b[p * ldb + j]
          acc += Double(x) * Double(y)
        }
        var v = alpha * Float(acc)
        if beta != 0 { v += beta * c[i * ldc + j] }
        if let bias { v += bias[j] }
        if relu { v = max(v, 0) }
        c[i * ldc + j] = v
      }
    }
  }
}
