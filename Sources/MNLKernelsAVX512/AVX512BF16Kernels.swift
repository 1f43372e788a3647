import CBF16Kernels
import MNLKernelsGeneric

/// The AVX512_BF16 GEMM: Swift packing and blocking specialised for zmm vectors (GEMMDriverBF16),
/// the `vdpbf16ps` micro-kernel from CBF16Kernels. Only called after MNLKernels' BF16Dispatch
/// saw AVX512_BF16 in cpuid and the OS saving zmm state.
public enum AVX512BF16Kernels {
  /// One slab of a bf16 product (not narrow, not sparse), like `KernelTable.gemm`.
  public static let gemm: @Sendable (GEMMOperands, GEMMWorkspace) -> Void = {
    GEMMDriverBF16<AVX512Target>.run($0, workspace: $1, tile: mnl_bf16_tile_12x32)
  }
}
