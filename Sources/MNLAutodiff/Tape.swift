import MNLTensor

/// Computes the gradients of one op's inputs from the gradient `g` of its output `out`.
/// `needs[i]` says whether input i's gradient is wanted; the rule returns nil for the others
/// (and may return nil for an input whose gradient is zero).
///
/// Rules are written with `Variable` ops, so the backward pass is itself differentiable: when
/// an outer tape is still recording (grad of grad), the ops a rule performs are recorded there.
/// Quantities that are piecewise constant (masks, signs, counts of ties) may be plain tensors.
typealias Pullback = (_ g: Variable, _ out: Variable, _ needs: [Bool]) throws -> [Variable?]

/// How a record turns its output gradient into input gradients.
enum Backward {
  /// A general rule.
  case rule(Pullback)
  /// The single input's gradient is (output gradient, a scalar) × this variable. Kept apart so
  /// that the sum of gradients can add it in place later (L2 penalties: g·w).
  case scaling(Variable)
}

/// One recorded op: where its output and inputs live on the tape, its backward rule and its
/// output (which some rules need: the gradient of exp is g·exp(x)).
struct Record {
  let output: Int
  /// Gradient slot of each input, -1 for inputs not on this tape (constants).
  let inputs: [Int]
  let backward: Backward
  let result: Variable
}

/// Records the differentiable ops applied to values that depend on its leaves, so that
/// `gradients(of:withRespectTo:)` can run them backwards. Only ops with at least one
/// recorded input are recorded: work on constants leaves no trace.
///
/// A tape is used once: computing gradients stops its recording and releases its records (and
/// the tensors their rules hold), after which its variables behave as constants.
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
    Variable(value: value, memberships: [TapeMembership(tape: self, slot: newSlot(value.shape))])
  }

  /// A leaf of this tape that is also `watched` on the tapes recording it (an inner `grad`'s
  /// parameter that an outer `grad` traces): the gradients computed here stay differentiable
  /// with respect to the outer parameters.
  public func variable(watching watched: Variable) -> Variable {
    let live = watched.memberships.filter { $0.tape.isRecording }
    return Variable(
      value: watched.value,
      memberships: live + [TapeMembership(tape: self, slot: newSlot(watched.shape))])
  }

  /// Whether `output` is recorded here and depends on at least one of `inputs`.
  public func isDifferentiable(_ output: Variable, withRespectTo inputs: [Variable]) -> Bool {
    guard let outputSlot = output.slot(on: self) else { return false }
    var leads = [Bool](repeating: false, count: slotShapes.count)
    for input in inputs { if let slot = input.slot(on: self) { leads[slot] = true } }
    if leads[outputSlot] { return true }
    for record in records where record.inputs.contains(where: { $0 >= 0 && leads[$0] }) {
      leads[record.output] = true
    }
    return leads[outputSlot]
  }

  func newSlot(_ shape: [Int]) -> Int {
    slotShapes.append(shape)
    return slotShapes.count - 1
  }

  /// Ends recording and drops the records with everything their rules hold.
  public func finish() {
    isRecording = false
    records.removeAll()
    slotShapes.removeAll()
  }
}
