import MNLTensor

extension Tape {
  /// Runs the records backwards from `output` (which must hold a single element) and returns
  /// the gradient of each of `inputs`, zeros for an input that `output` does not depend on.
  /// Finishes the tape. The gradients are variables: while an outer tape is recording, they
  /// are recorded there (grad of grad); otherwise they are constants.
  func gradientVariables(of output: Variable, withRespectTo inputs: [Variable]) throws -> [Variable] {
    guard isRecording else {
      throw TensorError("this gradient tape was already used; gradients can be computed once")
    }
    guard output.value.count == 1 else {
      throw TensorError(
        "can only differentiate a scalar, but the function returned shape "
          + "\(formatShape(output.shape)); reduce it first, e.g. with sum or mean")
    }
    // The backward ops must not be recorded here, only on the tapes outside this one.
    isRecording = false
    defer { finish() }

    var wanted = [Bool](repeating: false, count: slotShapes.count)
    for input in inputs { if let slot = input.slot(on: self) { wanted[slot] = true } }
    // Forward sweep: a slot matters if a wanted slot flows into it.
    var leadsToWanted = wanted
    for record in records where record.inputs.contains(where: { $0 >= 0 && leadsToWanted[$0] }) {
      leadsToWanted[record.output] = true
    }

    var sums = GradientSums(count: slotShapes.count)
    if let outputSlot = output.slot(on: self), leadsToWanted[outputSlot] {
      try sums.add(Variable(constant: Tensor(shape: output.shape, repeating: 1)), to: outputSlot)
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
        var inputGradients = try pullback(outputGradient, record.result, needs)
        for (i, slot) in record.inputs.enumerated() where needs[i] && i < inputGradients.count {
          // Moved out of the array so that the sum can own it and add into it in place.
          guard let gradient = inputGradients[i].take() else { continue }
          try checkShape(gradient.value, slot)
          try sums.add(consume gradient, to: slot)
        }
      case .scaling(let variable):
        guard let slot = record.inputs.first else { continue }
        try checkShape(variable.value, slot)
        try sums.add(variable, scaledBy: outputGradient, to: slot)
      }
    }
    sumCopies = sums.copiesMade
    return try inputs.map { input in
      if let slot = input.slot(on: self), let gradient = try sums.total(slot, release: false) {
        return gradient
      }
      return Variable(constant: Tensor(shape: input.shape, repeating: 0))
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

/// The running gradient of each tape slot during a backward pass. Constant contributions are
/// added in place when the sum owns its storage; contributions recorded on an outer tape are
/// added with recorded ops. A contribution s·x (an L2 penalty's g·w) waits unevaluated until
/// another one arrives and is then added into it in place, so a weight with an L2 term gets its
/// gradient in one pass over the weights instead of three.
struct GradientSums {
  private var dense: [Variable?]
  private var pending: [(variable: Variable, scale: Float)?]
  /// How many additions had to copy a shared sum first (observed by tests: the MLP's
  /// gradients should need none).
  private(set) var copiesMade = 0

  init(count: Int) {
    dense = [Variable?](repeating: nil, count: count)
    pending = [(variable: Variable, scale: Float)?](repeating: nil, count: count)
  }

  mutating func add(_ gradient: consuming Variable, to slot: Int) throws {
    if dense[slot] == nil {
      dense[slot] = consume gradient
    } else {
      try accumulate(gradient, scale: 1, into: slot)
    }
    if let (variable, scale) = pending[slot] {
      pending[slot] = nil
      try accumulate(variable, scale: scale, into: slot)
    }
  }

  /// Adds `variable · scale` where `scale` is a one-element gradient.
  mutating func add(_ variable: Variable, scaledBy scale: Variable, to slot: Int) throws {
    guard !variable.requiresGradient, !scale.requiresGradient, let s = scale.value.scalarValue else {
      // Under an outer tape the product must be recorded.
      try add(variable * scale.reshapedToScalar(), to: slot)
      return
    }
    if dense[slot] != nil {
      try accumulate(variable, scale: s, into: slot)
    } else if let (other, otherScale) = pending[slot] {
      pending[slot] = nil
      dense[slot] = Variable(constant: other.value * otherScale)
      try accumulate(variable, scale: s, into: slot)
    } else {
      pending[slot] = (variable, s)
    }
  }

  /// The slot's gradient (nil if nothing reached it), optionally releasing it.
  mutating func total(_ slot: Int, release: Bool) throws -> Variable? {
    if let (variable, scale) = pending[slot] {
      dense[slot] = Variable(constant: scale == 1 ? variable.value : variable.value * scale)
      pending[slot] = nil
    }
    defer { if release { dense[slot] = nil } }
    return dense[slot]
  }

  private mutating func accumulate(_ contribution: Variable, scale: Float, into slot: Int) throws {
    guard var total = dense[slot] else { return }
    dense[slot] = nil  // drop the array's reference so the addition need not copy
    if total.requiresGradient || contribution.requiresGradient {
      let scaled = scale == 1 ? contribution : try contribution * scale
      dense[slot] = try total + scaled
      return
    }
    // A constant sum that only this slot holds is added into in place; one shared with
    // another slot (an add rule hands the same gradient to both inputs) gets a new variable.
    if !isKnownUniquelyReferenced(&total) { total = Variable(constant: total.value) }
    let before = total.value.storage.pointer
    try total.value.addScaled(contribution.value, scale: scale)
    if total.value.storage.pointer != before { copiesMade += 1 }
    dense[slot] = total
  }
}

extension Variable {
  /// A one-element variable as a 0-d one (so that it broadcasts against any shape).
  func reshapedToScalar() throws -> Variable { shape.isEmpty ? self : try reshaped([]) }
}
