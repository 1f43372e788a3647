import MNLTensor

/// Element types of the safetensors format that mnl reads. Floats become float32 (F64 rounds
/// to nearest); I64 and U32 become int64, I32, I16, I8 and U16 int32, U8 uint8, BOOL bool,
/// all exactly; U64 becomes int64 (values past int64 are an error).
enum SafetensorsDType: String, CaseIterable {
  case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
  case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
  case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
  case bool = "BOOL"

  var byteSize: Int {
    switch self {
    case .f64, .i64, .u64: 8
    case .f32, .i32, .u32: 4
    case .f16, .bf16, .i16, .u16: 2
    case .i8, .u8, .bool: 1
    }
  }

  var tensorDType: DType {
    switch self {
    case .f64, .f32, .f16, .bf16: .float32
    case .i64, .u32, .u64: .int64
    case .i32, .i16, .i8, .u16: .int32
    case .u8: .uint8
    case .bool: .bool
    }
  }

  /// The type mnl writes for a tensor dtype: its own.
  static func forWriting(_ dtype: DType) -> SafetensorsDType {
    switch dtype {
    case .float32: .f32
    case .int64: .i64
    case .int32: .i32
    case .uint8: .u8
    case .bool: .bool
    }
  }

  /// Decodes the elements of a tensor of `shape`, or returns a description of the first value
  /// that cannot be represented.
  func decodeTensor(_ raw: UnsafeRawBufferPointer, shape: [Int]) -> Result<Tensor, DecodeProblem> {
    if tensorDType == .float32 {
      var tensor = Tensor(uninitializedShape: shape)
      if let problem = tensor.withUnsafeMutableBufferPointer({ decode(raw, into: $0) }) {
        return .failure(DecodeProblem(message: problem))
      }
      return .success(tensor)
    }
    var integers = [Int64](repeating: 0, count: shapeCount(shape))
    for i in integers.indices {
      switch self {
      case .u8: integers[i] = Int64(raw[i])
      case .bool:
        guard raw[i] <= 1 else { return .failure(DecodeProblem(message: "BOOL element \(i) has byte value \(raw[i]) (must be 0 or 1)")) }
        integers[i] = Int64(raw[i])
      case .i8: integers[i] = Int64(Int8(bitPattern: raw[i]))
      case .i16: integers[i] = Int64(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
      case .u16: integers[i] = Int64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
      case .i32: integers[i] = Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
      case .u32: integers[i] = Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
      case .i64: integers[i] = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
      default:
        let u = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
        guard let v = Int64(exactly: u) else {
          return .failure(DecodeProblem(message: "U64 element \(i) is \(u), beyond int64"))
        }
        integers[i] = v
      }
    }
    return .success(Tensor(shape: shape, integers: integers, dtype: tensorDType))
  }

  struct DecodeProblem: Error { let message: String }

  /// Decodes `out.count` little-endian float elements into `out`.
  func decode(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<Float>) -> String? {
    let n = out.count
    switch self {
    case .f32:
      for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
    case .f64:
      for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
    case .f16:
      for i in 0..<n { out[i] = halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
    case .bf16:
      for i in 0..<n {
        out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
      }
    default:
      return "\(rawValue) is not a float type"  // integer types go through decodeTensor
    }
    return nil
  }
}

/// IEEE 754 half precision to single, including subnormals, infinities and NaN.
func halfToFloat(_ bits: UInt16) -> Float {
  let sign = UInt32(bits & 0x8000) << 16
  let exponent = Int(bits >> 10) & 0x1F
  let mantissa = UInt32(bits & 0x3FF)
  switch exponent {
  case 0:
    // Zero or subnormal: mantissa × 2^-24.
    let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
    return sign == 0 ? magnitude : -magnitude
  case 0x1F:
    return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
  default:
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
  }
}
