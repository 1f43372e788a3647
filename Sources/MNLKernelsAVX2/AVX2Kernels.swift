import MNLKernelsGeneric

/// The AVX2 + FMA kernels: every generic kernel specialised for 8-lane ymm vectors, compiled
/// with `-target-cpu haswell` (Package.swift). Only touched after cpuid and xgetbv said the CPU
/// and OS support AVX2 (MNLKernels' KernelDispatch).
public enum AVX2Kernels {
  public static let table = KernelTable(isa: .avx2, target: AVX2Target.self)
}
