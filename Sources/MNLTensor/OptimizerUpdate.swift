import MNLKernels

public typealias OptimizerStep = MNLKernels.OptimizerStep

extension Tensor {
  /// One fused optimiser update of this parameter from `gradient`, with the optimiser's
  /// per-parameter state (`state2` only for Adam and RMSProp with momentum). All must have
  /// this tensor's shape; each is updated in place (no copy unless its storage is shared).
  public mutating func applyOptimizer(
    _ step: OptimizerStep, gradient: Tensor, state1: inout Tensor, state2: inout Tensor?
  ) throws {
    let what = "an optimiser update"
    guard shape == gradient.shape else { throw TensorError.shapeMismatch(what, shape, gradient.shape, infix: "vs gradient") }
    guard shape == state1.shape else { throw TensorError.shapeMismatch(what, shape, state1.shape, infix: "vs state") }
    if let s2 = state2, s2.shape != shape { throw TensorError.shapeMismatch(what, shape, s2.shape, infix: "vs state") }
    guard count > 0 else { return }
    let g = gradient.convertedToFloat32()
    let n = count
    withUnsafeMutableBufferPointer { p in
      state1.withUnsafeMutableBufferPointer { s1 in
        if state2 != nil {
          state2!.withUnsafeMutableBufferPointer { s2 in
            Optimizers.apply(
              step, parameter: p.baseAddress.unsafelyUnwrapped, gradient: g.storage.pointer,
              state1: s1.baseAddress.unsafelyUnwrapped, state2: s2.baseAddress, count: n)
          }
        } else {
          Optimizers.apply(
            step, parameter: p.baseAddress.unsafelyUnwrapped, gradient: g.storage.pointer,
            state1: s1.baseAddress.unsafelyUnwrapped, state2: nil, count: n)
        }
      }
    }
  }
}
