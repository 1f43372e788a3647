import MNLTensor

/// Wraps an op's forward value: a constant when no input is being recorded, else a new
/// record on the inputs' tape with `pullback`.
func recorded(_ value: Tensor, _ inputs: [Variable], _ pullback: @escaping Pullback) throws
  -> Variable
{
  try recorded(value, inputs, backward: .rule(pullback))
}

/// Like `recorded(_:_:_:)` with any kind of backward rule.
func recorded(_ value: Tensor, _ inputs: [Variable], backward: Backward) throws -> Variable {
  var tape: Tape?
  for input in inputs {
    guard let inputTape = input.tape, inputTape.isRecording else { continue }
    if let tape, tape !== inputTape {
      throw TensorError(
        "cannot combine values from two different gradient computations (nested grad is not supported)"
      )
    }
    tape = inputTape
  }
  guard let tape else { return Variable(constant: value) }
  return tape.record(value, inputs: inputs, backward: backward)
}

/// Sums a gradient over the axes along which its input was broadcast, so that it gets the
/// input's shape back. Every broadcasting rule goes through here.
@inline(__always)
func unbroadcast(_ gradient: Tensor, to shape: [Int]) throws -> Tensor {
  gradient.shape == shape ? gradient : try gradient.sumToShape(shape)
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
