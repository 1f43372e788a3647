import MNLTensor

extension Tape {
  /// Runs the records backwards from `output` (which must hold a single element) and returns
  /// the gradient of each of `inputs`, zeros for an input that `output` does not depend on.
  /// Finishes the tape.
  func gradients(of output: Variable, withRespectTo inputs: [Variable]) throws -> [Tensor] {
    guard isRecording else {
      throw TensorError("this gradient tape was already used; gradients can be computed once")
    }
    guard output.value.count == 1 else {
      throw TensorError(
        "can only differentiate a scalar, but the function returned shape "
          + "\(formatShape(output.shape)); reduce it first, e.g. with sum or mean")
    }
    defer { finish() }

    var wanted = [Bool](repeating: false, count: slotShapes.count)
    for input in inputs where input.tape === self { wanted[input.slot] = true }
    // Forward sweep: a slot matters if a wanted slot flows into it.
    var leadsToWanted = wanted
    for record in records where record.inputs.contains(where: { $0 >= 0 && leadsToWanted[$0] }) {
      leadsToWanted[record.output] = true
    }

    var sums = GradientSums(count: slotShapes.count)
    if output.tape === self, leadsToWanted[output.slot] {
      try sums.add(Tensor(shape: output.shape, repeating: 1), to: output.slot)
    }
    // Outputs are recorded after their inputs, so reverse record order visits every value
    // after all of its consumers have contributed to its gradient.
    for record in records.reversed() {
      // Intermediate gradients are released as soon as they have been used.
      guard let outputGradient = try sums.total(record.output, release: !wanted[record.output])
      else { continue }
      let needs = record.inputs.map { $0 >= 0 && leadsToWanted[$0] }
      guard needs.contains(true) else { continue }
      switch record.backward {
      case .rule(let pullback):
        var inputGradients = try pullback(outputGradient, needs)
        for (i, slot) in record.inputs.enumerated() where needs[i] && i < inputGradients.count {
          // Moved out of the array so that the sum can own it and add into it in place.
          guard let gradient = inputGradients[i].take() else { continue }
          try checkShape(gradient, slot)
          try sums.add(consume gradient, to: slot)
        }
      case .scaling(let tensor):
        guard let slot = record.inputs.first, let scale = outputGradient.scalarValue else {
          throw TensorError("internal autodiff error: a scaling rule needs a scalar gradient")
        }
        try checkShape(tensor, slot)
        try sums.add(tensor, scaledBy: scale, to: slot)
      }
    }
    sumCopies = sums.copiesMade
    return try inputs.map { input in
      if input.tape === self, let gradient = try sums.total(input.slot, release: false) {
        return gradient
      }
      return Tensor(shape: input.shape, repeating: 0)
    }
  }

  private func checkShape(_ gradient: Tensor, _ slot: Int) throws {
    guard gradient.shape == slotShapes[slot] else {
      throw TensorError(
        "internal autodiff error: gradient of shape \(formatShape(gradient.shape)) "
          + "for a value of shape \(formatShape(slotShapes[slot]))")
    }
  }
}

/// The running gradient of each tape slot during a backward pass. Contributions are added in
/// place when the sum owns its storage. A contribution s·x (an L2 penalty's g·w) waits
/// unevaluated until another one arrives and is then added into it in place, so a weight with
/// an L2 term gets its gradient in one pass over the weights instead of three.
struct GradientSums {
  private var dense: [Tensor?]
  private var pending: [(tensor: Tensor, scale: Float)?]
  /// How many additions had to copy a shared sum first (observed by tests: the MLP's
  /// gradients should need none).
  private(set) var copiesMade = 0

  init(count: Int) {
    dense = [Tensor?](repeating: nil, count: count)
    pending = [(tensor: Tensor, scale: Float)?](repeating: nil, count: count)
  }

  mutating func add(_ gradient: consuming Tensor, to slot: Int) throws {
    if dense[slot] == nil {
      dense[slot] = consume gradient
    } else {
      try addInPlace(gradient, scale: 1, to: slot)
    }
    if let (tensor, scale) = pending[slot] {
      pending[slot] = nil
      try addInPlace(tensor, scale: scale, to: slot)
    }
  }

  mutating func add(_ tensor: Tensor, scaledBy scale: Float, to slot: Int) throws {
    if dense[slot] != nil {
      try addInPlace(tensor, scale: scale, to: slot)
    } else if let (other, otherScale) = pending[slot] {
      pending[slot] = nil
      dense[slot] = other * otherScale
      try addInPlace(tensor, scale: scale, to: slot)
    } else {
      pending[slot] = (tensor, scale)
    }
  }

  /// The slot's gradient (nil if nothing reached it), optionally releasing it.
  mutating func total(_ slot: Int, release: Bool) throws -> Tensor? {
    if let (tensor, scale) = pending[slot] {
      dense[slot] = scale == 1 ? tensor : tensor * scale
      pending[slot] = nil
    }
    defer { if release { dense[slot] = nil } }
    return dense[slot]
  }

  private mutating func addInPlace(_ tensor: Tensor, scale: Float, to slot: Int) throws {
    guard var total = dense[slot] else { return }
    dense[slot] = nil  // drop the array's reference so the addition need not copy
    let before = total.storage.pointer
    try total.addScaled(tensor, scale: scale)
    if total.storage.pointer != before { copiesMade += 1 }
    dense[slot] = total
  }
}
