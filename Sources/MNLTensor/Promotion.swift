/// Type promotion: which dtype a binary operation's result has. NumPy's rules (NEP 50) for
/// the dtypes we have, which form a line: bool < uint8 < int32 < int64 < float32. There is no
/// float64, so any float operand gives float32 (like PyTorch, not NumPy's float64 for
/// int64 + float32).

extension DType {
  /// Position on the promotion line.
  var promotionRank: Int {
    switch self {
    case .bool: 0
    case .uint8: 1
    case .int32: 2
    case .int64: 3
    case .float32: 4
    }
  }

  /// The smallest dtype both `a` and `b` convert to: int32 + int64 → int64,
  /// uint8 + int32 → int32, any integer or bool + float32 → float32, bool + x → x.
  public static func promoted(_ a: DType, _ b: DType) -> DType {
    a.promotionRank >= b.promotionRank ? a : b
  }

  /// The dtype a script's integer scalar takes next to a tensor of this dtype ("weak"
  /// scalars, NEP 50): the tensor's own integer dtype (int32 tensor + 1 stays int32),
  /// float32 next to floats, and the default integer next to bools. A value the tensor's
  /// integer dtype cannot hold is an error, as in NumPy 2 (`uint8 tensor + 300`), except in
  /// comparisons, which compare exactly in int64.
  public func dtypeForWeakInteger(_ value: Int64, comparison: Bool, op: String) throws -> DType {
    switch self {
    case .float32: return .float32
    case .bool: return .defaultInteger
    case .int64, .int32, .uint8:
      if integerRange.contains(value) { return self }
      if comparison { return .int64 }
      throw TensorError(
        "the int \(value) is out of range for \(withArticle) tensor in \(op) "
          + "(\(rawValue) holds \(integerRange.lowerBound) to \(integerRange.upperBound)); "
          + "cast the tensor to a wider dtype first")
    }
  }
}

extension BinaryOp {
  public var isComparison: Bool {
    switch self {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
    default: false
    }
  }

  /// Comparisons give bool; `/` always divides in float32 (Python 3's true division); +, -, *
  /// and ** promote, with bools counting as 0/1 integers (true + true is 2, as in Python);
  /// maximum and minimum promote and keep bools (logical or/and).
  public func resultType(_ a: DType, _ b: DType) -> DType {
    let promoted = DType.promoted(a, b)
    switch self {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return .bool
    case .divide: return .float32
    case .maximum, .minimum: return promoted
    case .add, .subtract, .multiply, .power: return promoted == .bool ? .defaultInteger : promoted
    }
  }
}
