import MNLKernelsGeneric

/// The AVX-512 kernels: every generic kernel specialised for 16-lane zmm vectors, compiled
/// with `-target-cpu skylake-avx512` (Package.swift). Only touched after cpuid and xgetbv
/// said the CPU and OS support AVX-512 (MNLKernels' KernelDispatch).
public enum AVX512Kernels {
  public static let table = KernelTable(isa: .avx512, target: AVX512Target.self)
}
