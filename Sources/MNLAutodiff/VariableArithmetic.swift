import MNLTensor

// Operators on variables, so that gradient rules read like the math (`g * y`). Each is the
// recorded op of the same name: rules written with them are differentiable themselves.

extension Variable {
  public static func + (a: Variable, b: Variable) throws -> Variable { try binary(.add, a, b) }
  public static func - (a: Variable, b: Variable) throws -> Variable { try binary(.subtract, a, b) }
  public static func * (a: Variable, b: Variable) throws -> Variable { try binary(.multiply, a, b) }
  public static func / (a: Variable, b: Variable) throws -> Variable { try binary(.divide, a, b) }

  /// With a constant tensor (a mask, a count): only the variable side can carry a gradient.
  public static func * (a: Variable, b: Tensor) throws -> Variable { try a * Variable(constant: b) }
  public static func / (a: Variable, b: Tensor) throws -> Variable { try a / Variable(constant: b) }

  public static func * (a: Variable, b: Float) throws -> Variable { try a * Tensor(scalar: b) }
  public static func / (a: Variable, b: Float) throws -> Variable { try a / Tensor(scalar: b) }
  public static func - (a: Float, b: Variable) throws -> Variable {
    try Variable(constant: Tensor(scalar: a)) - b
  }

  public static prefix func - (a: Variable) throws -> Variable { try unary(.negate, a) }
}
