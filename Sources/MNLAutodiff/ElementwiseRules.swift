import MNLTensor

// Gradient rules of the elementwise ops, one line (or a few) per op. A rule receives the
// output gradient `g` in the broadcast output shape; `binary` unbroadcasts the results.
// Rules use the inputs as variables wherever the derivative depends on them smoothly, so
// that grad of grad sees that dependence; masks and signs (piecewise constant) are tensors.

/// `op(a, b)` with NumPy broadcasting. Comparisons are not differentiable: their result is a
/// constant. `maximum`/`minimum` split the gradient equally between tied inputs.
public func binary(_ op: BinaryOp, _ a: Variable, _ b: Variable) throws -> Variable {
  let out = try binary(op, a.value, b.value)
  guard let rule = binaryRule(op, a, b) else { return Variable(constant: out) }
  let (aShape, bShape) = (a.shape, b.shape)
  return recorded(out, [a, b]) { g, out, needs in
    let (ga, gb) = try rule(g, out, needs[0], needs[1])
    return [
      try ga.map { try unbroadcast($0, to: aShape) },
      try gb.map { try unbroadcast($0, to: bShape) },
    ]
  }
}

/// (g, out, needA, needB) -> (da, db), each in the output's (broadcast) shape.
private typealias BinaryRule = (Variable, Variable, Bool, Bool) throws -> (Variable?, Variable?)

private func binaryRule(_ op: BinaryOp, _ a: Variable, _ b: Variable) -> BinaryRule? {
  switch op {
  case .add:
    return { g, _, _, _ in (g, g) }
  case .subtract:
    return { g, _, _, needB in (g, needB ? try -g : nil) }
  case .multiply:
    return { g, _, needA, needB in (needA ? try g * b : nil, needB ? try g * a : nil) }
  case .divide:
    // d(a/b)/db = −a/b² = −out/b
    return { g, out, needA, needB in (needA ? try g / b : nil, needB ? try -(g * out) / b : nil) }
  case .power:
    return { g, out, needA, needB in
      (needA ? try g * powerSlope(a, b) : nil, needB ? try g * out * logOfBase(a) : nil)
    }
  case .maximum, .minimum:
    return { g, _, needA, needB in
      // a's share: 1 where it wins, ½ on ties, 0 where it loses (piecewise constant).
      let (x, y) = (a.value, b.value)
      let wins = try binary(op == .maximum ? .greater : .less, x, y)
      let share = try wins + binary(.equal, x, y) * 0.5
      return (needA ? try g * share : nil, needB ? try g * (1 - share) : nil)
    }
  case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
    return nil
  }
}

/// d(x^y)/dx = y·x^(y−1), taken as 0 where y == 0 (so 0^0 does not give 0·inf).
private func powerSlope(_ x: Variable, _ y: Variable) throws -> Variable {
  let slope = try y * binary(.power, x, y - Variable(constant: Tensor(scalar: 1)))
  let yIsZero = try binary(.equal, y.value, Tensor(scalar: 0))
  return try whereSelect(Variable(constant: yIsZero), Variable(constant: Tensor(scalar: 0)), slope)
}

/// log(x) for d(x^y)/dy = x^y·log(x), with log(1) = 0 standing in where x == 0 (x^y is 0 there).
private func logOfBase(_ x: Variable) throws -> Variable {
  let xIsZero = try binary(.equal, x.value, Tensor(scalar: 0))
  return try unary(.log, whereSelect(Variable(constant: xIsZero), Variable(constant: Tensor(scalar: 1)), x))
}

/// `op(x)`. `sign` and `floor` have zero gradient almost everywhere: their result is a constant.
public func unary(_ op: UnaryOp, _ a: Variable) throws -> Variable {
  let out = unary(op, a.value)
  guard let rule = unaryRule(op, a) else { return Variable(constant: out) }
  return recorded(out, [a]) { g, out, _ in [try rule(g, out)] }
}

private func unaryRule(_ op: UnaryOp, _ a: Variable) -> ((Variable, Variable) throws -> Variable)? {
  switch op {
  case .negate: return { g, _ in try -g }
  case .exp: return { g, out in try g * out }
  case .log: return { g, _ in try g / a }
  case .sqrt: return { g, out in try g * 0.5 / out }
  case .abs: return { g, _ in try g * unary(.sign, a.value) }
  case .tanh: return { g, out in try g * (1 - unary(.square, out)) }
  case .sigmoid: return { g, out in try g * (out * (1 - out)) }
  case .relu: return { g, _ in try maskedWherePositive(g, a.value) }
  case .square: return { g, _ in try g * (a * 2) }
  case .reciprocal: return { g, out in try -g * unary(.square, out) }
  case .sign, .floor: return nil
  }
}

/// `g` where `mask > 0`, else 0: ReLU's backward step. It is linear in `g` with a constant
/// mask, so its own gradient is the same masking (this keeps grad of grad through ReLU exact).
func maskedWherePositive(_ g: Variable, _ mask: Tensor) throws -> Variable {
  let out = try reluGradient(g.value, input: mask)
  return recorded(out, [g]) { gg, _, _ in [try maskedWherePositive(gg, mask)] }
}

/// `cond ? a : b` elementwise with broadcasting; `cond` gets no gradient.
public func whereSelect(_ condition: Variable, _ a: Variable, _ b: Variable) throws -> Variable {
  let cond = condition.value
  let out = try whereSelect(cond, a.value, b.value)
  let (aShape, bShape) = (a.shape, b.shape)
  let zero = Variable(constant: Tensor(scalar: 0))
  let constantCondition = Variable(constant: cond)
  return recorded(out, [a, b]) { g, _, needs in
    [
      needs[0] ? try unbroadcast(whereSelect(constantCondition, g, zero), to: aShape) : nil,
      needs[1] ? try unbroadcast(whereSelect(constantCondition, zero, g), to: bShape) : nil,
    ]
  }
}
