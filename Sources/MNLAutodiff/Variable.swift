import MNLTensor

/// A tensor value seen by reverse-mode differentiation: either a constant (no tape, never
/// differentiated) or a value recorded on a `Tape`, whose gradient `gradients(of:withRespectTo:)`
/// can compute. Variables are immutable; every op returns a new one.
public final class Variable {
  /// The forward value.
  public let value: Tensor
  /// The tape this value is recorded on; nil for constants and for values of a finished tape.
  let tape: Tape?
  /// Index of this value's gradient slot on `tape` (-1 for constants).
  let slot: Int

  /// A constant: mixed into an op, it is used for its value and never gets a gradient.
  public init(constant value: Tensor) {
    self.value = value
    tape = nil
    slot = -1
  }

  init(value: Tensor, tape: Tape, slot: Int) {
    self.value = value
    self.tape = tape
    self.slot = slot
  }

  /// True when the value depends on a leaf of a tape that is still recording.
  public var requiresGradient: Bool { tape.map { $0.isRecording } ?? false }

  public var shape: [Int] { value.shape }
}

extension Variable: CustomStringConvertible {
  /// Prints like the value it holds: inside `grad(f)`, `print(x)` shows the numbers.
  public var description: String { value.description }
}
