import MNLTensor

// Gradient rules of the elementwise ops. Each rule receives the output gradient `g` (in the
// broadcast output shape) and returns the gradients of the inputs before `unbroadcast`.

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
    return { g, _, needY in (g, needY ? try neg(g) : nil) }
  case .multiply:
    return { g, needX, needY in
      (needX ? try mul(g, y) : nil, needY ? try mul(g, x) : nil)
    }
  case .divide:
    // d(x/y)/dy = -x/y² = -out/y
    return { g, needX, needY in
      (needX ? try div(g, y) : nil, needY ? try neg(div(mul(g, out), y)) : nil)
    }
  case .power:
    return { g, needX, needY in
      var dx: Tensor?
      if needX {
        // y·x^(y-1), defined as 0 where y == 0 (so that 0^0 does not give 0·inf).
        let slope = try mul(y, binary(.power, x, sub(y, Tensor(scalar: 1))))
        dx = try mul(g, whereSelect(mask(.equal, y, Tensor(scalar: 0)), Tensor(scalar: 0), slope))
      }
      var dy: Tensor?
      if needY {
        // out·log(x), with log(1) = 0 standing in where x == 0 (out is 0 there).
        let safeX = try whereSelect(mask(.equal, x, Tensor(scalar: 0)), Tensor(scalar: 1), x)
        dy = try mul(g, mul(out, unary(.log, safeX)))
      }
      return (dx, dy)
    }
  case .maximum, .minimum:
    return { g, needX, needY in
      let wins = try mask(op == .maximum ? .greater : .less, x, y)
      let ties = try mask(.equal, x, y)
      let share = try add(wins, mul(ties, 0.5))  // x's share of the gradient
      return (
        needX ? try mul(g, share) : nil,
        needY ? try mul(g, sub(Tensor(scalar: 1), share)) : nil
      )
    }
  case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
    return nil
  }
}

/// `op(x)`. `sign` and `floor` have zero gradient almost everywhere: their result is a constant.
public func unary(_ op: UnaryOp, _ a: Variable) throws -> Variable {
  let x = a.value
  let out = try unary(op, x)
  guard let rule = unaryRule(op, x, out) else { return Variable(constant: out) }
  return try recorded(out, [a]) { g, _ in [try rule(g)] }
}

private func unaryRule(_ op: UnaryOp, _ x: Tensor, _ out: Tensor) -> ((Tensor) throws -> Tensor)? {
  switch op {
  case .negate: return { g in try neg(g) }
  case .exp: return { g in try mul(g, out) }
  case .log: return { g in try div(g, x) }
  case .sqrt: return { g in try div(mul(g, 0.5), out) }
  case .abs: return { g in try mul(g, unary(.sign, x)) }
  case .tanh: return { g in try mul(g, sub(Tensor(scalar: 1), unary(.square, out))) }
  case .sigmoid: return { g in try mul(g, mul(out, sub(Tensor(scalar: 1), out))) }
  case .relu: return { g in try reluGradient(g, input: x) }
  case .square: return { g in try mul(g, mul(x, 2)) }
  case .reciprocal: return { g in try neg(mul(g, unary(.square, out))) }
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
