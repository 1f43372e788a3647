import MNLKernelsGeneric

/// The kernels every CPU can run: 4-lane vectors (SSE2 on x86-64, NEON on aarch64), compiled
/// for the platform's baseline.
public enum BaselineKernels {
  public static let table = KernelTable(isa: .baseline, target: BaselineTarget.self)
}
