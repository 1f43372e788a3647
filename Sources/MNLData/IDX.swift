import MNLTensor

/// Element types of the IDX format (the third byte of the magic number).
public enum IDXElementType: UInt8, Sendable {
  case uint8 = 0x08
  case int8 = 0x09
  case int16 = 0x0B
  case int32 = 0x0C
  case float32 = 0x0D
  case float64 = 0x0E

  public var byteSize: Int {
    switch self {
    case .uint8, .int8: 1
    case .int16: 2
    case .int32, .float32: 4
    case .float64: 8
    }
  }
}

/// An IDX array as stored: its shape, element type and raw big-endian payload.
/// Data sets keep `payload` as bytes (MNIST pixels) instead of widening them to floats.
public struct IDXArray: Sendable {
  public let shape: [Int]
  public let elementType: IDXElementType
  public let payload: [UInt8]
  /// The file it came from, for error messages.
  public let file: String

  public var count: Int { shapeCount(shape) }

  /// Converts to a tensor: u8 → dtype uint8 (0…255); i8, i16, i32 → int32 (exact); f32, f64
  /// → float32 (f64 rounds to the nearest Float32).
  public func tensor() throws -> Tensor {
    do { try validateShape(shape) } catch { throw DataError(file: file, "\(error)") }
    let n = count
    return payload.withUnsafeBytes { raw -> Tensor in
      switch elementType {
      case .uint8:
        return Tensor(shape: shape, integers: (0..<n).map { Int64(raw[$0]) }, dtype: .uint8)
      case .int8:
        return Tensor(shape: shape, integers: (0..<n).map { Int64(Int8(bitPattern: raw[$0])) }, dtype: .int32)
      case .int16:
        let values = (0..<n).map { i in
          Int64(Int16(bitPattern: UInt16(raw[2 * i]) << 8 | UInt16(raw[2 * i + 1])))
        }
        return Tensor(shape: shape, integers: values, dtype: .int32)
      case .int32:
        let values = (0..<n).map { i in
          Int64(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        }
        return Tensor(shape: shape, integers: values, dtype: .int32)
      case .float32, .float64:
        var result = Tensor(uninitializedShape: shape, dtype: .float32)
        result.withUnsafeMutableBufferPointer { out in
          for i in 0..<n {
            out[i] =
              elementType == .float32
              ? Float(bitPattern: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
              : Float(Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
          }
        }
        return result
      }
    }
  }
}

/// The IDX format of the MNIST files: magic 00 00 type ndims, ndims big-endian UInt32 sizes,
/// then the elements big-endian in row-major order.
public enum IDX {
  /// Reads an IDX file, raw or gzip-compressed (recognised by its magic bytes 1f 8b).
  public static func readFile(_ path: String) throws -> IDXArray {
    var bytes = try FileIO.readAll(path)
    if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes, file: path) }
    return try parse(&bytes, file: path)
  }

  /// Loads an IDX file (raw or .gz) as a tensor; see `IDXArray.tensor()` for the dtypes.
  public static func load(_ path: String) throws -> Tensor {
    try readFile(path).tensor()
  }

  /// Parses IDX bytes already in memory (not compressed).
  public static func read(_ bytes: [UInt8], file: String = "") throws -> IDXArray {
    var copy = bytes
    return try parse(&copy, file: file)
  }

  /// Parses in place: the header is cut off the front, so the payload reuses the buffer.
  static func parse(_ bytes: inout [UInt8], file: String) throws -> IDXArray {
    guard bytes.count >= 4 else {
      throw DataError(file: file, "not an IDX file: only \(bytes.count) bytes, shorter than the 4-byte magic number")
    }
    guard bytes[0] == 0, bytes[1] == 0 else {
      throw DataError(
        file: file,
        "not an IDX file: bad magic number \(hex(bytes[0..<4])) (expected 00 00 <type> <rank>)")
    }
    guard let type = IDXElementType(rawValue: bytes[2]) else {
      throw DataError(file: file, "not an IDX file: unknown element type 0x\(hex(bytes[2...2]))")
    }
    let rank = Int(bytes[3])
    let headerSize = 4 + 4 * rank
    guard bytes.count >= headerSize else {
      throw DataError(
        file: file, "truncated IDX header: \(rank) dimensions need \(headerSize) bytes, the file has \(bytes.count)")
    }
    var shape: [Int] = []
    var elements = 1
    for d in 0..<rank {
      let o = 4 + 4 * d
      let size = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
      shape.append(size)
      let (product, overflow) = elements.multipliedReportingOverflow(by: size)
      guard !overflow, product <= Int.max / 8 else {
        throw DataError(file: file, "IDX shape \(formatShape(shape)) is absurdly large")
      }
      elements = product
    }
    let expected = elements * type.byteSize
    let actual = bytes.count - headerSize
    guard actual == expected else {
      let what = actual < expected ? "truncated IDX data" : "IDX data longer than its header says"
      throw DataError(
        file: file,
        "\(what): shape \(formatShape(shape)) of \(type) needs \(expected) bytes after the header, the file has \(actual)")
    }
    bytes.removeFirst(headerSize)
    return IDXArray(shape: shape, elementType: type, payload: bytes, file: file)
  }

  static func hex(_ bytes: ArraySlice<UInt8>) -> String {
    bytes.map { b in
      let s = String(b, radix: 16)
      return s.count == 1 ? "0" + s : s
    }.joined(separator: " ")
  }
}
