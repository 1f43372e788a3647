import MNLTensor

/// The contents of a safetensors file: tensors in the order of their data in the file, and
/// the string metadata of the `__metadata__` entry.
public struct SafetensorsContents {
  public var tensors: [(name: String, tensor: Tensor)]
  public var metadata: [String: String]

  public subscript(name: String) -> Tensor? {
    tensors.first { $0.name == name }?.tensor
  }
}

/// The safetensors format (Hugging Face), as read and written by Python's `safetensors`:
/// an 8-byte little-endian header length N, N bytes of JSON header
/// `{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}, ...}`
/// padded with spaces to 8-byte alignment, then the raw little-endian data, offsets relative to
/// the end of the header.
public enum Safetensors {
  /// Headers larger than this are rejected, as the Python library does.
  static let maxHeaderSize = 100_000_000

  /// Writes the tensors in the given order (each in its own dtype: float32 → F32, int64 → I64, int32 → I32, uint8 → U8, bool → BOOL), atomically.
  public static func save(
    _ path: String, tensors: [(String, Tensor)], metadata: [String: String] = [:]
  ) throws {
    try AtomicFile.write(try encode(tensors: tensors, metadata: metadata, file: path), to: path)
  }

  public static func load(_ path: String) throws -> SafetensorsContents {
    try decode(try FileIO.readAll(path), file: path)
  }

