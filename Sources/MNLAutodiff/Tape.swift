import MNLTensor

/// Computes the gradients of one op's inputs from the gradient of its output.
/// `needs[i]` says whether input i's gradient is wanted; the rule returns nil for the others
/// (and may return nil for an input whose gradient is zero).
typealias Pullback = (_ outputGradient: Tensor, _ needs: [Bool]) throws -> [Tensor?]

/// How a record turns its output gradient into input gradients.
enum Backward {
  /// A general rule.
  case rule(Pullback)
  /// The single input's gradient is (output gradient, a scalar) × this tensor. Kept apart so
  /// that the sum of gradients can add it in place later (L2 penalties: g·w).
  case scaling(Tensor)
}

/// One recorded op: where its output and inputs live on the tape, and its backward rule.
struct Record {
  let output: Int
  /// Gradient slot of each input, -1 for constants.
  let inputs: [Int]
  let backward: Backward
}

/// Records the differentiable ops applied to values that depend on its leaves, so that
/// `gradients(of:withRespectTo:)` can run them backwards. Only ops with at least one
/// recorded input are recorded: work on constants leaves no trace.
///
/// A tape is used once: computing gradients releases its records (and the tensors their
/// pullbacks hold), after which its variables behave as constants.
public final class Tape {
  var records: [Record] = []
  /// Shape of the value in each gradient slot.
  var slotShapes: [[Int]] = []
  var isRecording = true
  /// Copies the last backward pass made to add into a shared gradient (see `GradientSums`).
  var sumCopies = 0

  public init() {}

  /// Number of ops recorded so far (a measure of how much the backward pass will do).
  public var recordCount: Int { records.count }

  /// Number of recorded values: leaves plus op outputs.
  public var valueCount: Int { slotShapes.count }

  /// A leaf whose gradient can be asked for.
  public func variable(_ value: Tensor) -> Variable {
    Variable(value: value, tape: self, slot: newSlot(value.shape))
  }

  private func newSlot(_ shape: [Int]) -> Int {
    slotShapes.append(shape)
    return slotShapes.count - 1
  }

  /// Records `value = op(inputs)` with its backward rule; inputs not on this tape are constants.
  func record(_ value: Tensor, inputs: [Variable], backward: Backward) -> Variable {
    let slots = inputs.map { $0.tape === self ? $0.slot : -1 }
    let output = newSlot(value.shape)
    records.append(Record(output: output, inputs: slots, backward: backward))
    return Variable(value: value, tape: self, slot: output)
  }

  /// Ends recording and drops the records with everything their rules hold.
  func finish() {
    isRecording = false
    records.removeAll()
    slotShapes.removeAll()
  }
}
