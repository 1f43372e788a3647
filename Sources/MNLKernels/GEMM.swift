import Dispatch
import MNLKernelsGeneric

/// Single-precision matrix product, row-major (BLAS sgemm semantics plus a fused epilogue).
///
/// The work is done by the kernel table of the chosen instruction set (KernelDispatch): the
/// same generic code (MNLKernelsGeneric) specialised for 4-, 8- or 16-lane vectors.
///
/// Blocking scheme (Goto/BLIS), sized for Zen 3 (32 KB L1d, 512 KB L2 per core, shared L3):
/// - The micro-kernel keeps a 6 × (2 vectors) tile of C in 12 registers (6×16 in AVX2 ymm,
///   6×32 in AVX-512 zmm, 6×8 in SSE xmm) and, per step of k, loads 2 vectors of B and
///   broadcasts 6 values of A: 12 FMAs for 2 vector loads + 6 broadcasts.
/// - Loop nest: NC columns of B → KC of depth (pack B) → MC rows (pack A) → 16-column panels →
///   6-row tiles. A is packed MC×KC (MC = 48) into 6-row panels, B KC×NC (NC = 2048) into
///   16-column panels; both streams are sequential, so the hardware prefetchers and L2 feed
///   them. KC goes up to 800 so that MNIST's k = 784 is one depth block and every C tile is
///   loaded and stored exactly once: measured against the textbook L1-sized KC = 256/MC = 144,
///   this took 100×784·784×500 from ~94 to ~98 GFLOP/s and 5000×784·784×500 from ~95 to ~106
///   (C traffic mattered more than keeping the 16×KC B panel in L1). Block sizes are balanced
///   (k = 1000 → 2 × 500) so no thin leftover block pays for a whole pass over C.
/// - Packing reads through strides, so Aᵀ·B and A·Bᵀ cost no transpose copy; alpha is folded
///   into packed A. Zero-padded panels let every tile run a full kernel; edge tiles run into a
///   6×16 scratch tile (with a 4- or 8-lane kernel for a thin last panel) and copy back only
///   what exists. The C tile is prefetched before its k loop.
/// - beta is applied on the first depth block, bias and ReLU on the last, while the tile is
///   still in registers — no extra pass over C.
/// - Narrow products (n < 2 vectors, A not transposed, e.g. the 500→10 layer) take a
///   dot-product path instead (GEMMNarrow): the wide panels would be mostly padding there.
/// - Large products are split into one slab of C per thread (along the longer side, so the
///   operand each thread re-packs is the smaller one), run by `WorkerPool` (concurrentPerform
///   (concurrentPerform with MNL_WORKER_POOL=off).
public enum GEMM {
  /// C = alpha·op(A)·op(B) + beta·C, then `+ bias` (length n, added to every row) and ReLU
  /// if requested. `threads: 0` picks automatically (one thread for small products, else up
  /// to `Parallelism.threads`). `kernels` selects the instruction set (tests, benchmarks).
  ///
  /// op(A) is m×k (A is stored k×m when `transA`), op(B) is k×n (B is stored n×k when
  /// `transB`). Invalid sizes (negative, or a leading dimension shorter than its row) return
  /// without touching memory. With beta = 0, C is not read. If `Interrupt.isRequested`
  /// becomes true the call returns early and C holds a partial result.
  ///
  /// `precision: .bf16` rounds every element of A and B to bfloat16 and sums in fp32
  /// (MatmulPrecision); `bf16Path` picks its kernel (default: the best for `kernels`).
  public static func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
    bias: UnsafePointer<Float>? = nil, relu: Bool = false, threads: Int = 0,
    kernels: KernelTable = .active, precision: MatmulPrecision = .current,
    bf16Path: BF16Path? = nil
  ) {
    guard m >= 0, n >= 0, k >= 0,
      lda >= (transA ? m : k), ldb >= (transB ? k : n), ldc >= n
    else { return }
    guard m > 0, n > 0 else { return }
    let op = GEMMOperands(
      transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
      a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, bias: bias, relu: relu,
      narrow: kernels.gemmIsNarrow(transA, n, k),
      sparse: GEMMSparsity.worthSkippingZeros(
        transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
        kernels: kernels),
      roundsToBF16: precision == .bf16)
    if k == 0 || alpha == 0 {
      GEMMEpilogue.apply(op)
      return
    }
    // A dedicated bf16 kernel takes the blocked products; narrow and sparse ones round in the
    // table's own kernels (the portable path).
    var gemm = kernels.gemm
    var columnGranule = kernels.gemmColumns
    if precision == .bf16, !op.narrow, !op.sparse,
      let dedicated = BF16Dispatch.gemm(for: bf16Path ?? BF16Dispatch.best(for: kernels.isa))
    {
      gemm = dedicated
      columnGranule = GEMMPackingBF16<BaselineTarget>.nr
    }
    let (workers, slabs) = GEMMThreading.plan(op, threads: threads, columnGranule: columnGranule)
    if workers == 1 {
      let workspace = GEMMWorkspacePool.take()
      for slab in slabs { gemm(slab, workspace) }
      GEMMWorkspacePool.giveBack(workspace)
      return
    }
    WorkerPool.shared.run(parts: slabs.count) { index in
      let workspace = GEMMWorkspacePool.take()
      gemm(slabs[index], workspace)
      GEMMWorkspacePool.giveBack(workspace)
    }
  }
}

