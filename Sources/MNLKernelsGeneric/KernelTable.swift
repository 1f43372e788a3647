/// The instruction sets mnl has kernels for, lowest first.
public enum KernelISA: String, CaseIterable, Comparable, Sendable {
  /// x86-64 with SSE2 only (any x86-64 CPU), or the portable NEON path off x86.
  case baseline
  /// AVX2 + FMA (Haswell and later, every Zen).
  case avx2
  /// AVX-512 F/BW/DQ/VL (Skylake-X, Sapphire Rapids, Zen 4).
  case avx512

  public static func < (a: KernelISA, b: KernelISA) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// Every width-dependent kernel of one instruction set, as plain function values. A per-ISA
/// target builds one with `init(isa:target:)`; because that initialiser is `@inlinable` and
/// generic, the closures — and the generic kernels they call — are specialised and compiled
/// in that target, with its `-target-cpu`. The dispatcher (built for the baseline) holds one
/// table and never executes an instruction the chosen ISA does not have.
///
/// Each entry is single-threaded; splitting work between threads is the dispatcher's job.
/// Why a table of closures rather than `#if` copies of the sources or a protocol existential:
/// one generic source per kernel, one small file per ISA, and one indirect call per kernel
/// call (negligible next to the loop it starts). A class: a struct of ~25 closures was copied
/// (a retain and release per closure) at every kernel call that took the default table.
public final class KernelTable: Sendable {
  public typealias Src = UnsafePointer<Float>
  public typealias Dst = UnsafeMutablePointer<Float>

  public let isa: KernelISA
  /// Floats per vector register.
  public let lanes: Int
  /// Whether multiply-adds are fused (one rounding); the x86-64 baseline rounds twice.
  public let fusesMultiplyAdd: Bool
  /// Micro-tile columns of the blocked GEMM (row granule of threads splitting columns).
  public let gemmColumns: Int
  /// Whether a product takes the narrow (dot-product) GEMM path: (transA, n, k).
  public let gemmIsNarrow: @Sendable (Bool, Int, Int) -> Bool
  /// Whether op(A) looks sparse enough for the zero-skipping GEMM:
  /// (a, stored rows, stored columns, lda, maximum density).
  public let gemmLooksSparse: @Sendable (Src, Int, Int, Int, Float) -> Bool
  /// (b, rows, columns, ldb): no infinity or NaN in the matrix (GEMMSparse.allFinite).
  public let gemmAllFinite: @Sendable (Src, Int, Int, Int) -> Bool
  /// One slab of a product (m, n, k ≥ 1, alpha ≠ 0) with the given packing buffers.
  public let gemm: @Sendable (GEMMOperands, GEMMWorkspace) -> Void
  public let unary: @Sendable (ElementwiseUnaryKind, Src, Dst, Int) -> Void
  /// (kind, a, aStep, b, bStep, out, count)
  public let binary: @Sendable (ElementwiseBinaryKind, Src, Int, Src, Int, Dst, Int) -> Void
  /// (x, scale, y, count): y += scale·x
  public let addScaled: @Sendable (Src, Float, Dst, Int) -> Void
  public let scale: @Sendable (Dst, Float, Int) -> Void
  /// (y, x, decay, count)
  public let movingAverage: @Sendable (Dst, Src, Float, Int) -> Void
  /// (step, param, grad, state1, state2, count): one fused optimiser update (OptimizerKernels)
  public let optimizerStep: @Sendable (OptimizerStep, Dst, Src, Dst?, Dst?, Int) -> Void
  /// (cond, a, b, out, count)
  public let select: @Sendable (Src, Src, Src, Dst, Int) -> Void
  /// (grad, input, out, count)
  public let reluGradient: @Sendable (Src, Src, Dst, Int) -> Void
  /// (x, out, count, lower, upper)
  public let truncateClamped: @Sendable (Src, Dst, Int, Float, Float) -> Void
  /// (bytes, scale, out, count)
  public let bytesToFloat: @Sendable (UnsafePointer<UInt8>, Float, Dst, Int) -> Void
  /// (x, count, squared) → Σ x or Σ x²
  public let sum: @Sendable (Src, Int, Bool) -> Double
  public let extremum: @Sendable (ReductionKind, Src, Int) -> Float
  /// (kind, x, rows, length, out)
  public let reduceRows: @Sendable (ReductionKind, Src, Int, Int, Dst) -> Void
  /// (kind, x, rows, columns, out)
  public let reduceColumns: @Sendable (ReductionKind, Src, Int, Int, Dst) -> Void
  /// (x, rows, length, out, log)
  public let softmaxRows: @Sendable (Src, Int, Int, Dst, Bool) -> Void
  /// (logits, labels, rows, classes, loss, gradient)
  public let sparseCrossEntropy:
    @Sendable (Src, UnsafePointer<Int>, Int, Int, Dst, Dst?) -> Void
  /// One image of a direct convolution (DirectConvolution).
  public let convolveImage: @Sendable (DirectConvolutionImage) -> Void
  /// (w [patch, outChannels], patch, outChannels, dst): the filter in DirectConvolution's
  /// panels of `gemmColumns` columns.
  public let packConvolutionFilter: @Sendable (Src, Int, Int, Dst) -> Void
  /// One image's share of a filter gradient, added into (DirectConvolution.filterGradient).
  public let convolutionFilterGradient: @Sendable (DirectFilterGradientImage) -> Void
  /// (image, filter as [KH, outChannels, KW·C], padded input gradient added into): the input
  /// gradient over dy's nonzeros (SparseConvolutionGradient).
  public let sparseConvolutionInputGradient:
    @Sendable (SparseConvolutionGradientImage, Src, Dst) -> Void
  /// (image, padded input image, transposed filter gradient [outChannels, patch] added into).
  public let sparseConvolutionFilterGradient:
    @Sendable (SparseConvolutionGradientImage, Src, Dst) -> Void
  /// One image of a max-pool with its argmax (PoolingKernels).
  public let maxPoolImage: @Sendable (MaxPoolImage) -> Void

