import MNLTensor

/// An image ready to be written as PNG: grey or RGB, values in [0, 1], row-major
/// (`channels` values per pixel). Made from tensors as `show` understands them.
public struct RasterImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// 1 (grey) or 3 (RGB).
  public let channels: Int
  public let pixels: [Double]

  public init(width: Int, height: Int, channels: Int, pixels: [Double]) {
    precondition(channels == 1 || channels == 3, "RasterImage: 1 or 3 channels")
    precondition(width >= 0 && height >= 0 && pixels.count == width * height * channels, "RasterImage: pixel count")
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  public init(_ grey: GreyImage) {
    self.init(width: grey.width, height: grey.height, channels: 1, pixels: grey.pixels)
  }

  /// A [height, width, 3] tensor is RGB; anything else goes through GreyImage's rules (2-D,
  /// extra dimensions of 1, a square 1-D length). Values in [0, 1] are kept, others stretched
  /// by min/max (over all channels, so colours keep their balance).
  public init(_ tensor: Tensor) throws {
    let shape = tensor.shape
    guard shape.count == 3, shape[2] == 3 else {
      self.init(try GreyImage(tensor))
      return
    }
    guard shape[0] > 0, shape[1] > 0 else {
      throw DisplayError("cannot show a tensor of shape \(formatShape(shape)) as an image: it is empty")
    }
    let values = tensor.values.map(Double.init)
    self.init(width: shape[1], height: shape[0], channels: 3, pixels: Self.normalised(values))
  }

  static func normalised(_ values: [Double]) -> [Double] {
    let finite = values.filter(\.isFinite)
    let low = finite.min() ?? 0
    let high = finite.max() ?? 0
    if low >= 0 && high <= 1 { return values.map { $0.isFinite ? $0 : 0 } }
    if low < high { return values.map { $0.isFinite ? ($0 - low) / (high - low) : 0 } }
    return values.map { _ in 0.5 }
  }

  /// The images of a batch: a [n, h, w] or [n, h, w, 3] tensor, or [n, k] rows of square length
  /// k (MNIST's [n, 784]); nil when the tensor is a single image.
  public static func batch(_ tensor: Tensor) throws -> [RasterImage]? {
    let shape = tensor.shape
    // [1, h, w] and [h, w, 3] stay single images; [28, 28] is an image, [100, 784] is 100 rows.
    let isBatch =
      shape.count == 4
      || (shape.count == 3 && shape[2] != 3 && shape[0] > 1)
      || (shape.count == 2 && shape[0] > 1 && shape[0] != shape[1] && shape[1] >= 64 && isSquare(shape[1]))
    guard isBatch else { return nil }
    guard shape.count != 4 || shape[3] == 3 || shape[3] == 1 else {
      throw DisplayError("cannot show a tensor of shape \(formatShape(shape)) as images: need [n, h, w] or [n, h, w, 3]")
    }
    guard shape[0] <= 1024 else {
      throw DisplayError("show(): \(shape[0]) images are too many for one grid (at most 1024; slice the batch)")
    }
    return try (0..<shape[0]).map { i in try RasterImage(tensor.indexed([.index(i)])) }
  }

  private static func isSquare(_ n: Int) -> Bool {
    var side = 0
    while (side + 1) * (side + 1) <= n { side += 1 }
    return side * side == n
  }

  /// Each pixel as a k×k block: small images (a 28×28 digit) become visible in a notebook.
  public func scaled(by factor: Int) -> RasterImage {
    guard factor > 1 else { return self }
    let w = width * factor
    var out = [Double](repeating: 0, count: w * height * factor * channels)
    for y in 0..<height * factor {
      for x in 0..<w {
        let source = ((y / factor) * width + x / factor) * channels
        for c in 0..<channels { out[(y * w + x) * channels + c] = pixels[source + c] }
      }
    }
    return RasterImage(width: w, height: height * factor, channels: channels, pixels: out)
  }

  /// The scale that makes the longer side about `target` pixels (1…8).
  public func automaticScale(target: Int = 200) -> Int {
    let side = max(width, height, 1)
    return max(1, min(8, target / side))
  }

  /// Images side by side in rows of `columns` (default: a near-square grid), separated by a
  /// `gap` of mid-grey so that black or white borders stay visible.
  public static func grid(_ images: [RasterImage], columns: Int? = nil, gap: Int = 2) -> RasterImage {
    guard !images.isEmpty else { return RasterImage(width: 0, height: 0, channels: 1, pixels: []) }
    var perRow = columns ?? 1
    if columns == nil { while perRow * perRow < images.count { perRow += 1 } }
    perRow = max(1, min(perRow, images.count))
    let rows = (images.count + perRow - 1) / perRow
    let cellW = images.map(\.width).max() ?? 0
    let cellH = images.map(\.height).max() ?? 0
    let channels = images.contains { $0.channels == 3 } ? 3 : 1
    let width = perRow * cellW + (perRow + 1) * gap
    let height = rows * cellH + (rows + 1) * gap
    var out = [Double](repeating: 0.5, count: width * height * channels)
    for (i, image) in images.enumerated() {
      let x0 = gap + (i % perRow) * (cellW + gap)
      let y0 = gap + (i / perRow) * (cellH + gap)
      for y in 0..<image.height {
        for x in 0..<image.width {
          let source = (y * image.width + x) * image.channels
          let target = ((y0 + y) * width + x0 + x) * channels
          for c in 0..<channels { out[target + c] = image.pixels[source + (image.channels == 3 ? c : 0)] }
        }
      }
    }
    return RasterImage(width: width, height: height, channels: channels, pixels: out)
  }

  /// Bytes 0…255, as PNG stores them.
  public var bytes: [UInt8] {
    pixels.map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
  }

  /// Luma (0.299 R + 0.587 G + 0.114 B), for the terminal's half blocks.
  public var grey: GreyImage {
    guard channels == 3 else { return GreyImage(width: width, height: height, pixels: pixels) }
    var out = [Double](repeating: 0, count: width * height)
    for i in 0..<out.count {
      out[i] = 0.299 * pixels[3 * i] + 0.587 * pixels[3 * i + 1] + 0.114 * pixels[3 * i + 2]
    }
    return GreyImage(width: width, height: height, pixels: out)
  }
}
