import CZlib

/// gzip files (.gz), through the system zlib.
public enum Gzip {
  /// True when the bytes start with the gzip magic number 1f 8b.
  public static func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
  }

  /// Inflates a gzip file. Concatenated members (as `cat a.gz b.gz` makes) are joined;
  /// zero padding after the last member is ignored; anything else there is an error.
  /// `limit` caps the output so a decompression bomb fails cleanly.
  public static func decompress(_ bytes: [UInt8], file: String = "", limit: Int = 1 << 33) throws
    -> [UInt8]
  {
    guard isGzip(bytes) else { throw DataError(file: file, "not a gzip file (bad magic number)") }
    return try Inflater.run(
      bytes, windowBits: 16 + MAX_WBITS, gzipMembers: true, file: file, limit: limit,
      sizeHint: capacityHint(bytes, limit: limit))
  }

  /// The trailer's ISIZE is the last member's size mod 2^32: a good capacity hint, never
  /// trusted beyond what the compressed bytes could possibly inflate to.
  static func capacityHint(_ bytes: [UInt8], limit: Int) -> Int {
    guard bytes.count >= 18 else { return 0 }
    let n = bytes.count
    let hint = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
    return min(hint, limit, n * maxDeflateRatio)
  }

  /// deflate expands at most ~1032:1, so a trailer claiming more is a lie (a corrupt or
  /// crafted file) and must not reserve gigabytes before inflating a byte.
  static let maxDeflateRatio = 1032

  /// Compresses bytes into a single-member gzip file.
  public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
    try Deflater.run(bytes, windowBits: 16 + MAX_WBITS, level: level)
  }
}

/// Raw zlib streams (RFC 1950), as inside PNG files.
public enum Zlib {
  /// Inflates one zlib stream. Bytes after the end of the stream are ignored.
  public static func inflate(
    _ bytes: [UInt8], file: String = "", sizeHint: Int = 0, limit: Int = 1 << 33
  ) throws -> [UInt8] {
    try Inflater.run(
      bytes, windowBits: MAX_WBITS, gzipMembers: false, file: file, limit: limit,
      sizeHint: min(sizeHint, limit))
  }

  public static func deflate(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
    try Deflater.run(bytes, windowBits: MAX_WBITS, level: level)
  }

  /// Raw deflate data (RFC 1951, no zlib header), as inside ZIP entries.
  public static func inflateRaw(
    _ bytes: [UInt8], file: String = "", sizeHint: Int = 0, limit: Int = 1 << 33
  ) throws -> [UInt8] {
    try Inflater.run(
      bytes, windowBits: -MAX_WBITS, gzipMembers: false, file: file, limit: limit,
      sizeHint: min(sizeHint, limit))
  }

  public static func deflateRaw(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
    try Deflater.run(bytes, windowBits: -MAX_WBITS, level: level)
  }
}

