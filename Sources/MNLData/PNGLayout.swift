/// A PNG's geometry from its IHDR chunk: size, colour type, bit depth and the row layout of
/// each interlace pass (one pass covering everything when not interlaced).
struct PNGLayout {
  struct Pass {
    let x0: Int, y0: Int, dx: Int, dy: Int, width: Int, height: Int
  }

  let width: Int
  let height: Int
  let bitDepth: Int
  let colorType: Int
  let channels: Int
  let passes: [Pass]

  init(_ ihdr: [UInt8], file: String) throws {
    guard ihdr.count == 13 else { throw DataError(file: file, "corrupt PNG: IHDR has \(ihdr.count) bytes, not 13") }
    width = Int(readBigEndian32(ihdr, 0))
    height = Int(readBigEndian32(ihdr, 4))
    bitDepth = Int(ihdr[8])
    colorType = Int(ihdr[9])
    guard width > 0, height > 0 else { throw DataError(file: file, "PNG size \(width)×\(height) is empty") }
    guard width <= 1 << 16, height <= 1 << 16, width * height <= 1 << 26 else {
      throw DataError(file: file, "PNG size \(width)×\(height) is too large")
    }
    let allowedDepths: [Int]
    switch colorType {
    case 0: (channels, allowedDepths) = (1, [1, 2, 4, 8, 16])
    case 2: (channels, allowedDepths) = (3, [8, 16])
    case 3: (channels, allowedDepths) = (1, [1, 2, 4, 8])
    case 4: (channels, allowedDepths) = (2, [8, 16])
    case 6: (channels, allowedDepths) = (4, [8, 16])
    default: throw DataError(file: file, "corrupt PNG: unknown colour type \(colorType)")
    }
    guard allowedDepths.contains(bitDepth) else {
      throw DataError(file: file, "corrupt PNG: bit depth \(bitDepth) is not allowed for colour type \(colorType)")
    }
    guard ihdr[10] == 0, ihdr[11] == 0 else {
      throw DataError(file: file, "unsupported PNG compression or filter method (\(ihdr[10]), \(ihdr[11]))")
    }
    switch ihdr[12] {
    case 0:
      passes = [Pass(x0: 0, y0: 0, dx: 1, dy: 1, width: width, height: height)]
    case 1:
      let adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
      let (fullWidth, fullHeight) = (width, height)
      passes = adam7.compactMap { (x0, y0, dx, dy) in
        let w = (fullWidth - x0 + dx - 1) / dx
        let h = (fullHeight - y0 + dy - 1) / dy
        return w > 0 && h > 0 ? Pass(x0: x0, y0: y0, dx: dx, dy: dy, width: w, height: h) : nil
      }
    default:
      throw DataError(file: file, "corrupt PNG: unknown interlace method \(ihdr[12])")
    }
  }

  var bitsPerPixel: Int { channels * bitDepth }
  /// The byte distance the Sub/Average/Paeth filters look back.
  var filterUnit: Int { max(1, bitsPerPixel / 8) }

  func rowBytes(pixels: Int) -> Int { (pixels * bitsPerPixel + 7) / 8 }

  /// Total size of the inflated data: each row of each pass plus its filter byte.
  var filteredByteCount: Int { passes.reduce(0) { $0 + $1.height * (rowBytes(pixels: $1.width) + 1) } }
}
