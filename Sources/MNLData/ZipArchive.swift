import CZlib

/// ZIP archives (PKWARE APPNOTE 6.3) as NumPy's .npz uses them: entries stored or deflated
/// (method 0 or 8), read through the central directory, including the ZIP64 extra fields that
/// `numpy.savez` writes (it opens every entry with force_zip64). Writing stores entries
/// (np.savez) or deflates them (np.savez_compressed), without ZIP64: an archive or entry of
/// 4 GiB or more is an error.
public enum ZipArchive {
  public struct Entry {
    public var name: String
    public var data: [UInt8]
    public init(name: String, data: [UInt8]) {
      self.name = name
      self.data = data
    }
  }

  public static func read(_ bytes: [UInt8], file: String = "") throws -> [Entry] {
    func fail(_ message: String) -> DataError { DataError(file: file, "not a valid .npz (zip) file: \(message)") }
    func u16(_ at: Int) throws -> Int {
      guard at >= 0, at + 2 <= bytes.count else { throw fail("truncated at byte \(at)") }
      return Int(bytes[at]) | Int(bytes[at + 1]) << 8
    }
    func u32(_ at: Int) throws -> Int { try u16(at) | (try u16(at + 2)) << 16 }
    func u64(_ at: Int) throws -> Int {
      let v = UInt64(try u32(at)) | UInt64(try u32(at + 4)) << 32
      guard let i = Int(exactly: v), i < 1 << 48 else { throw fail("a ZIP64 size is absurdly large") }
      return i
    }
    // The end of central directory record: the last "PK\x05\x06" within 64 KiB + 22 bytes.
    guard bytes.count >= 22 else { throw fail("only \(bytes.count) bytes") }
    var eocd = bytes.count - 22
    let lowest = max(0, bytes.count - 22 - 65_535)
    while eocd >= lowest, !(bytes[eocd] == 0x50 && bytes[eocd + 1] == 0x4b && bytes[eocd + 2] == 5 && bytes[eocd + 3] == 6) {
      eocd -= 1
    }
    guard eocd >= lowest else { throw fail("no end of central directory record") }
    var count = try u16(eocd + 10)
    var directory = try u32(eocd + 16)
    // ZIP64: the locator just before the record points at the ZIP64 end record.
    if (count == 0xFFFF || directory == 0xFFFF_FFFF) && eocd >= 20, try u32(eocd - 20) == 0x0706_4b50 {
      let record = try u64(eocd - 12)
      guard try u32(record) == 0x0606_4b50 else { throw fail("bad ZIP64 end of central directory") }
      count = try u64(record + 32)
      directory = try u64(record + 48)
    }
    var entries: [Entry] = []
    var at = directory
    for _ in 0..<count {
      guard try u32(at) == 0x0201_4b50 else { throw fail("bad central directory entry at byte \(at)") }
      let flags = try u16(at + 8)
      let method = try u16(at + 10)
      let crc = UInt32(try u32(at + 16))
      var compressedSize = try u32(at + 20)
      var size = try u32(at + 24)
      let nameLength = try u16(at + 28)
      let extraLength = try u16(at + 30)
      let commentLength = try u16(at + 32)
      var localHeader = try u32(at + 42)
      guard at + 46 + nameLength <= bytes.count else { throw fail("truncated central directory") }
      let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
      // ZIP64 extra field (id 1): the 0xFFFFFFFF values, in order size, compressed, offset.
      var extra = at + 46 + nameLength
      let extraEnd = extra + extraLength
      while extra + 4 <= extraEnd {
        let id = try u16(extra)
        let length = try u16(extra + 2)
        if id == 1 {
          var field = extra + 4
          if size == 0xFFFF_FFFF { size = try u64(field); field += 8 }
          if compressedSize == 0xFFFF_FFFF { compressedSize = try u64(field); field += 8 }
          if localHeader == 0xFFFF_FFFF { localHeader = try u64(field); field += 8 }
        }
        extra += 4 + length
      }
      at = extraEnd + commentLength
      guard flags & 1 == 0 else { throw fail("\(name) is encrypted") }
      guard try u32(localHeader) == 0x0403_4b50 else { throw fail("bad local header for \(name)") }
      let start = localHeader + 30 + (try u16(localHeader + 26)) + (try u16(localHeader + 28))
      guard start + compressedSize <= bytes.count else { throw fail("\(name) runs past the end of the file") }
      let stored = Array(bytes[start..<(start + compressedSize)])
      let data: [UInt8]
      switch method {
      case 0: data = stored
      case 8: data = try Zlib.inflateRaw(stored, file: file, sizeHint: size, limit: size)
      default: throw fail("\(name) uses compression method \(method); only stored (0) and deflate (8) are supported")
      }
      guard data.count == size else { throw fail("\(name) has \(data.count) bytes, the directory says \(size)") }
      guard crc32Of(data) == crc else { throw fail("\(name) fails its CRC-32 check (corrupt file)") }
      entries.append(Entry(name: name, data: data))
    }
    return entries
  }