private enum Inflater {
  static func run(
    _ input: [UInt8], windowBits: Int32, gzipMembers: Bool, file: String, limit: Int, sizeHint: Int
  ) throws -> [UInt8] {
    let format = gzipMembers ? "gzip" : "zlib"
    // zlib keeps a pointer back to the stream struct, so it must not move: allocate it.
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer { stream.deallocate() }
    guard mnl_inflateInit2(stream, windowBits) == Z_OK else {
      throw DataError(file: file, "cannot initialise zlib")
    }
    defer { inflateEnd(stream) }

    var output = [UInt8]()
    // Deflate cannot expand more than ~1032:1, so a hint beyond that is a lie: don't reserve it.
    let (plausible, overflow) = input.count.multipliedReportingOverflow(by: 1032)
    output.reserveCapacity(max(0, overflow ? sizeHint : min(sizeHint, plausible)))
    let chunkSize = 1 << 18
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    try input.withUnsafeBufferPointer { source in
      guard let sourceBase = source.baseAddress else {
        throw DataError(file: file, "empty \(format) data")
      }
      var fed = 0  // bytes handed to zlib so far (avail_in is 32-bit, so feed big inputs in pieces)
      while true {
        if stream.pointee.avail_in == 0 && fed < source.count {
          let piece = min(source.count - fed, 1 << 30)
          stream.pointee.next_in = UnsafeMutablePointer(mutating: sourceBase + fed)
          stream.pointee.avail_in = UInt32(piece)
          fed += piece
        }
        let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
          stream.pointee.next_out = out.baseAddress
          stream.pointee.avail_out = UInt32(chunkSize)
          return CZlib.inflate(stream, Z_NO_FLUSH)
        }
        let produced = chunkSize - Int(stream.pointee.avail_out)
        if produced > 0 {
          guard output.count + produced <= limit else {
            throw DataError(file: file, "\(format) data inflates to more than \(limit) bytes")
          }
          output.append(contentsOf: chunk[0..<produced])
        }
        switch status {
        case Z_OK:
          continue
        case Z_STREAM_END:
          guard gzipMembers else { return }
          let consumed = fed - Int(stream.pointee.avail_in)
          let rest = source[consumed...]
          if rest.count >= 2 && rest[consumed] == 0x1f && rest[consumed + 1] == 0x8b {
            guard inflateReset(stream) == Z_OK else {
              throw DataError(file: file, "cannot reset zlib for the next gzip member")
            }
            continue
          }
          guard rest.allSatisfy({ $0 == 0 }) else {
            throw DataError(
              file: file, "unexpected data after the gzip stream (\(rest.count) bytes at offset \(consumed))")
          }
          return
        case Z_BUF_ERROR:
          // No progress possible: all input consumed before the end of the stream.
          if stream.pointee.avail_in == 0 && fed == source.count {
            throw DataError(
              file: file, "truncated \(format) data: the stream ends early (after \(output.count) bytes of output)")
          }
          continue
        case Z_NEED_DICT:
          throw DataError(file: file, "corrupt \(format) data: it needs a preset dictionary")
        case Z_DATA_ERROR:
          throw DataError(file: file, "corrupt \(format) data: \(zlibMessage(stream))")
        case Z_MEM_ERROR:
          throw DataError(file: file, "out of memory while inflating \(format) data")
        default:
          throw DataError(file: file, "zlib error \(status) while inflating: \(zlibMessage(stream))")
        }
      }
    }
    return output
  }

  static func zlibMessage(_ stream: UnsafeMutablePointer<z_stream>) -> String {
    stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
  }
}

private enum Deflater {
  static func run(_ input: [UInt8], windowBits: Int32, level: Int32) throws -> [UInt8] {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer { stream.deallocate() }
    // deflateInit2 is a macro over deflateInit2_, which Swift can call directly.
    let status = deflateInit2_(
      stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
      Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else { throw DataError(file: "", "cannot initialise zlib for compression") }
    defer { deflateEnd(stream) }

    var output = [UInt8]()
    let chunkSize = 1 << 18
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    try input.withUnsafeBufferPointer { source in
      var fed = 0
      while true {
        if stream.pointee.avail_in == 0 && fed < source.count, let base = source.baseAddress {
          let piece = min(source.count - fed, 1 << 30)
          stream.pointee.next_in = UnsafeMutablePointer(mutating: base + fed)
          stream.pointee.avail_in = UInt32(piece)
          fed += piece
        }
        let flush = fed == source.count ? Z_FINISH : Z_NO_FLUSH
        let result = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
          stream.pointee.next_out = out.baseAddress
          stream.pointee.avail_out = UInt32(chunkSize)
          return CZlib.deflate(stream, flush)
        }
        output.append(contentsOf: chunk[0..<(chunkSize - Int(stream.pointee.avail_out))])
        if result == Z_STREAM_END { return }
        guard result == Z_OK || result == Z_BUF_ERROR else {
          throw DataError(file: "", "zlib error \(result) while compressing")
        }
      }
    }
    return output
  }
}
