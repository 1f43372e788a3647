import MNLTensor

/// NumPy's .npy format (numpy.lib.format, versions 1–3): the magic "\x93NUMPY", a version,
/// a little-endian header length (2 bytes in 1.0, 4 in 2.0/3.0), a Python-literal header
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and a
/// newline to a multiple of 64 bytes, then the raw elements.
///
/// Reading: float32, int64, int32, uint8 and bool as they are; like safetensors, float64 and
/// float16 become float32, int16/int8/uint16 int32 and uint32/uint64 int64 (uint64 values past
/// int64 are an error). Big-endian, complex, string, object and structured arrays are errors
/// that name the dtype. Writing: each tensor in its own dtype (version 1.0).
public enum NPY {
  public static func load(_ path: String) throws -> Tensor {
    try decode(try FileIO.readAll(path), file: path)
  }

  public static func save(_ path: String, _ tensor: Tensor) throws {
    try AtomicFile.write(encode(tensor), to: path)
  }

  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  public static func encode(_ tensor: Tensor) -> [UInt8] {
    let descr: String
    switch tensor.dtype {
    case .float32: descr = "<f4"
    case .int64: descr = "<i8"
    case .int32: descr = "<i4"
    case .uint8: descr = "|u1"
    case .bool: descr = "|b1"
    }
    let shape: String
    switch tensor.shape.count {
    case 0: shape = "()"
    case 1: shape = "(\(tensor.shape[0]),)"
    default: shape = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
    }
    var header = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }".utf8)
    // Version 1.0 needs the header length in 2 bytes; 2.0 for huge shapes (never in practice).
    let long = header.count + 11 > 65_535
    let prefix = magic.count + 2 + (long ? 4 : 2)
    while (prefix + header.count + 1) % 64 != 0 { header.append(UInt8(ascii: " ")) }
    header.append(UInt8(ascii: "\n"))
    var bytes = magic + [long ? 2 : 1, 0]
    if long {
      withUnsafeBytes(of: UInt32(header.count).littleEndian) { bytes += $0 }
    } else {
      withUnsafeBytes(of: UInt16(header.count).littleEndian) { bytes += $0 }
    }
    bytes += header
    bytes.reserveCapacity(bytes.count + tensor.count * tensor.dtype.byteWidth)
    switch tensor.dtype {
    case .float32:
      tensor.withUnsafeBufferPointer { values in
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
      }
    case .int64:
      for v in tensor.integerValues { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    case .int32:
      for v in tensor.integerValues { withUnsafeBytes(of: Int32(truncatingIfNeeded: v).littleEndian) { bytes += $0 } }
    case .uint8, .bool:
      bytes += tensor.integerValues.map { UInt8(truncatingIfNeeded: $0) }
    }
    return bytes
  }

  public static func decode(_ bytes: [UInt8], file: String = "") throws -> Tensor {
    func fail(_ message: String) -> DataError { DataError(file: file, "not a valid .npy file: \(message)") }
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("it does not start with \\x93NUMPY") }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw fail("truncated header") }
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
      headerStart = 12
    default:
      throw fail("unknown format version \(major).\(bytes[7])")
    }
    guard headerStart + headerLength <= bytes.count else { throw fail("the header runs past the end of the file") }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    let descr = try stringField("descr", in: header, fail)
    let fortran = try boolField("fortran_order", in: header, fail)
    let shape = try shapeField(in: header, fail)
    guard let type = elementType(descr) else {
      throw DataError(
        file: file,
        "unsupported NumPy dtype '\(descr)': mnl reads float32/float64/float16, int64/int32/int16/int8, "
          + "uint64/uint32/uint16/uint8 and bool (little-endian); convert with arr.astype(...) first")
    }
    let count = try checkedCount(shape, fail)
    do { try validateShape(shape) } catch { throw fail("shape \(formatShape(shape)): \(error)") }
    let dataStart = headerStart + headerLength
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: type.byteSize)
    guard !overflow, bytes.count - dataStart >= byteCount else {
      throw fail("shape \(formatShape(shape)) of \(descr) needs \(byteCount) bytes of data, the file has \(bytes.count - dataStart)")
    }
    // Fortran order: the data is the transpose's C order.
    let stored = fortran ? Array(shape.reversed()) : shape
    let result = bytes.withUnsafeBytes { raw in
      type.decodeTensor(UnsafeRawBufferPointer(rebasing: raw[dataStart..<(dataStart + byteCount)]), shape: stored)
    }
    switch result {
    case .success(let tensor):
      return fortran && shape.count > 1 ? try tensor.transposed(nil) : tensor
    case .failure(let problem):
      throw DataError(file: file, problem.message)
    }
  }

  /// The safetensors element type with the same bytes as a NumPy descr, if mnl reads it.
  static func elementType(_ descr: String) -> SafetensorsDType? {
    guard let order = descr.first, "<|=".contains(order) else { return nil }
    switch descr.dropFirst() {
    case "f4": return .f32
    case "f8": return .f64
    case "f2": return .f16
    case "i8": return .i64
    case "i4": return .i32
    case "i2": return .i16
    case "i1": return .i8
    case "u8": return .u64
    case "u4": return .u32
    case "u2": return .u16
    case "u1": return .u8
    case "b1": return .bool
    default: return nil
    }
  }

  private static func checkedCount(_ shape: [Int], _ fail: (String) -> DataError) throws -> Int {
    var count = 1
    for d in shape {
      let (c, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow, c < 1 << 40 else { throw fail("shape \(formatShape(shape)) is too large") }
      count = c
    }
    return count
  }

  /// The text after `'key':` in the header dict.
  private static func value(_ key: String, in header: String, _ fail: (String) -> DataError) throws -> Substring {
    guard let range = header.range(of: "'\(key)':") else { throw fail("the header has no '\(key)'") }
    return header[range.upperBound...].drop { $0 == " " }
  }

  private static func stringField(_ key: String, in header: String, _ fail: (String) -> DataError) throws -> String {
    let rest = try value(key, in: header, fail)
    guard let quote = rest.first, quote == "'" || quote == "\"" else {
      throw fail("'\(key)' is not a string (structured dtypes are not supported)")
    }
    let body = rest.dropFirst()
    guard let end = body.firstIndex(of: quote) else { throw fail("unterminated '\(key)'") }
    return String(body[..<end])
  }

  private static func boolField(_ key: String, in header: String, _ fail: (String) -> DataError) throws -> Bool {
    let rest = try value(key, in: header, fail)
    if rest.hasPrefix("True") { return true }
    if rest.hasPrefix("False") { return false }
    throw fail("'\(key)' is neither True nor False")
  }

  private static func shapeField(in header: String, _ fail: (String) -> DataError) throws -> [Int] {
    let rest = try value("shape", in: header, fail)
    guard rest.first == "(", let end = rest.firstIndex(of: ")") else { throw fail("'shape' is not a tuple") }
    let inner = rest[rest.index(after: rest.startIndex)..<end]
    var shape: [Int] = []
    for part in inner.split(separator: ",") {
      let text = part.trimmingCharacters(in: " L")
      if text.isEmpty { continue }
      guard let d = Int(text), d >= 0 else { throw fail("'shape' has a size that is not a non-negative int: \(part)") }
      shape.append(d)
    }
    return shape
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: String) -> Substring {
    var s = self
    while let c = s.first, set.contains(c) { s = s.dropFirst() }
    while let c = s.last, set.contains(c) { s = s.dropLast() }
    return s
  }
}
