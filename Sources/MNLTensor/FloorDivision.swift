/// `//` and `%` with Python's and NumPy's sign conventions: the quotient rounds toward −∞ and
/// the remainder has the divisor's sign (−7 // 2 == −4, −7 % 2 == 1). Integer operands give
/// an integer result (promoted; bools count as int64); integer division or modulo by zero is
/// an error, not NumPy's silent 0. float32 follows IEEE: x // 0 is ±inf or nan, x % 0 is nan.
import Foundation

public enum FloorDivisionOp: String, Sendable {
  case floorDivide = "//"
  case modulo = "%"
}

/// `a // b` or `a % b` elementwise with broadcasting.
public func floorDivision(_ op: FloorDivisionOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
  let shape = try broadcastShapes(a.shape, b.shape, op: op.rawValue)
  let promoted = DType.promoted(a.dtype, b.dtype)
  if promoted == .float32 {
    let x = try a.convertedToFloat32().broadcast(to: shape).values
    let y = try b.convertedToFloat32().broadcast(to: shape).values
    let out = (0..<x.count).map { i in
      let (quotient, remainder) = floatDivMod(x[i], y[i])
      return op == .floorDivide ? quotient : remainder
    }
    return try Tensor(shape: shape, values: out, dtype: .float32)
  }
  let dtype = promoted == .bool ? DType.defaultInteger : promoted
  let (x, y) = try broadcastIntegers(a, b, shape: shape)
  var out = [Int64](repeating: 0, count: x.count)
  for i in 0..<x.count {
    let (p, q) = (x[i], y[i])
    guard q != 0 else {
      throw TensorError("integer \(op == .floorDivide ? "division" : "modulo") by zero: \(p) \(op.rawValue) 0")
    }
    // Int64.min // -1 is the only overflow; its remainder is 0.
    let (truncated, overflow) = p.dividedReportingOverflow(by: q)
    if overflow && op == .floorDivide { throw integerOverflow(op.rawValue, p, q, dtype) }
    let remainder = overflow ? 0 : p % q
    let adjust = remainder != 0 && (remainder < 0) != (q < 0)
    let value = op == .floorDivide ? (adjust ? truncated - 1 : truncated) : (adjust ? remainder + q : remainder)
    guard dtype.integerRange.contains(value) else { throw integerOverflow(op.rawValue, p, q, dtype) }
    out[i] = value
  }
  return Tensor(shape: shape, integers: out, dtype: dtype)
}

/// NumPy's npy_divmodf: floor quotient and the remainder with the divisor's sign.
func floatDivMod(_ a: Float, _ b: Float) -> (Float, Float) {
  var mod = fmodf(a, b)
  if b == 0 { return (a / b, mod) }
  var div = (a - mod) / b
  if mod != 0 {
    if (b < 0) != (mod < 0) {
      mod += b
      div -= 1
    }
  } else {
    mod = Float(signOf: b, magnitudeOf: 0)
  }
  var floorDiv: Float
  if div != 0 {
    floorDiv = div.rounded(.down)
    if div - floorDiv > 0.5 { floorDiv += 1 }
  } else {
    floorDiv = Float(signOf: a / b, magnitudeOf: 0)
  }
  return (floorDiv, mod)
}
