import MNLKernelsGeneric

public typealias OptimizerStep = MNLKernelsGeneric.OptimizerStep

/// Fused optimiser updates (see OptimizerStep): one pass over the parameter, its gradient and
/// its state, split between threads for large tensors.
public enum Optimizers {
  /// Updates p (and the state s1, s2) in place from gradient g; all hold `count` floats. A
  /// state the step's kind uses must be given.
  public static func apply(
    _ step: OptimizerStep, parameter p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
    state1 s1: UnsafeMutablePointer<Float>?, state2 s2: UnsafeMutablePointer<Float>?, count: Int,
    kernels: KernelTable = .active
  ) {
    guard count > 0 else { return }
    let box = UncheckedBox((p, g, s1, s2))
    Parallelism.forEachPart(count) { start, end in
      let (p, g, s1, s2) = box.value
      kernels.optimizerStep(step, p + start, g + start, s1.map { $0 + start }, s2.map { $0 + start }, end - start)
    }
  }
}
