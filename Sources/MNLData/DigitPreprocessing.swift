import MNLTensor

/// Prepares any picture of a single digit the way MNIST's images were made, so a model
/// trained on MNIST can read it:
/// 1. grey levels in [0, 1]; if the border is mostly light (a dark digit on paper), invert, so
///    the digit is light on dark;
/// 2. stretch contrast: the border's median becomes 0 and the brightest pixel 1;
/// 3. crop to the digit's bounding box, found from pixels of at least 25% intensity, after
///    trimming the box's edges while they hold under 0.5% of the digit's ink (specks of noise);
/// 4. scale the box to fit 20×20 keeping its aspect ratio (area averaging when shrinking,
///    bilinear when enlarging);
/// 5. place it in a 28×28 black image so its centre of mass is at the centre, shifted by
///    whole pixels and kept entirely inside the image.
/// A blank image (no contrast at all) is an error, not a guess.
public enum DigitPreprocessing {
  public static let canvasSize = 28
  public static let digitSize = 20
  static let inkThreshold: Float = 0.25
  static let noiseInkFraction: Float = 0.005
  static let minimumContrast: Float = 0.1

  public static func prepare(_ image: Tensor) throws -> Tensor {
    guard image.rank == 2, image.shape[0] > 0, image.shape[1] > 0 else {
      throw TensorError("a digit image must be a non-empty 2-D tensor [height, width], not \(formatShape(image.shape))")
    }
    let height = image.shape[0]
    let width = image.shape[1]
    var pixels = image.values
    guard pixels.allSatisfy({ $0.isFinite }) else { throw TensorError("the digit image contains NaN or infinity") }
    // Integer images hold 0…255.
    let scale: Float = image.dtype == .float32 ? 1 : 1 / 255
    for i in pixels.indices { pixels[i] = min(max(pixels[i] * scale, 0), 1) }

    var border: [Float] = []
    for x in 0..<width { border += [pixels[x], pixels[(height - 1) * width + x]] }
    for y in 0..<height { border += [pixels[y * width], pixels[y * width + width - 1]] }
    if median(border) > 0.5 {
      for i in pixels.indices { pixels[i] = 1 - pixels[i] }
      border = border.map { 1 - $0 }
    }
    let background = median(border)
    let peak = pixels.max() ?? 0
    guard peak - background >= minimumContrast else {
      throw TensorError("no digit found: the image is blank (contrast \(peak - background))")
    }
    for i in pixels.indices { pixels[i] = min(max((pixels[i] - background) / (peak - background), 0), 1) }

    let box = inkBox(pixels, height: height, width: width)
    var crop = [Float](repeating: 0, count: box.height * box.width)
    for y in 0..<box.height {
      for x in 0..<box.width { crop[y * box.width + x] = pixels[(box.top + y) * width + box.left + x] }
    }
    let fit = Float(digitSize) / Float(max(box.height, box.width))
    let newHeight = min(digitSize, max(1, Int((Float(box.height) * fit).rounded())))
    let newWidth = min(digitSize, max(1, Int((Float(box.width) * fit).rounded())))
    let digit = resample(crop, height: box.height, width: box.width, toHeight: newHeight, toWidth: newWidth)
    return try centred(digit, height: newHeight, width: newWidth)
  }

  /// The bounding box of pixels at or above the ink threshold, with faint outliers trimmed.
  static func inkBox(_ pixels: [Float], height: Int, width: Int) -> (top: Int, left: Int, height: Int, width: Int) {
    var rowInk = [Float](repeating: 0, count: height)
    var columnInk = [Float](repeating: 0, count: width)
    for y in 0..<height {
      for x in 0..<width where pixels[y * width + x] >= inkThreshold {
        rowInk[y] += pixels[y * width + x]
        columnInk[x] += pixels[y * width + x]
      }
    }
    let (top, bottom) = trimmedRange(rowInk)
    let (left, right) = trimmedRange(columnInk)
    return (top, left, bottom - top + 1, right - left + 1)
  }

