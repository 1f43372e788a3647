import CZlib

/// Writes 8-bit PNG images (grey or RGB) with zlib's deflate: what a notebook shows for
/// `show(img)`. Pixels are bytes, row-major; each row is stored with filter type 0 (none) —
/// deflate already compresses the flat backgrounds of digits and plots well.
public enum PNGEncoder {
  public enum ColorKind: Sendable {
    case grey, rgb
    var channels: Int { self == .grey ? 1 : 3 }
    var pngColorType: UInt8 { self == .grey ? 0 : 2 }
  }

  /// Encodes `pixels` (height × width × channels bytes).
  public static func encode(width: Int, height: Int, kind: ColorKind, pixels: [UInt8]) throws -> [UInt8] {
    guard width > 0, height > 0, width <= 1 << 24, height <= 1 << 24 else {
      throw DataError(file: "", "PNG size \(width)×\(height) is out of range")
    }
    let rowBytes = width * kind.channels
    guard pixels.count == rowBytes * height else {
      throw DataError(file: "", "PNG pixels: \(pixels.count) bytes for \(width)×\(height)×\(kind.channels)")
    }
    var filtered = [UInt8]()
    filtered.reserveCapacity((rowBytes + 1) * height)
    for row in 0..<height {
      filtered.append(0)
      filtered.append(contentsOf: pixels[row * rowBytes..<(row + 1) * rowBytes])
    }
    var header: [UInt8] = []
    header.appendBigEndian(UInt32(width))
    header.appendBigEndian(UInt32(height))
    header += [8, kind.pngColorType, 0, 0, 0]  // bit depth, colour type, deflate, filter set 0, no interlace

    var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    appendChunk("IHDR", header, to: &out)
    appendChunk("IDAT", try deflate(filtered), to: &out)
    appendChunk("IEND", [], to: &out)
    return out
  }

  /// zlib-format (RFC 1950) compression at the default level.
  static func deflate(_ input: [UInt8]) throws -> [UInt8] {
    var capacity = compressBound(uLong(input.count))
    var output = [UInt8](repeating: 0, count: Int(capacity))
    let status = output.withUnsafeMutableBufferPointer { out in
      input.withUnsafeBufferPointer { source in
        compress2(out.baseAddress, &capacity, source.baseAddress, uLong(input.count), Z_DEFAULT_COMPRESSION)
      }
    }
    guard status == Z_OK else { throw DataError(file: "", "zlib compress2 failed (status \(status))") }
    return Array(output.prefix(Int(capacity)))
  }

  private static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
    out.appendBigEndian(UInt32(data.count))
    let typeBytes = Array(type.utf8)
    var crc = crc32(0, nil, 0)
    crc = typeBytes.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
    if !data.isEmpty { crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) } }
    out += typeBytes
    out += data
    out.appendBigEndian(UInt32(truncatingIfNeeded: crc))
  }
}

extension [UInt8] {
  mutating func appendBigEndian(_ v: UInt32) {
    append(UInt8(truncatingIfNeeded: v >> 24))
    append(UInt8(truncatingIfNeeded: v >> 16))
    append(UInt8(truncatingIfNeeded: v >> 8))
    append(UInt8(truncatingIfNeeded: v))
  }
}