  /// The archive's bytes: entries in order, stored or (compress) deflated.
  public static func write(_ entries: [Entry], compress: Bool, file: String = "") throws -> [UInt8] {
    var out: [UInt8] = []
    var central: [UInt8] = []
    func le16(_ v: Int, _ b: inout [UInt8]) { b += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func le32(_ v: Int, _ b: inout [UInt8]) { le16(v & 0xFFFF, &b); le16(v >> 16 & 0xFFFF, &b) }
    let limit = 0xFFFF_FFFF
    for entry in entries {
      let name = Array(entry.name.utf8)
      guard name.count <= 0xFFFF else { throw DataError(file: file, "entry name too long: \(entry.name.prefix(40))…") }
      let payload = compress ? try Zlib.deflateRaw(entry.data) : entry.data
      guard entry.data.count < limit, payload.count < limit, out.count < limit else {
        throw DataError(file: file, "\(entry.name) or the archive is 4 GiB or more (ZIP64 is not written)")
      }
      let crc = Int(crc32Of(entry.data))
      let method = compress ? 8 : 0
      let offset = out.count
      // Local header: signature, version 2.0, flags (bit 11: UTF-8 names), method, time, date.
      for (b, isCentral) in [(0x0403_4b50, false), (0x0201_4b50, true)] {
        var h: [UInt8] = []
        le32(b, &h)
        if isCentral { le16(20, &h) }
        le16(20, &h)
        le16(1 << 11, &h)
        le16(method, &h)
        le16(0, &h)
        le16(0x21, &h)  // 1980-01-01: no timestamp
        le32(crc, &h)
        le32(payload.count, &h)
        le32(entry.data.count, &h)
        le16(name.count, &h)
        le16(0, &h)
        if isCentral {
          le16(0, &h)  // comment
          le16(0, &h)  // disk
          le16(0, &h)  // internal attributes
          le32(0o100644 << 16, &h)  // external: a regular file, rw-r--r--
          le32(offset, &h)
          central += h + name
        } else {
          out += h + name + payload
        }
      }
    }
    guard out.count < limit, entries.count < 0xFFFF else { throw DataError(file: file, "the archive is too large for ZIP without ZIP64") }
    let directory = out.count
    out += central
    var end: [UInt8] = []
    le32(0x0605_4b50, &end)
    le16(0, &end)
    le16(0, &end)
    le16(entries.count, &end)
    le16(entries.count, &end)
    le32(central.count, &end)
    le32(directory, &end)
    le16(0, &end)
    return out + end
  }

  static func crc32Of(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBufferPointer { b in
      var crc: uLong = crc32(0, nil, 0)
      var offset = 0
      while offset < b.count, let base = b.baseAddress {
        let n = min(b.count - offset, 1 << 30)
        crc = crc32(crc, base + offset, uInt(n))
        offset += n
      }
      return UInt32(truncatingIfNeeded: crc)
    }
  }
}