/// The k = 0 or alpha = 0 case: no product, only C = beta·C, bias and ReLU.
enum GEMMEpilogue {
  static func apply(_ op: GEMMOperands) {
    for i in 0..<op.m {
      let row = op.c + i * op.ldc
      for j in 0..<op.n {
        var v: Float = op.beta == 0 ? 0 : op.beta * row[j]
        if let bias = op.bias { v += bias[j] }
        if op.relu && v < 0 { v = 0 }
        row[j] = v
      }
    }
  }
}

/// When a product skips the zeros of its left operand (GEMMSparse): MNIST's first layer, whose
/// input is ~81% zeros, in the forward x·W1 and the weight gradient xᵀ·dH; the CNN's
/// fully connected layer, whose input (after ReLU and max-pool) and output gradient (after
/// ReLU and dropout) are mostly zeros, in x·W1, xᵀ·dH and the input gradient dH·W1ᵀ.
enum GEMMSparsity {
  /// Above this fraction of nonzeros the dense kernel is faster (the sparse one does one load
  /// of B per FMA; the dense one reuses each load 6 times from registers).
  static let maximumDensity: Float = 0.3
  /// Smaller products are not worth sampling A for.
  static let minimumWork = 1 << 20

  static func worthSkippingZeros(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, kernels: KernelTable
  ) -> Bool {
    // C's rows wide enough for the 8-vector panels, and column indices must fit the path's
    // Int32 lists. A transposed B is copied transposed first (as the dense path packs it).
    guard n >= 8 * kernels.lanes, k >= 16, k <= Int(Int32.max),
      Double(m) * Double(n) * Double(k) >= Double(minimumWork)
    else { return false }
    // Skipping 0·B[p, j] is exact only for finite B: 0·∞ and 0·NaN are NaN, as NumPy and
    // the dense kernel give. A transposed B is checked while it is copied (GEMMSparse.run).
    return kernels.gemmLooksSparse(a, transA ? k : m, transA ? m : k, lda, maximumDensity)
      && (transB || allFinite(b, rows: k, columns: n, ldb: ldb, kernels: kernels))
  }

  /// No infinity or NaN in B (rows × columns, row stride ldb): the rows split between threads
  /// for a large B (the CNN's 3136×1024 weight), since the check runs before every product.
  static func allFinite(
    _ b: UnsafePointer<Float>, rows: Int, columns: Int, ldb: Int, kernels: KernelTable
  ) -> Bool {
    let parts = min(Parallelism.threads, rows, rows * columns / Parallelism.elementsPerThread)
    guard parts > 1 else { return kernels.gemmAllFinite(b, rows, columns, ldb) }
    let finite = UnsafeMutableBufferPointer<Bool>.allocate(capacity: parts)
    defer { finite.deallocate() }
    finite.initialize(repeating: true)
    let box = UncheckedBox((b, finite))
    let chunk = (rows + parts - 1) / parts
    WorkerPool.shared.run(parts: parts) { part in
      let (b, finite) = box.value
      let first = min(rows, part * chunk)
      let count = min(rows, first + chunk) - first
      if count > 0 { finite[part] = kernels.gemmAllFinite(b + first * ldb, count, columns, ldb) }
    }
    return !finite.contains(false)
  }
}
