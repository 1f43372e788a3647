import MNLTensor

/// A tensor value seen by reverse-mode differentiation: either a constant (on no tape, never
/// differentiated) or a value recorded on one or more `Tape`s, whose gradient
/// `gradients(of:withRespectTo:)` can compute. Variables are immutable to users; every op
/// returns a new one.
///
/// A value is on several tapes when gradients are nested (`grad` of a function that calls
/// `grad`): each live tape that watches one of an op's inputs records the op, as TensorFlow's
/// nested gradient tapes do.
public final class Variable {
  /// The forward value. Only the backward pass's gradient sums write it (in place, when they
  /// own the variable and its storage).
  public internal(set) var value: Tensor
  /// The tapes this value is recorded on, with its slot on each. A tape's records hold the
  /// variables they use, so tape and variables keep each other alive until the tape is
  /// finished (by computing gradients, or by `finish()` when the computation is abandoned).
  var memberships: [TapeMembership]

  /// A constant: mixed into an op, it is used for its value and never gets a gradient.
  public init(constant value: Tensor) {
    self.value = value
    memberships = []
  }

  init(value: Tensor, memberships: [TapeMembership]) {
    self.value = value
    self.memberships = memberships
  }

  /// True when the value depends on a leaf of a tape that is still recording.
  public var requiresGradient: Bool {
    memberships.contains { $0.tape.isRecording }
  }

  /// This value's gradient slot on `tape`, if it is recorded there.
  func slot(on tape: Tape) -> Int? {
    for membership in memberships where membership.tape === tape { return membership.slot }
    return nil
  }

  public var shape: [Int] { value.shape }
}

/// Where a variable lives on one tape.
struct TapeMembership {
  let tape: Tape
  let slot: Int
}

extension Variable: CustomStringConvertible {
  /// Prints like the value it holds: inside `grad(f)`, `print(x)` shows the numbers.
  public var description: String { value.description }
}
