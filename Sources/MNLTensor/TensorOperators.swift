/// Throwing arithmetic operators on tensors (`try a + b`), with Float scalars on either side.
extension Tensor {
  public static func + (a: Tensor, b: Tensor) throws -> Tensor { try binary(.add, a, b) }
  public static func - (a: Tensor, b: Tensor) throws -> Tensor { try binary(.subtract, a, b) }
  public static func * (a: Tensor, b: Tensor) throws -> Tensor { try binary(.multiply, a, b) }
  public static func / (a: Tensor, b: Tensor) throws -> Tensor { try binary(.divide, a, b) }

  public static func + (a: Tensor, b: Float) -> Tensor { scalarOp(.add, a, b) }
  public static func - (a: Tensor, b: Float) -> Tensor { scalarOp(.subtract, a, b) }
  public static func * (a: Tensor, b: Float) -> Tensor { scalarOp(.multiply, a, b) }
  public static func / (a: Tensor, b: Float) -> Tensor { scalarOp(.divide, a, b) }
  public static func + (a: Float, b: Tensor) -> Tensor { scalarOp(.add, Tensor(scalar: a), b) }
  public static func - (a: Float, b: Tensor) -> Tensor { scalarOp(.subtract, Tensor(scalar: a), b) }
  public static func * (a: Float, b: Tensor) -> Tensor { scalarOp(.multiply, Tensor(scalar: a), b) }
  public static func / (a: Float, b: Tensor) -> Tensor { scalarOp(.divide, Tensor(scalar: a), b) }

  public static prefix func - (x: Tensor) -> Tensor { unary(.negate, x) }

  /// A tensor with a 0-d float operand always broadcasts, so this cannot fail.
  private static func scalarOp(_ op: BinaryOp, _ a: Tensor, _ b: Float) -> Tensor {
    scalarOp(op, a, Tensor(scalar: b))
  }

  private static func scalarOp(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
    (try? binary(op, a, b)) ?? a
  }
}
