/// Element type of a tensor. Each dtype has its own storage width: float32 is Float, int64 and
/// int32 are Int64 and Int32, uint8 is UInt8 (image bytes) and bool is one byte holding 0 or 1.
/// Integer tensors therefore hold exact integers over their whole range.
public enum DType: String, Sendable, CaseIterable {
  case float32
  case int64
  case int32
  case uint8
  case bool

  /// The integer dtype made from integer data: `tensor([1, 2])`, `arange(5)`, `argmax`,
  /// `sum` of integers. int64, as in NumPy and PyTorch, so a script's 64-bit ints convert
  /// exactly and sums and indices do not overflow at 2^31.
  public static let defaultInteger: DType = .int64

  /// int64, int32 and uint8 (not bool, which is its own kind, as in NumPy).
  public var isInteger: Bool {
    switch self {
    case .int64, .int32, .uint8: true
    case .float32, .bool: false
    }
  }

  public var isFloat: Bool { self == .float32 }

  /// Bytes per element in storage.
  public var byteWidth: Int {
    switch self {
    case .float32, .int32: 4
    case .int64: 8
    case .uint8, .bool: 1
    }
  }

  /// Short name used in tensor headers, like NumPy's `dtype=...`.
  public var shortName: String {
    switch self {
    case .float32: "f32"
    case .int64: "i64"
    case .int32: "i32"
    case .uint8: "u8"
    case .bool: "bool"
    }
  }

  /// The values an integer (or bool) dtype can hold.
  public var integerRange: ClosedRange<Int64> {
    switch self {
    case .int64: Int64.min...Int64.max
    case .int32: Int64(Int32.min)...Int64(Int32.max)
    case .uint8: 0...255
    case .bool: 0...1
    case .float32: Int64.min...Int64.max
    }
  }

  /// Accepts "float32"/"f32"/"float", "int64"/"i64"/"int", "int32"/"i32", "uint8"/"u8"/"byte",
  /// "bool".
  public init?(name: String) {
    switch name.lowercased() {
    case "float32", "f32", "float": self = .float32
    case "int64", "i64", "int", "long": self = .int64
    case "int32", "i32": self = .int32
    case "uint8", "u8", "byte": self = .uint8
    case "bool", "boolean": self = .bool
    default: return nil
    }
  }

  /// The dtype names `init(name:)` accepts, for error messages.
  public static let namesForMessages = "float32, int64, int32, uint8 or bool"
}
