import MNLTensor

/// `clip(x, lo, hi)` = minimum(maximum(x, lo), hi). Gradient convention (PyTorch's clamp):
/// x gets g where lo ≤ x ≤ hi — the bounds themselves included — and 0 outside; a traced lo
/// gets g where x < lo, a traced hi where the value exceeds hi (each summed to its shape).
public func clip(_ x: Variable, lo: Variable?, hi: Variable?) throws -> Variable {
  let out = try clip(x.value, lo: lo?.value, hi: hi?.value)
  let raised = try lo.map { try binary(.maximum, x.value, $0.value) } ?? x.value
  let belowLo = try lo.map { try binary(.less, x.value, $0.value) }
  let aboveHi = try hi.map { try binary(.greater, raised, $0.value) }
  let inputs = [x] + (lo.map { [$0] } ?? []) + (hi.map { [$0] } ?? [])
  let shapes = inputs.map(\.shape)
  return recorded(out, inputs) { g, _, needs in
    let zero = Variable(constant: Tensor(scalar: 0))
    // The gradient reaching maximum(x, lo): all of g except where hi was chosen.
    let gRaised = try aboveHi.map { try whereSelect(Variable(constant: $0), zero, g) } ?? g
    var result: [Variable?] = [
      needs[0]
        ? try unbroadcast(belowLo.map { try whereSelect(Variable(constant: $0), zero, gRaised) } ?? gRaised, to: shapes[0])
        : nil
    ]
    if let belowLo {
      result.append(needs[1] ? try unbroadcast(whereSelect(Variable(constant: belowLo), gRaised, zero), to: shapes[1]) : nil)
    }
    if let aboveHi {
      let i = result.count
      result.append(needs[i] ? try unbroadcast(whereSelect(Variable(constant: aboveHi), g, zero), to: shapes[i]) : nil)
    }
    return result
  }
}
