import MNLKernels

/// Every kernel path (instruction set) the CPU running the tests supports: the tests of each
/// kernel run once per path, so an AVX-512 machine tests all three.
enum KernelPaths {
  static let all: [KernelTable] = KernelDispatch.supported.compactMap { KernelDispatch.table(for: $0) }
}

/// a + b·c rounded as the path does it: once with FMA, twice on the x86-64 baseline.
func madd(_ kernels: KernelTable, _ a: Float, _ b: Float, _ c: Float) -> Float {
  kernels.fusesMultiplyAdd ? a.addingProduct(b, c) : a + b * c
}
