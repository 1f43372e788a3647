import MNLTensor

// Gradient rules of the elementwise ops, one line (or a few) per op. A rule receives the
// output gradient `g` in the broadcast output shape; `binary` unbroadcasts the results.

/// `op(a, b)` with NumPy broadcasting. Comparisons are not differentiable: their result is a
/// constant. `maximum`/`minimum` split the gradient equally between tied inputs.
public func binary(_ op: BinaryOp, _ a: Variable, _ b: Variable) throws -> Variable {
  let x = a.value
  let y = b.value
  let out = try binary(op, x, y)
  guard let rule = binaryRule(op, x, y, out) else { return Variable(constant: out) }
  let xShape = x.shape
  let yShape = y.shape
  return try recorded(out, [a, b]) { g, needs in
    let (gx, gy) = try rule(g, needs[0], needs[1])
    return [
      try gx.map { try unbroadcast($0, to: xShape) },
      try gy.map { try unbroadcast($0, to: yShape) },
    ]
  }
}

/// (g, needX, needY) -> (dx, dy), each in the output's (broadcast) shape.
private typealias BinaryRule = (Tensor, Bool, Bool) throws -> (Tensor?, Tensor?)

private func binaryRule(_ op: BinaryOp, _ x: Tensor, _ y: Tensor, _ out: Tensor) -> BinaryRule? {
  switch op {
  case .add:
    return { g, _, _ in (g, g) }
  case .subtract:
    return { g, _, needY in (g, needY ? -g : nil) }
  case .multiply:
    return { g, needX, needY in (needX ? try g * y : nil, needY ? try g * x : nil) }
  case .divide:
    // d(x/y)/dy = −x/y² = −out/y
    return { g, needX, needY in (needX ? try g / y : nil, needY ? try -(g * out) / y : nil) }
  case .power:
    return { g, needX, needY in
      (needX ? try g * powerSlope(x, y) : nil, needY ? try g * out * logOfBase(x) : nil)
    }
  case .maximum, .minimum:
    return { g, needX, needY in
      // x's share: 1 where it wins, ½ on ties, 0 where it loses.
      let wins = try binary(op == .maximum ? .greater : .less, x, y)
      let share = try wins + binary(.equal, x, y) * 0.5
      return (needX ? try g * share : nil, needY ? try g * (1 - share) : nil)
    }
  case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
    return nil
  }
}

/// d(x^y)/dx = y·x^(y−1), taken as 0 where y == 0 (so 0^0 does not give 0·inf).
private func powerSlope(_ x: Tensor, _ y: Tensor) throws -> Tensor {
  let slope = try y * binary(.power, x, y - 1)
  return try whereSelect(binary(.equal, y, Tensor(scalar: 0)), Tensor(scalar: 0), slope)
}

/// log(x) for d(x^y)/dy = x^y·log(x), with log(1) = 0 standing in where x == 0 (x^y is 0 there).
private func logOfBase(_ x: Tensor) throws -> Tensor {
  unary(.log, try whereSelect(binary(.equal, x, Tensor(scalar: 0)), Tensor(scalar: 1), x))
}

/// `op(x)`. `sign` and `floor` have zero gradient almost everywhere: their result is a constant.
public func unary(_ op: UnaryOp, _ a: Variable) throws -> Variable {
  let x = a.value
  let out = unary(op, x)
  guard let rule = unaryRule(op, x, out) else { return Variable(constant: out) }
  return try recorded(out, [a]) { g, _ in [try rule(g)] }
}

private func unaryRule(_ op: UnaryOp, _ x: Tensor, _ out: Tensor) -> ((Tensor) throws -> Tensor)? {
  switch op {
  case .negate: return { g in -g }
  case .exp: return { g in try g * out }
  case .log: return { g in try g / x }
  case .sqrt: return { g in try g * 0.5 / out }
  case .abs: return { g in try g * unary(.sign, x) }
  case .tanh: return { g in try g * (1 - unary(.square, out)) }
  case .sigmoid: return { g in try g * (out * (1 - out)) }
  case .relu: return { g in try reluGradient(g, input: x) }
  case .square: return { g in try g * (x * 2) }
  case .reciprocal: return { g in try -g * unary(.square, out) }
  case .sign, .floor: return nil
  }
}

/// `cond ? a : b` elementwise with broadcasting; `cond` gets no gradient.
public func whereSelect(_ condition: Variable, _ a: Variable, _ b: Variable) throws -> Variable {
  let cond = condition.value
  let out = try whereSelect(cond, a.value, b.value)
  let aShape = a.shape
  let bShape = b.shape
  let zero = Tensor(scalar: 0)
  return try recorded(out, [a, b]) { g, needs in
    [
      needs[0] ? try unbroadcast(whereSelect(cond, g, zero), to: aShape) : nil,
      needs[1] ? try unbroadcast(whereSelect(cond, zero, g), to: bShape) : nil,
    ]
  }
}