  /// First and last index after dropping the ends while they hold under `noiseInkFraction` of the total.
  static func trimmedRange(_ ink: [Float]) -> (Int, Int) {
    let allowance = noiseInkFraction * ink.reduce(0, +)
    var first = 0
    var dropped: Float = 0
    while first < ink.count - 1, ink[first] == 0 || dropped + ink[first] < allowance {
      dropped += ink[first]
      first += 1
    }
    var last = ink.count - 1
    dropped = 0
    while last > first, ink[last] == 0 || dropped + ink[last] < allowance {
      dropped += ink[last]
      last -= 1
    }
    return (first, last)
  }

  /// For each output position, the input positions and weights that make it.
  static func weights(from source: Int, to target: Int) -> [[(Int, Float)]] {
    let ratio = Float(source) / Float(target)
    return (0..<target).map { o in
      if target <= source {
        // Area averaging: the output pixel covers [o·ratio, (o+1)·ratio) of the input.
        let start = Float(o) * ratio
        let end = start + ratio
        var taps: [(Int, Float)] = []
        var i = Int(start)
        while i < source, Float(i) < end {
          let overlap = min(end, Float(i + 1)) - max(start, Float(i))
          if overlap > 0 { taps.append((i, overlap / ratio)) }
          i += 1
        }
        return taps
      }
      // Bilinear, pixel centres aligned.
      let x = max(0, (Float(o) + 0.5) * ratio - 0.5)
      let i0 = min(Int(x), source - 1)
      let i1 = min(i0 + 1, source - 1)
      let f = x - Float(i0)
      return [(i0, 1 - f), (i1, f)]
    }
  }

  static func resample(_ pixels: [Float], height: Int, width: Int, toHeight: Int, toWidth: Int) -> [Float] {
    let across = weights(from: width, to: toWidth)
    let down = weights(from: height, to: toHeight)
    var rows = [Float](repeating: 0, count: height * toWidth)
    for y in 0..<height {
      for (x, taps) in across.enumerated() {
        rows[y * toWidth + x] = taps.reduce(0) { $0 + $1.1 * pixels[y * width + $1.0] }
      }
    }
    var out = [Float](repeating: 0, count: toHeight * toWidth)
    for (y, taps) in down.enumerated() {
      for x in 0..<toWidth {
        out[y * toWidth + x] = min(1, taps.reduce(0) { $0 + $1.1 * rows[$1.0 * toWidth + x] })
      }
    }
    return out
  }

  /// Places the digit in the canvas so its centre of mass lands on the canvas centre.
  static func centred(_ digit: [Float], height: Int, width: Int) throws -> Tensor {
    var mass: Float = 0
    var sumY: Float = 0
    var sumX: Float = 0
    for y in 0..<height {
      for x in 0..<width {
        let v = digit[y * width + x]
        mass += v
        sumY += v * Float(y)
        sumX += v * Float(x)
      }
    }
    let centre = Float(canvasSize - 1) / 2
    let (comY, comX) = mass > 0 ? (sumY / mass, sumX / mass) : (Float(height - 1) / 2, Float(width - 1) / 2)
    let top = min(max(Int((centre - comY).rounded()), 0), canvasSize - height)
    let left = min(max(Int((centre - comX).rounded()), 0), canvasSize - width)
    var canvas = [Float](repeating: 0, count: canvasSize * canvasSize)
    for y in 0..<height {
      for x in 0..<width { canvas[(top + y) * canvasSize + left + x] = digit[y * width + x] }
    }
    return try Tensor(shape: [canvasSize, canvasSize], values: canvas)
  }

  static func median(_ values: [Float]) -> Float {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
  }
}

/// `DigitPreprocessing.prepare`: an image [h, w] in [0, 1] → an MNIST-style [28, 28] digit.
public func prepareDigit(_ image: Tensor) throws -> Tensor {
  try DigitPreprocessing.prepare(image)
}
