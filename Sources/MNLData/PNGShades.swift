/// Turns a pixel's samples into a grey level in [0, 1], with alpha composited on white.
struct PNGShades {
  let layout: PNGLayout
  let maxSample: Float
  /// Palette images: grey level of each entry, already composited.
  let paletteGrey: [Float]
  /// Grey and RGB images: the single fully transparent colour from tRNS, if any.
  let transparentKey: [Int]?
  let file: String

  init(layout: PNGLayout, palette: [UInt8], transparency: [UInt8], file: String) throws {
    self.layout = layout
    self.file = file
    maxSample = Float((1 << layout.bitDepth) - 1)
    var paletteGrey: [Float] = []
    var key: [Int]? = nil
    switch layout.colorType {
    case 3:
      guard palette.count % 3 == 0, palette.count / 3 <= 256 else {
        throw DataError(file: file, "corrupt PNG: PLTE has \(palette.count) bytes")
      }
      guard transparency.count <= palette.count / 3 else {
        throw DataError(file: file, "corrupt PNG: tRNS has more entries than the palette")
      }
      for i in 0..<(palette.count / 3) {
        let grey = luma(Float(palette[3 * i]), Float(palette[3 * i + 1]), Float(palette[3 * i + 2])) / 255
        let alpha = i < transparency.count ? Float(transparency[i]) / 255 : 1
        paletteGrey.append(alpha * grey + (1 - alpha))
      }
    case 0 where transparency.count >= 2:
      key = [Int(transparency[0]) << 8 | Int(transparency[1])]
    case 2 where transparency.count >= 6:
      key = (0..<3).map { Int(transparency[2 * $0]) << 8 | Int(transparency[2 * $0 + 1]) }
    default:
      break
    }
    self.paletteGrey = paletteGrey
    self.transparentKey = key
  }

  @inline(__always)
  private func sample(_ data: [UInt8], rowStart: Int, index: Int) -> Int {
    switch layout.bitDepth {
    case 8: return Int(data[rowStart + index])
    case 16: return Int(data[rowStart + 2 * index]) << 8 | Int(data[rowStart + 2 * index + 1])
    default:
      let bit = index * layout.bitDepth
      let shift = 8 - layout.bitDepth - bit % 8
      return Int(data[rowStart + bit / 8] >> UInt8(shift)) & ((1 << layout.bitDepth) - 1)
    }
  }

  func grey(_ data: [UInt8], rowStart: Int, pixel: Int) throws -> Float {
    let c = layout.channels
    let s = { (k: Int) in sample(data, rowStart: rowStart, index: pixel * c + k) }
    switch layout.colorType {
    case 0:
      let v = s(0)
      if let key = transparentKey, key[0] == v { return 1 }
      return Float(v) / maxSample
    case 2:
      let (r, g, b) = (s(0), s(1), s(2))
      if let key = transparentKey, key == [r, g, b] { return 1 }
      return luma(Float(r), Float(g), Float(b)) / maxSample
    case 3:
      let index = s(0)
      guard index < paletteGrey.count else {
        throw DataError(file: file, "corrupt PNG: palette index \(index) is beyond the \(paletteGrey.count)-entry palette")
      }
      return paletteGrey[index]
    case 4:
      let alpha = Float(s(1)) / maxSample
      return alpha * Float(s(0)) / maxSample + (1 - alpha)
    default:
      let alpha = Float(s(3)) / maxSample
      return alpha * luma(Float(s(0)), Float(s(1)), Float(s(2))) / maxSample + (1 - alpha)
    }
  }
}

@inline(__always)
func luma(_ r: Float, _ g: Float, _ b: Float) -> Float { 0.299 * r + 0.587 * g + 0.114 * b }
