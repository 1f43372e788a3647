import MNLTensor

/// Computes the gradients of one op's inputs from the gradient of its output.
/// `needs[i]` says whether input i's gradient is wanted; the rule returns nil for the others
/// (and may return nil for an input whose gradient is zero).
typealias Pullback = (_ outputGradient: Tensor, _ needs: [Bool]) throws -> [Tensor?]

/// Records the differentiable ops applied to values that depend on its leaves, so that
/// `gradients(of:withRespectTo:)` can run them backwards. Only ops with at least one
/// recorded input are recorded: work on constants leaves no trace.
///
/// A tape is used once: computing gradients releases its records (and the tensors their
/// pullbacks hold), after which its variables behave as constants.
public final class Tape {
  private struct Record {
    let output: Int
    /// Gradient slot of each input, -1 for constants.
    let inputs: [Int]
    let pullback: Pullback
  }

  private var records: [Record] = []
  /// Shape of the value in each gradient slot.
  private var slotShapes: [[Int]] = []
  private(set) var isRecording = true

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

  /// Records `value = op(inputs)` with its pullback; inputs not on this tape are constants.
  func record(_ value: Tensor, inputs: [Variable], pullback: @escaping Pullback) -> Variable {
    let slots = inputs.map { $0.tape === self ? $0.slot : -1 }
    let output = newSlot(value.shape)
    records.append(Record(output: output, inputs: slots, pullback: pullback))
    return Variable(value: value, tape: self, slot: output)
  }

  /// Runs the records backwards from `output` (which must hold a single element) and returns
  /// the gradient of each of `inputs`, zeros for an input that `output` does not depend on.
  func gradients(of output: Variable, withRespectTo inputs: [Variable]) throws -> [Tensor] {
    guard isRecording else {
      throw TensorError("this gradient tape was already used; gradients can be computed once")
    }
    guard output.value.count == 1 else {
      throw TensorError(
        "can only differentiate a scalar, but the function returned shape "
          + "\(formatShape(output.shape)); reduce it first, e.g. with sum or mean")
    }
    isRecording = false
    defer {
      records.removeAll()
      slotShapes.removeAll()
    }

    var wanted = [Bool](repeating: false, count: slotShapes.count)
    for input in inputs where input.tape === self { wanted[input.slot] = true }
    // Forward sweep: a slot matters if a wanted slot flows into it.
    var leadsToWanted = wanted
    for record in records where record.inputs.contains(where: { $0 >= 0 && leadsToWanted[$0] }) {
      leadsToWanted[record.output] = true
    }

    var grads = [Tensor?](repeating: nil, count: slotShapes.count)
    if output.tape === self, leadsToWanted[output.slot] {
      grads[output.slot] = Tensor(shape: output.shape, repeating: 1)
    }
    // Outputs are recorded after their inputs, so reverse record order visits every value
    // after all of its consumers have contributed to its gradient.
    for record in records.reversed() {
      guard let outputGradient = grads[record.output] else { continue }
      if !wanted[record.output] { grads[record.output] = nil }
      let needs = record.inputs.map { $0 >= 0 && leadsToWanted[$0] }
      guard needs.contains(true) else { continue }
      let inputGradients = try record.pullback(outputGradient, needs)
      for (i, slot) in record.inputs.enumerated() where needs[i] && i < inputGradients.count {
        guard let gradient = inputGradients[i] else { continue }
        guard gradient.shape == slotShapes[slot] else {
          throw TensorError(
            "internal autodiff error: gradient of shape \(formatShape(gradient.shape)) "
              + "for a value of shape \(formatShape(slotShapes[slot]))")
        }
        try accumulate(gradient, into: &grads[slot])
      }
    }
    return inputs.map { input in
      if input.tape === self, let gradient = grads[input.slot] { return gradient }
      return Tensor(shape: input.shape, repeating: 0)
    }
  }

  /// Adds in place when the running sum owns its storage (the usual case for a value used
  /// twice, like a weight in both its layer and the L2 penalty).
  private func accumulate(_ gradient: Tensor, into sum: inout Tensor?) throws {
    guard var total = sum else {
      sum = gradient
      return
    }
    sum = nil  // drop the array's reference so the add below need not copy
    try total.addScaled(gradient, scale: 1)
    sum = total
  }
}
