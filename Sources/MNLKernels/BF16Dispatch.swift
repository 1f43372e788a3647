import MNLKernelsGeneric

#if arch(x86_64)
  import MNLKernelsAVX512
#endif

/// The ways a bf16-precision product can run, lowest first.
public enum BF16Path: String, CaseIterable, Comparable, Sendable {
  /// Operands rounded to bfloat16 while packing, multiplied by the fp32 kernels of the active
  /// instruction set: the same numbers (up to summation order) on every CPU.
  case portable
  /// `vdpbf16ps` (AVX512_BF16: Zen 4, Cooper Lake, Sapphire Rapids): 32 bf16 products summed
  /// into 16 fp32 lanes per instruction.
  case avx512bf16 = "avx512_bf16"

  public static func < (a: BF16Path, b: BF16Path) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// Chooses the bf16 GEMM path once per process, like KernelDispatch: AVX512_BF16 only when
/// cpuid reports it, the OS saves zmm state and the AVX-512 kernels are the active ones (so
/// MNL_ISA=avx2 or baseline means the portable path). Narrow and sparse products (the 500→10
/// layer, MNIST's ~81%-zero first layer) always take the portable rounding inside their own
/// kernels: they are not blocked GEMMs.
public enum BF16Dispatch {
  /// Paths this CPU and OS can run, lowest first.
  public static var supported: [BF16Path] {
    CPUFeatures.hasAVX512BF16 ? [.portable, .avx512bf16] : [.portable]
  }

  /// The path bf16 products of the active kernels take.
  public static var active: BF16Path { best(for: KernelDispatch.active.isa) }

  /// The best path that goes with kernels of `isa`.
  public static func best(for isa: KernelISA) -> BF16Path {
    isa == .avx512 && supported.contains(.avx512bf16) ? .avx512bf16 : .portable
  }

  /// The slab function of a dedicated path, or nil for the portable one (the kernel table's
  /// own gemm, with `roundsToBF16` set) or a path this CPU lacks.
  static func gemm(for path: BF16Path) -> (@Sendable (GEMMOperands, GEMMWorkspace) -> Void)? {
    guard path != .portable, supported.contains(path) else { return nil }
    #if arch(x86_64)
      return AVX512BF16Kernels.gemm
    #else
      return nil
    #endif
  }

  /// "bf16 products: avx512_bf16" plus what the CPU has that mnl does not use — for
  /// `mnl --version` and benchmark headers.
  public static var summary: String {
    var text = "bf16 matmul path \(active.rawValue)"
    if CPUFeatures.hasAMXBF16 {
      text += " (the CPU has AMX-BF16; mnl has no AMX path yet)"
    }
    return text
  }
}