  /// The file's bytes. JSON keys: `__metadata__` first, then tensor names sorted; data in the
  /// order given.
  public static func encode(
    tensors: [(String, Tensor)], metadata: [String: String], file: String = ""
  ) throws -> [UInt8] {
    var seen = Set<String>()
    var entries: [(name: String, json: String)] = []
    var offset = 0
    for (name, tensor) in tensors {
      guard !name.isEmpty, name != "__metadata__" else {
        throw DataError(file: file, "invalid tensor name '\(name)'")
      }
      guard seen.insert(name).inserted else { throw DataError(file: file, "duplicate tensor name '\(name)'") }
      let type = SafetensorsDType.forWriting(tensor.dtype)
      let end = offset + tensor.count * type.byteSize
      let shape = "[" + tensor.shape.map(String.init).joined(separator: ",") + "]"
      entries.append(
        (name, "\(jsonQuoted(name)):{\"dtype\":\"\(type.rawValue)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(end)]}"))
      offset = end
    }
    var members: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        .map { "\(jsonQuoted($0.key)):\(jsonQuoted($0.value))" }
      members.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
    }
    members += entries.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }.map(\.json)
    var header = Array(("{" + members.joined(separator: ",") + "}").utf8)
    while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }

    var bytes: [UInt8] = []
    bytes.reserveCapacity(8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
    bytes += header
    for (name, tensor) in tensors {
      try appendData(of: tensor, as: SafetensorsDType.forWriting(tensor.dtype), to: &bytes, name: name, file: file)
    }
    return bytes
  }

  private static func appendData(
    of tensor: Tensor, as type: SafetensorsDType, to bytes: inout [UInt8], name: String, file: String
  ) throws {
    switch type {
    case .u8, .bool:
      bytes += tensor.integerValues.map { UInt8(truncatingIfNeeded: $0) }
    case .i32:
      for v in tensor.integerValues { withUnsafeBytes(of: Int32(truncatingIfNeeded: v).littleEndian) { bytes += $0 } }
    case .i64:
      for v in tensor.integerValues { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    default:
      tensor.withUnsafeBufferPointer { values in
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
      }
    }
  }

  /// Parses and validates a whole file: header length against the file size, JSON structure,
  /// dtypes, shapes, offsets (contiguous, in range, no overlaps or gaps), byte counts, names.
  public static func decode(_ bytes: [UInt8], file: String = "") throws -> SafetensorsContents {
    func fail(_ message: String) -> DataError { DataError(file: file, "not a valid safetensors file: \(message)") }
    guard !bytes.isEmpty else { throw DataError(file: file, "empty file (0 bytes): not a safetensors file") }
    // Other formats people load by mistake: say what the file is, not "header length 3796764…".
    if bytes.starts(with: [0x93] + Array("NUMPY".utf8)) {
      throw DataError(file: file, "this is a NumPy .npy file, not a safetensors file (read it with load_npy)")
    }
    if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
      throw DataError(file: file, "this is a zip archive (NumPy .npz or PyTorch .pt?), not a safetensors file (a .npz reads with load_npz)")
    }
    guard bytes.count >= 8 else { throw fail("only \(bytes.count) bytes, shorter than the 8-byte header length") }
    var length: UInt64 = 0
    for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
    guard length <= UInt64(bytes.count - 8) else {
      throw fail("header length \(length) is larger than the rest of the file (\(bytes.count - 8) bytes)")
    }
    guard length <= UInt64(maxHeaderSize) else { throw fail("header length \(length) is absurdly large") }
    let headerEnd = 8 + Int(length)
    let root: JSONValue
    do {
      root = try JSONParser.parse(Array(bytes[8..<headerEnd]))
    } catch {
      throw fail("header is not valid JSON: \(error)")
    }
    guard case .object(let members) = root else { throw fail("header is \(root.kindName), not a JSON object") }

    var metadata: [String: String] = [:]
    var specs: [(name: String, type: SafetensorsDType, shape: [Int], begin: Int, end: Int)] = []
    var names = Set<String>()
    for (name, value) in members {
      guard names.insert(name).inserted else { throw fail("duplicate entry '\(name)' in the header") }
      if name == "__metadata__" {
        guard case .object(let pairs) = value else { throw fail("__metadata__ is \(value.kindName), not an object") }
        for (key, item) in pairs {
          guard case .string(let text) = item else {
            throw fail("__metadata__ value for '\(key)' is \(item.kindName), not a string")
          }
          metadata[key] = text
        }
        continue
      }
      guard case .object(let fields) = value else { throw fail("entry '\(name)' is \(value.kindName), not an object") }
      func field(_ key: String) throws -> JSONValue {
        guard let found = fields.first(where: { $0.0 == key }) else { throw fail("entry '\(name)' has no \(key)") }
        return found.1
      }
      guard case .string(let typeName) = try field("dtype") else { throw fail("entry '\(name)': dtype is not a string") }
      guard let type = SafetensorsDType(rawValue: typeName) else {
        throw fail("entry '\(name)' has unsupported dtype \(typeName)")
      }
      guard case .array(let dims) = try field("shape") else { throw fail("entry '\(name)': shape is not an array") }
      var shape: [Int] = []
      for dim in dims {
        guard let d = dim.intValue, d >= 0 else { throw fail("entry '\(name)': shape has a non-integer or negative size") }
        shape.append(d)
      }
      guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
        let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, begin <= end
      else { throw fail("entry '\(name)': data_offsets must be two integers [begin, end] with begin ≤ end") }
      var byteCount = type.byteSize
      for d in shape {
        let (product, overflow) = byteCount.multipliedReportingOverflow(by: d)
        guard !overflow else { throw fail("entry '\(name)': shape \(formatShape(shape)) is absurdly large") }
        byteCount = product
      }
      guard end - begin == byteCount else {
        throw fail(
          "entry '\(name)': shape \(formatShape(shape)) of \(typeName) needs \(byteCount) bytes but data_offsets span \(end - begin)")
      }
      specs.append((name, type, shape, begin, end))
    }

    // The data must be exactly the entries laid end to end: no gaps, overlaps or trailing bytes.
    specs.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
    let dataSize = bytes.count - headerEnd
    var expectedBegin = 0
    for spec in specs {
      guard spec.begin == expectedBegin else {
        throw fail(
          spec.begin < expectedBegin
            ? "data of '\(spec.name)' overlaps the previous tensor (offset \(spec.begin))"
            : "gap in the data before '\(spec.name)' (offset \(spec.begin), expected \(expectedBegin))")
      }
      expectedBegin = spec.end
    }
    guard expectedBegin == dataSize else {
      throw fail(
        expectedBegin > dataSize
          ? "truncated: the header describes \(expectedBegin) bytes of data, the file has \(dataSize)"
          : "the file has \(dataSize - expectedBegin) bytes after the last tensor's data")
    }

    var tensors: [(name: String, tensor: Tensor)] = []
    for spec in specs {
      do { try validateShape(spec.shape) } catch { throw fail("entry '\(spec.name)': \(error)") }
      let decoded = bytes.withUnsafeBytes { raw in
        spec.type.decodeTensor(
          UnsafeRawBufferPointer(rebasing: raw[(headerEnd + spec.begin)..<(headerEnd + spec.end)]), shape: spec.shape)
      }
      switch decoded {
      case .success(let tensor): tensors.append((spec.name, tensor))
      case .failure(let problem): throw DataError(file: file, "tensor '\(spec.name)': \(problem.message)")
      }
    }
    return SafetensorsContents(tensors: tensors, metadata: metadata)
  }
}
