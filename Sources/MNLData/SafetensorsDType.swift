import MNLTensor

/// Element types of the safetensors format that mnl reads. On reading, every type is converted
/// to Float32 storage: floats → dtype float32 (F64 rounds to nearest), integers → int32
/// (values beyond ±2^24 are an error: Float32 could not hold them exactly), U8 and BOOL → uint8.
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
    case .u8, .bool: .uint8
    default: .int32
    }
  }

  /// The type mnl writes for a tensor dtype.
  static func forWriting(_ dtype: DType) -> SafetensorsDType {
    switch dtype {
    case .float32: .f32
    case .int32: .i32
    case .uint8: .u8
    }
  }

  /// Decodes `count` little-endian elements into `out`. Returns a description of the first
  /// value that cannot be represented, if any.
  func decode(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<Float>) -> String? {
    let n = out.count
    let exactLimit: Int64 = 1 << 24
    func integer(_ v: Int64) -> Float? { v.magnitude <= exactLimit ? Float(v) : nil }
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
    case .u8:
      for i in 0..<n { out[i] = Float(raw[i]) }
    case .bool:
      for i in 0..<n {
        guard raw[i] <= 1 else { return "BOOL element \(i) has byte value \(raw[i]) (must be 0 or 1)" }
        out[i] = Float(raw[i])
      }
    case .i8:
      for i in 0..<n { out[i] = Float(Int8(bitPattern: raw[i])) }
    case .i16:
      for i in 0..<n { out[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
    case .u16:
      for i in 0..<n { out[i] = Float(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
    case .i32, .u32, .i64, .u64:
      for i in 0..<n {
        let v: Int64
        switch self {
        case .i32: v = Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        case .u32: v = Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case .i64: v = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
        default:
          let u = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
          v = u > UInt64(Int64.max) ? Int64.max : Int64(u)
        }
        guard let f = integer(v) else {
          return "\(rawValue) element \(i) is \(v), beyond ±2^24, which Float32 storage cannot hold exactly"
        }
        out[i] = f
      }
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
