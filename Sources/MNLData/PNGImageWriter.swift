import MNLTensor

/// Writes a tensor as a PNG file: [height, width] or [height, width, 1] grey, [height, width, 3]
/// RGB. Float32 images hold [0, 1] (clamped, as `load_image` returns them), integer images
/// 0…255, bool images black and white. The file is replaced atomically.
public enum PNGImageWriter {
  public static func write(_ path: String, image: Tensor) throws {
    try AtomicFile.write(try encode(image, file: path), to: path)
  }

  public static func encode(_ image: Tensor, file: String = "") throws -> [UInt8] {
    let shape = image.shape
    let kind: PNGEncoder.ColorKind
    switch (shape.count, shape.last) {
    case (2, _): kind = .grey
    case (3, 1): kind = .grey
    case (3, 3): kind = .rgb
    default:
      throw DataError(
        file: file,
        "a PNG image must be [height, width] (grey), [height, width, 1] or [height, width, 3] (RGB), not \(formatShape(shape))")
    }
    guard shape[0] > 0, shape[1] > 0 else {
      throw DataError(file: file, "a PNG image must not be empty, got shape \(formatShape(shape))")
    }
    var pixels = [UInt8]()
    pixels.reserveCapacity(image.count)
    try image.withUnsafeBufferPointer { values in
      for v in values {
        guard !v.isNaN else { throw DataError(file: file, "the image contains NaN") }
        switch image.dtype {
        case .float32: pixels.append(UInt8((min(max(v, 0), 1) * 255).rounded()))
        case .bool: pixels.append(v != 0 ? 255 : 0)
        default:
          guard v >= 0, v <= 255 else {
            throw DataError(file: file, "\(image.dtype.rawValue) pixel value \(Int(v)) is outside 0…255")
          }
          pixels.append(UInt8(v))
        }
      }
    }
    do {
      return try PNGEncoder.encode(width: shape[1], height: shape[0], kind: kind, pixels: pixels)
    } catch let e as DataError {
      throw DataError(file: file, e.message)
    }
  }
}
