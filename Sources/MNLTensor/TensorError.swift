/// An error from a tensor operation. The interpreter adds the script location;
/// the message names the operation and the shapes involved.
public struct TensorError: Error, CustomStringConvertible, Sendable, Equatable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }

  /// "shape mismatch in @: [100, 784] @ [500, 10]"
  public static func shapeMismatch(_ op: String, _ a: [Int], _ b: [Int], infix: String? = nil)
    -> TensorError
  {
    TensorError("shape mismatch in \(op): \(formatShape(a)) \(infix ?? op) \(formatShape(b))")
  }
}

/// `[100, 784]`, and `[]` for a scalar.
public func formatShape(_ shape: [Int]) -> String {
  "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
