import MNLTensor

/// Reads an image file of any supported format as a grey [height, width] float32 tensor in
/// [0, 1], choosing the reader by the file's first bytes, not its name.
public enum ImageFile {
  public static func readGrey(_ path: String) throws -> Tensor {
    let bytes = try FileIO.readAll(path, limit: 1 << 30)
    guard !bytes.isEmpty else { throw DataError(file: path, "empty file (0 bytes): not an image") }
    if PNG.isPNG(bytes) { return try PNG.decode(bytes, file: path) }
    if bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(bytes[1]) {
      return try PGM.decode(bytes, file: path)
    }
    throw DataError(file: path, "unsupported image format: expected PNG or PGM/PPM (P2, P3, P5, P6)")
  }
}
