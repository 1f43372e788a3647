/// Element type of a tensor. Elements are always stored as Float32; the dtype says how
/// they are interpreted, printed and rounded. Integer dtypes hold integers exactly up to
/// 2^24 (16,777,216) in magnitude, which covers labels, indices and pixel bytes.
public enum DType: String, Sendable, CaseIterable {
  case float32
  case int32
  case uint8

  public var isInteger: Bool { self != .float32 }

  /// Short name used in tensor headers, like NumPy's `dtype=...`.
  public var shortName: String {
    switch self {
    case .float32: "f32"
    case .int32: "i32"
    case .uint8: "u8"
    }
  }

  /// Accepts "float32"/"f32"/"float", "int32"/"i32"/"int", "uint8"/"u8".
  public init?(name: String) {
    switch name.lowercased() {
    case "float32", "f32", "float": self = .float32
    case "int32", "i32", "int", "int64", "i64": self = .int32
    case "uint8", "u8", "byte": self = .uint8
    default: return nil
    }
  }
}
