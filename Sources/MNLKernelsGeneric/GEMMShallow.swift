import MNLInterrupt

/// Products with little depth and few columns (k < 16, n ≤ one vector, A not transposed) —
/// a batch of 3×3 patches times a small filter, `[64·26·26, 9] @ [9, 8]`. The blocked path
/// packs all of A and pads B to its 2-vector panels (4× padding at n = 8), and the narrow
/// path's dot products along k have less than one vector of work each; here B's k rows sit in
/// k vectors (zero past n) and each row of C is k broadcast-FMAs into one vector: measured
/// 2.6 ms → 0.53 ms for that product on a busy Zen 4 (NumPy: 0.50 ms in the same minutes).
/// Each element sums over p in order in one chain, then alpha, beta, bias and ReLU in
/// vector form.
public enum GEMMShallow<T: KernelTarget> {
  public typealias V = T.Vector

  /// Whether this path takes the product: A not transposed, 1 ≤ k < 16, 1 ≤ n ≤ V.lanes.
  @inlinable
  public static func applies(transA: Bool, n: Int, k: Int) -> Bool {
    !transA && k >= 1 && k < 16 && n >= 1 && n <= V.lanes
  }

  @inlinable
  public static func run<R: OperandRounding>(_ op: GEMMOperands, rounding _: R.Type) {
    // op(B)'s rows as vectors: at most 15 of them.
    var rowsOfB = (V(), V(), V(), V(), V(), V(), V(), V(), V(), V(), V(), V(), V(), V(), V())
    withUnsafeMutableBytes(of: &rowsOfB) { raw in
      let rows = raw.baseAddress!.assumingMemoryBound(to: Float.self)
      for p in 0..<op.k {
        for j in 0..<op.n {
          let b = op.transB ? op.b[j * op.ldb + p] : op.b[p * op.ldb + j]
          rows[p * V.lanes + j] = R.round(b)
        }
      }
    }
    // The bias as a vector (zero past n), so the epilogue is vector arithmetic.
    var bias = V()
    if let b = op.bias { for j in 0..<op.n { bias[j] = b[j] } }
    let alpha = V(repeating: op.alpha)
    let beta = V(repeating: op.beta)
    let zero = V()
    let whole = op.n == V.lanes
    withUnsafeBytes(of: &rowsOfB) { raw in
      let b = raw.baseAddress!.assumingMemoryBound(to: Float.self)
      for i in 0..<op.m {
        if i & 4095 == 0 && Interrupt.isRequested { return }
        let a = op.a + i * op.lda
        var sums = V()
        for p in 0..<op.k {
          sums = T.madd(sums, V(repeating: R.round(a[p])), V.load(b + p * V.lanes))
        }
        let c = op.c + i * op.ldc
        var v = alpha * sums
        if op.beta != 0 {
          var old = V()
          if whole { old = V.load(c) } else { for j in 0..<op.n { old[j] = c[j] } }
          v = T.madd(v, beta, old)
        }
        v += bias
        if op.relu { v = V.blend(v, zero, where: V.lanes(v, lessThan: zero)) }
        if whole {
          v.store(c)
        } else {
          // Only n of the lanes exist in C's row.
          withUnsafeBytes(of: &v) { lanes in
            UnsafeMutableRawPointer(c).copyMemory(
              from: lanes.baseAddress!, byteCount: op.n * MemoryLayout<Float>.size)
          }
        }
      }
    }
  }
}