  @inlinable @inline(__always)
  public init<T: KernelTarget>(isa: KernelISA, target: T.Type) {
    typealias E = ElementwiseKernels<T>
    typealias R = ReductionKernels<T>
    typealias S = SoftmaxKernels<T>
    self.isa = isa
    lanes = T.Vector.lanes
    fusesMultiplyAdd = T.fusesMultiplyAdd
    gemmColumns = GEMMBlocking.nr(T.self)
    gemmIsNarrow = { GEMMNarrow<T>.applies(transA: $0, n: $1, k: $2) }
    gemm = { GEMMDriver<T>.run($0, workspace: $1) }
    gemmAllFinite = { GEMMSparse<T>.allFinite($0, rows: $1, columns: $2, ldb: $3) }
    gemmLooksSparse = {
      GEMMSparse<T>.looksSparse($0, storedRows: $1, storedColumns: $2, lda: $3, maximumDensity: $4)
    }
    unary = { E.unary($0, $1, $2, $3) }
    binary = { E.binary($0, $1, $2, $3, $4, $5, $6) }
    addScaled = { E.addScaled($0, scale: $1, into: $2, count: $3) }
    scale = { E.scale($0, by: $1, count: $2) }
    movingAverage = { E.movingAverage($0, toward: $1, decay: $2, count: $3) }
    select = { E.select($0, $1, $2, $3, count: $4) }
    optimizerStep = { OptimizerKernels<T>.apply($0, $1, $2, $3, $4, count: $5) }
    reluGradient = { E.reluGradient($0, input: $1, $2, count: $3) }
    truncateClamped = { E.truncateClamped($0, $1, count: $2, lower: $3, upper: $4) }
    bytesToFloat = { E.bytesToFloat($0, scale: $1, into: $2, count: $3) }
    sum = { R.sum($0, count: $1, squared: $2) }
    extremum = { R.extremum($0, $1, count: $2) }
    reduceRows = { R.rows($0, $1, rows: $2, length: $3, $4) }
    reduceColumns = { R.columns($0, $1, rows: $2, columns: $3, $4) }
    softmaxRows = { S.rows($0, rows: $1, length: $2, $3, log: $4) }
    sparseCrossEntropy = {
      S.sparseCrossEntropy($0, labels: $1, rows: $2, classes: $3, loss: $4, gradient: $5)
    }
    convolveImage = { DirectConvolution<T>.image($0) }
    packConvolutionFilter = { DirectConvolution<T>.packFilter($0, patch: $1, outChannels: $2, into: $3) }
    convolutionFilterGradient = { DirectConvolution<T>.filterGradient($0) }
    sparseConvolutionInputGradient = {
      SparseConvolutionGradient<T>.inputGradient($0, filter: $1, into: $2)
    }
    sparseConvolutionFilterGradient = {
      SparseConvolutionGradient<T>.filterGradient($0, image: $1, into: $2)
    }
    maxPoolImage = { PoolingKernels<T>.maxImage($0) }
  }
}
