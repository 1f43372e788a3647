import MNLTensor

/// Netpbm grey (PGM: P2 plain, P5 binary) and colour (PPM: P3, P6) images, read as a grey
/// [height, width] float32 tensor in [0, 1]. Comments (`#` to end of line) may appear anywhere
/// in the header, and in the numbers of a plain file; any maxval 1…65535 (binary samples are
/// two bytes big-endian when maxval > 255). Colour becomes grey by luma 0.299 R + 0.587 G + 0.114 B.
/// Binary files may be followed by further images (Netpbm allows it); only the first is read.
public enum PGM {
  public static func read(_ path: String) throws -> Tensor {
    try decode(try FileIO.readAll(path), file: path)
  }

  public static func decode(_ bytes: [UInt8], file: String = "") throws -> Tensor {
    var scanner = NetpbmScanner(bytes: bytes, file: file)
    guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P") else {
      throw DataError(file: file, "not a PGM/PPM image (it does not start with P2, P3, P5 or P6)")
    }
    let kind = bytes[1]
    let plain: Bool
    let channels: Int
    switch kind {
    case UInt8(ascii: "2"): (plain, channels) = (true, 1)
    case UInt8(ascii: "5"): (plain, channels) = (false, 1)
    case UInt8(ascii: "3"): (plain, channels) = (true, 3)
    case UInt8(ascii: "6"): (plain, channels) = (false, 3)
    default:
      throw DataError(
        file: file, "unsupported Netpbm type P\(Character(Unicode.Scalar(kind))) (only P2, P3, P5 and P6)")
    }
    scanner.position = 2
    guard scanner.position < bytes.count, scanner.isSeparator(bytes[scanner.position]) else {
      throw DataError(file: file, "bad PGM/PPM header: expected whitespace after the magic number")
    }
    let width = try scanner.number("width")
    let height = try scanner.number("height")
    let maxval = try scanner.number("maxval")
    guard width > 0, height > 0 else { throw DataError(file: file, "image size \(width)×\(height) is empty") }
    guard width <= 1 << 16, height <= 1 << 16, width * height <= 1 << 26 else {
      throw DataError(file: file, "image size \(width)×\(height) is too large")
    }
    guard maxval >= 1, maxval <= 65535 else {
      throw DataError(file: file, "maxval \(maxval) is outside 1…65535")
    }
    let samples = width * height * channels
    // Check the claimed size against the bytes present before allocating for it.
    if !plain { try scanner.skipRasterSeparator() }
    let remaining = bytes.count - scanner.position
    let minimumBytes = plain ? 2 * samples - 1 : samples * (maxval > 255 ? 2 : 1)
    guard remaining >= minimumBytes else {
      throw DataError(
        file: file,
        "truncated image data: \(width)×\(height) needs \(plain ? "at least " : "")\(minimumBytes) bytes, the file has \(remaining)")
    }
    var values = [Float](repeating: 0, count: samples)
    if plain {
      for i in 0..<samples {
        let v = try scanner.number("pixel \(i / channels)")
        guard v <= maxval else { throw DataError(file: file, "pixel \(i / channels) is \(v), above maxval \(maxval)") }
        values[i] = Float(v)
      }
      try scanner.expectOnlyWhitespaceLeft()
    } else {
      let wide = maxval > 255
      let start = scanner.position
      for i in 0..<samples {
        let v = wide ? Int(bytes[start + 2 * i]) << 8 | Int(bytes[start + 2 * i + 1]) : Int(bytes[start + i])
        guard v <= maxval else { throw DataError(file: file, "pixel \(i / channels) is \(v), above maxval \(maxval)") }
        values[i] = Float(v)
      }
    }
    var image = Tensor(uninitializedShape: [height, width])
    let top = Float(maxval)
    image.withUnsafeMutableBufferPointer { out in
      for p in 0..<(width * height) {
        if channels == 1 {
          out[p] = values[p] / top
        } else {
          out[p] = (0.299 * values[3 * p] + 0.587 * values[3 * p + 1] + 0.114 * values[3 * p + 2]) / top
        }
      }
    }
    return image
  }

  /// Writes a [height, width] image as binary PGM (P5, maxval 255), atomically. Float32 images
  /// are read as [0, 1] (values outside are clamped); integer images as 0…255.
  public static func write(_ path: String, image: Tensor) throws {
    try AtomicFile.write(try encode(image, file: path), to: path)
  }

  public static func encode(_ image: Tensor, file: String = "") throws -> [UInt8] {
    guard image.rank == 2, image.shape[0] > 0, image.shape[1] > 0 else {
      throw DataError(file: file, "a PGM image must be a non-empty 2-D tensor [height, width], not \(formatShape(image.shape))")
    }
    var bytes = Array("P5\n\(image.shape[1]) \(image.shape[0])\n255\n".utf8)
    bytes.reserveCapacity(bytes.count + image.count)
    try image.withUnsafeBufferPointer { values in
      for v in values {
        guard !v.isNaN else { throw DataError(file: file, "the image contains NaN") }
        if image.dtype == .float32 {
          bytes.append(UInt8((min(max(v, 0), 1) * 255).rounded()))
        } else {
          guard v >= 0, v <= 255 else {
            throw DataError(file: file, "\(image.dtype) pixel value \(v) is outside 0…255")
          }
          bytes.append(UInt8(v.rounded()))
        }
      }
    }
    return bytes
  }
}

/// Tokens of a Netpbm header: decimal numbers separated by whitespace and `#` comments.
struct NetpbmScanner {
  let bytes: [UInt8]
  let file: String
  var position = 0

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  func isSeparator(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C || b == UInt8(ascii: "#")
  }

  mutating func skipComment() {
    while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
  }

  mutating func skipWhitespaceAndComments() {
    while position < bytes.count, isSeparator(bytes[position]) {
      if bytes[position] == UInt8(ascii: "#") { skipComment() } else { position += 1 }
    }
  }

  mutating func number(_ what: String) throws -> Int {
    skipWhitespaceAndComments()
    guard position < bytes.count else { throw DataError(file: file, "truncated: the file ends before the \(what)") }
    var value = 0
    let start = position
    while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
      value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
      guard value <= 1 << 31 else { throw DataError(file: file, "the \(what) is absurdly large") }
      position += 1
    }
    guard position > start else {
      throw DataError(file: file, "expected a number for the \(what) at byte \(start), found '\(Character(Unicode.Scalar(bytes[start])))'")
    }
    guard position == bytes.count || isSeparator(bytes[position]) else {
      throw DataError(file: file, "unexpected character after the \(what) at byte \(position)")
    }
    return value
  }

  /// After maxval a binary raster follows exactly one whitespace byte (or a comment and its newline).
  mutating func skipRasterSeparator() throws {
    guard position < bytes.count else { throw DataError(file: file, "truncated: no image data after the header") }
    if bytes[position] == UInt8(ascii: "#") {
      skipComment()
      guard position < bytes.count else { throw DataError(file: file, "truncated: no image data after the header") }
    }
    position += 1
  }

  mutating func expectOnlyWhitespaceLeft() throws {
    skipWhitespaceAndComments()
    guard position == bytes.count else {
      throw DataError(file: file, "unexpected data after the last pixel at byte \(position)")
    }
  }
}
