import Synchronization

/// How matrix products treat fp32 operands — JAX's `default_matmul_precision` and PyTorch's
/// `set_float32_matmul_precision`, named as there:
/// - `highest`: fp32 products, fp32 sums (the default; results never change under anyone's feet).
/// - `bf16`: each element of both operands is rounded to bfloat16 (nearest, ties to even) and
///   the products are summed in fp32. Weights, gradients, bias, C and everything else stay fp32.
///
/// One process-wide setting, read by every `GEMM.sgemm` call that does not pass its own — so
/// `matmul`, `linear`, their backward products and conv2d's im2col products all follow it.
public enum MatmulPrecision: String, CaseIterable, Sendable {
  case highest
  case bf16

  private static let stored = Atomic<UInt8>(0)

  /// The process's current precision (`highest` until set).
  public static var current: MatmulPrecision {
    get { stored.load(ordering: .relaxed) == 0 ? .highest : .bf16 }
    set { stored.store(newValue == .highest ? 0 : 1, ordering: .relaxed) }
  }
}
