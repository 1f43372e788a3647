import MNLKernels

public typealias OptimizerStep = MNLKernels.OptimizerStep

extension Tensor {
  /// One fused optimiser update of this parameter from `gradient`, with the optimiser's
  /// per-parameter state: `state1` is the moving average (SGD with averaging), the momentum
  /// buffer or Adam's first moment; `state2` only for Adam and RMSProp with momentum. All must
  /// have this tensor's shape; each is updated in place (no copy unless its storage is shared).
  public mutating func applyOptimizer(
    _ step: OptimizerStep, gradient: Tensor, state1: inout Tensor?, state2: inout Tensor?
  ) throws {
    let what = "an optimiser update"
    guard shape == gradient.shape else { throw TensorError.shapeMismatch(what, shape, gradient.shape, infix: "vs gradient") }
    for case let state? in [state1, state2] where state.shape != shape {
      throw TensorError.shapeMismatch(what, shape, state.shape, infix: "vs state")
    }
    guard count > 0 else { return }
    let g = gradient.convertedToFloat32()
    let n = count
    withUnsafeMutableBufferPointer { p in
      state1.withOptionalMutablePointer { s1 in
        state2.withOptionalMutablePointer { s2 in
          Optimizers.apply(
            step, parameter: p.baseAddress.unsafelyUnwrapped, gradient: g.storage.pointer,
            state1: s1, state2: s2, count: n)
        }
      }
    }
  }
}

extension Optional where Wrapped == Tensor {
  /// The tensor's writable floats (nil for nil), for kernels with optional operands.
  mutating func withOptionalMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    guard case .some = self else { return body(nil) }
    return self!.withUnsafeMutableBufferPointer { body($0.baseAddress) }
  }
}
