import MNLTensor

/// Wraps an op's forward value: a constant when no input is being recorded, else a new
/// record with `pullback` on every recording tape that one of the inputs is on.
func recorded(_ value: Tensor, _ inputs: [Variable], _ pullback: @escaping Pullback) -> Variable {
  recorded(value, inputs, backward: .rule(pullback))
}

/// Like `recorded(_:_:_:)` with any kind of backward rule.
func recorded(_ value: Tensor, _ inputs: [Variable], backward: Backward) -> Variable {
  var tapes: [Tape] = []
  for input in inputs {
    for membership in input.memberships {
      let tape = membership.tape
      guard tape.isRecording, !tapes.contains(where: { $0 === tape })
      else { continue }
      tapes.append(tape)
    }
  }
  guard !tapes.isEmpty else { return Variable(constant: value) }
  let result = Variable(value: value, memberships: [])
  for tape in tapes {
    let slots = inputs.map { $0.slot(on: tape) ?? -1 }
    let output = tape.newSlot(value.shape)
    tape.records.append(Record(output: output, inputs: slots, backward: backward, result: result))
    result.memberships.append(TapeMembership(tape: tape, slot: output))
  }
  return result
}

/// Sums a gradient over the axes along which its input was broadcast, so that it gets the
/// input's shape back. Every broadcasting rule goes through here.
func unbroadcast(_ gradient: Variable, to shape: [Int]) throws -> Variable {
  gradient.shape == shape ? gradient : try gradient.summed(toShape: shape)
}

/// `shape` with each of `axes` (already normalised) set to 1: the keepDims shape of a reduction.
func keptShape(_ shape: [Int], reducing axes: [Int]) -> [Int] {
  var kept = shape
  for axis in axes { kept[axis] = 1 }
  return kept
}

/// Resolves optional, possibly negative reduction axes against `rank`: nil means all axes.
func normalizedAxes(_ axes: [Int]?, rank: Int) throws -> [Int] {
  guard let axes else { return Array(0..<rank) }
  var result: [Int] = []
  for axis in axes {
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved >= 0, resolved < rank else {
      throw TensorError("axis \(axis) is out of range for a tensor of rank \(rank)")
    }
    if !result.contains(resolved) { result.append(resolved) }
  }
  return result.sorted()
}
