import CZlib
import MNLTensor

/// PNG images read as a grey [height, width] float32 tensor in [0, 1]: every colour type
/// (grey, grey+alpha, RGB, RGBA, palette), bit depths 1–16, all five filters, Adam7 interlacing,
/// tRNS transparency, CRC checks on every chunk. Colour becomes grey by luma
/// 0.299 R + 0.587 G + 0.114 B; transparent pixels are composited on WHITE, like paper, so a
/// dark digit drawn on a transparent background reads as a digit on paper.
public enum PNG {
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  public static func isPNG(_ bytes: [UInt8]) -> Bool { bytes.starts(with: signature) }

  public static func read(_ path: String) throws -> Tensor {
    try decode(try FileIO.readAll(path), file: path)
  }

  public static func decode(_ bytes: [UInt8], file: String = "") throws -> Tensor {
    guard isPNG(bytes) else { throw DataError(file: file, "not a PNG file (bad signature)") }
    let chunks = try readChunks(bytes, file: file)
    guard let header = chunks.header else { throw DataError(file: file, "PNG has no IHDR chunk") }
    let layout = try PNGLayout(header, file: file)
    if layout.colorType == 3 && chunks.palette.isEmpty {
      throw DataError(file: file, "palette PNG without a PLTE chunk")
    }
    guard !chunks.imageData.isEmpty else { throw DataError(file: file, "PNG has no image data (IDAT)") }
    let expected = layout.filteredByteCount
    var raw = try Zlib.inflate(chunks.imageData, file: file, sizeHint: expected, limit: expected + 65536)
    guard raw.count >= expected else {
      throw DataError(file: file, "truncated PNG image data: \(raw.count) of \(expected) bytes")
    }
    let shades = try PNGShades(layout: layout, palette: chunks.palette, transparency: chunks.transparency, file: file)
    var image = Tensor(uninitializedShape: [layout.height, layout.width])
    try image.withUnsafeMutableBufferPointer { out in
      var offset = 0
      for pass in layout.passes {
        let rowBytes = layout.rowBytes(pixels: pass.width)
        try unfilter(&raw, at: offset, rows: pass.height, rowBytes: rowBytes, pixelBytes: layout.filterUnit, file: file)
        for r in 0..<pass.height {
          let rowStart = offset + r * (rowBytes + 1) + 1
          let y = pass.y0 + r * pass.dy
          for c in 0..<pass.width {
            out[y * layout.width + pass.x0 + c * pass.dx] = try shades.grey(raw, rowStart: rowStart, pixel: c)
          }
        }
        offset += pass.height * (rowBytes + 1)
      }
    }
    return image
  }

  private struct Chunks {
    var header: [UInt8]?
    var palette: [UInt8] = []
    var transparency: [UInt8] = []
    var imageData: [UInt8] = []
  }

  private static func readChunks(_ bytes: [UInt8], file: String) throws -> Chunks {
    var chunks = Chunks()
    var position = signature.count
    var first = true
    while true {
      guard position + 12 <= bytes.count else { throw DataError(file: file, "truncated PNG: it ends before the IEND chunk") }
      let length = Int(readBigEndian32(bytes, position))
      guard length <= 0x7FFF_FFFF else { throw DataError(file: file, "PNG chunk length \(length) is invalid") }
      let typeBytes = Array(bytes[(position + 4)..<(position + 8)])
      let type = String(decoding: typeBytes, as: UTF8.self)
      guard typeBytes.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }) else {
        throw DataError(file: file, "corrupt PNG: invalid chunk type at byte \(position + 4)")
      }
      guard position + 12 + length <= bytes.count else {
        throw DataError(file: file, "truncated PNG: the \(type) chunk needs \(length) bytes, the file has \(bytes.count - position - 12)")
      }
      let dataStart = position + 8
      let stored = readBigEndian32(bytes, dataStart + length)
      let computed = bytes.withUnsafeBufferPointer { buffer -> UInt32 in
        guard let base = buffer.baseAddress else { return 0 }
        return UInt32(truncatingIfNeeded: crc32(0, base + position + 4, UInt32(length + 4)))
      }
      guard stored == computed else { throw DataError(file: file, "corrupt PNG: bad CRC in the \(type) chunk") }
      let data = bytes[dataStart..<(dataStart + length)]
      if first && type != "IHDR" { throw DataError(file: file, "corrupt PNG: the first chunk is \(type), not IHDR") }
      first = false
      switch type {
      case "IHDR": chunks.header = Array(data)
      case "PLTE": chunks.palette = Array(data)
      case "tRNS": chunks.transparency = Array(data)
      case "IDAT": chunks.imageData += data
      case "IEND": return chunks
      default:
        // Ancillary chunks (lower-case first letter) are safe to ignore; unknown critical ones are not.
        guard typeBytes[0] >= 97 else { throw DataError(file: file, "unsupported critical PNG chunk \(type)") }
      }
      position = dataStart + length + 4
    }
  }

  /// Reverses the per-row filters in place. Each row starts with its filter type byte.
  private static func unfilter(
    _ data: inout [UInt8], at offset: Int, rows: Int, rowBytes: Int, pixelBytes: Int, file: String
  ) throws {
    try data.withUnsafeMutableBufferPointer { d in
      for r in 0..<rows {
        let start = offset + r * (rowBytes + 1)
        let filter = d[start]
        let row = start + 1
        let previous = r > 0 ? row - (rowBytes + 1) : -1
        switch filter {
        case 0:
          break
        case 1:
          if rowBytes > pixelBytes { for i in pixelBytes..<rowBytes { d[row + i] &+= d[row + i - pixelBytes] } }
        case 2:
          if previous >= 0 { for i in 0..<rowBytes { d[row + i] &+= d[previous + i] } }
        case 3:
          for i in 0..<rowBytes {
            let left = i >= pixelBytes ? Int(d[row + i - pixelBytes]) : 0
            let up = previous >= 0 ? Int(d[previous + i]) : 0
            d[row + i] &+= UInt8((left + up) / 2)
          }
        case 4:
          for i in 0..<rowBytes {
            let left = i >= pixelBytes ? Int(d[row + i - pixelBytes]) : 0
            let up = previous >= 0 ? Int(d[previous + i]) : 0
            let upLeft = previous >= 0 && i >= pixelBytes ? Int(d[previous + i - pixelBytes]) : 0
            d[row + i] &+= UInt8(paeth(left, up, upLeft))
          }
        default:
          throw DataError(file: file, "corrupt PNG: unknown filter type \(filter) on row \(r)")
        }
      }
    }
  }

  @inline(__always)
  private static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
    let p = a + b - c
    let pa = abs(p - a)
    let pb = abs(p - b)
    let pc = abs(p - c)
    if pa <= pb && pa <= pc { return a }
    return pb <= pc ? b : c
  }
}

@inline(__always)
func readBigEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
  UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
}
