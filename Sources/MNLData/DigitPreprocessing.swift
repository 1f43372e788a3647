import MNLTensor

/// Prepares any picture of a single digit the way MNIST's images were made, so a model
/// trained on MNIST can read it:
/// 0. salt-and-pepper noise is median-filtered, and a light page inside a dark surround (a
///    photo of paper on a desk) is cropped out (DigitImpulseNoise, DigitPageDetection);
/// 1. grey levels in [0, 1]; if the border is mostly light (a dark digit on paper), invert, so
///    the digit is light on dark;
/// 2. remove uneven lighting (a plane fitted to the border is subtracted) and
///    paper noise (residuals below 3σ of the background's own spread), then stretch contrast so
///    the brightest pixel is 1;
/// 3. crop to the digit's bounding box, found from pixels of at least 20% intensity, after
///    trimming the box's edges while they hold under 0.5% of the digit's ink (specks of noise);
/// 4. scale the box to fit 20×20 keeping its aspect ratio (area averaging when shrinking,
///    bilinear when enlarging);
/// 5. place it in a 28×28 black image so its centre of mass is at pixel (14, 14), where MNIST's
///    are, shifted by whole pixels and kept entirely inside the image.
/// A blank image (no contrast at all) is an error, not a guess.
public enum DigitPreprocessing {
  public static let canvasSize = 28
  public static let digitSize = 20
  static let inkThreshold: Float = 0.2
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
    return try prepareGrey(pixels, height: height, width: width)
  }

  /// `prepare` from grey levels in [0, 1], row-major.
  static func prepareGrey(_ grey: [Float], height: Int, width: Int) throws -> Tensor {
    var pixels = grey
    removeImpulseNoise(&pixels, height: height, width: width)
    if let page = pageRegion(pixels, height: height, width: width) {
      var cropped = [Float](repeating: 0, count: page.height * page.width)
      for y in 0..<page.height {
        for x in 0..<page.width { cropped[y * page.width + x] = pixels[(page.top + y) * width + page.left + x] }
      }
      return try prepareGrey(cropped, height: page.height, width: page.width)
    }

    var border: [Float] = []
    for x in 0..<width { border += [pixels[x], pixels[(height - 1) * width + x]] }
    for y in 0..<height { border += [pixels[y * width], pixels[y * width + width - 1]] }
    if median(border) > 0.5 {
      for i in pixels.indices { pixels[i] = 1 - pixels[i] }
    }
    subtractBackground(&pixels, height: height, width: width)
    let peak = pixels.max() ?? 0
    guard peak >= minimumContrast else {
      throw TensorError("no digit found: the image is blank (contrast \(peak))")
    }
    // Stretch so the brightest ink is 1.
    for i in pixels.indices { pixels[i] /= peak }

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

  /// Removes uneven lighting: a plane a + b·x + c·y is fitted by least squares to the pixels of
  /// a thin border ring (where there is paper, not digit; ink touching the border is dropped as
  /// an outlier and the plane refitted) and subtracted; then the residual noise is cut off.
  static func subtractBackground(_ pixels: inout [Float], height: Int, width: Int) {
    let ring = max(1, min(height, width) / 20)
    var samples: [(x: Double, y: Double, v: Double)] = []
    let sx = 1 / Double(max(width - 1, 1))
    let sy = 1 / Double(max(height - 1, 1))
    for y in 0..<height {
      for x in 0..<width where y < ring || y >= height - ring || x < ring || x >= width - ring {
        samples.append((Double(x) * sx, Double(y) * sy, Double(pixels[y * width + x])))
      }
    }
    var plane = fitPlane(samples)
    let residuals = samples.map { $0.v - plane.a - plane.b * $0.x - plane.c * $0.y }
    let spread = 1.4826 * Double(median(residuals.map { Float(abs($0)) }))
    let kept = zip(samples, residuals).filter { $0.1 <= 3 * spread + 1e-6 }.map(\.0)
    if kept.count >= 3 { plane = fitPlane(kept) }
    for y in 0..<height {
      for x in 0..<width {
        let background = plane.a + plane.b * Double(x) * sx + plane.c * Double(y) * sy
        pixels[y * width + x] -= Float(background)
      }
    }
    // What is left of the background is noise around 0; the digit is far above it. Below 0 there
    // is only background, so the negative residuals measure the noise whatever the digit's size:
    // σ ≈ 1.4826 × their median magnitude. Cutting below 3σ keeps paper texture from becoming a
    // grey haze. Clean images (MNIST) have σ = 0 and are untouched.
    let negatives = pixels.filter { $0 < 0 }.map { -$0 }
    let sigma = negatives.count * 4 >= pixels.count / 10 ? 1.4826 * median(negatives) : 0
    let floor = 3 * sigma
    for i in pixels.indices { pixels[i] = max(0, pixels[i] - floor) }
  }

  /// The bounding box of pixels at or above the ink threshold, with faint outliers trimmed.
  /// Least-squares plane through the samples; a constant (their mean) when the geometry is degenerate.
  static func fitPlane(_ samples: [(x: Double, y: Double, v: Double)]) -> (a: Double, b: Double, c: Double) {
    let n = Double(samples.count)
    guard n > 0 else { return (0, 0, 0) }
    var (sx, sy, sv, sxx, syy, sxy, sxv, syv) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    for s in samples {
      sx += s.x; sy += s.y; sv += s.v
      sxx += s.x * s.x; syy += s.y * s.y; sxy += s.x * s.y
      sxv += s.x * s.v; syv += s.y * s.v
    }
    // Normal equations [n sx sy; sx sxx sxy; sy sxy syy]·[a b c] = [sv sxv syv], by Cramer's rule.
    func det(_ m: [[Double]]) -> Double {
      m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    }
    let m = [[n, sx, sy], [sx, sxx, sxy], [sy, sxy, syy]]
    let d = det(m)
    guard abs(d) > 1e-9 * n * n * n else { return (sv / n, 0, 0) }
    let rhs = [sv, sxv, syv]
    func replaced(_ column: Int) -> [[Double]] {
      (0..<3).map { r in (0..<3).map { c in c == column ? rhs[r] : m[r][c] } }
    }
    return (det(replaced(0)) / d, det(replaced(1)) / d, det(replaced(2)) / d)
  }

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
    // MNIST's centres of mass average (14.0, 14.0) in pixel indices (measured on its test set),
    // half a pixel below and right of the geometric centre 13.5: match the data, not the geometry.
    let centre = Float(canvasSize) / 2
    let (comY, comX) = mass > 0 ? (sumY / mass, sumX / mass) : (Float(height - 1) / 2, Float(width - 1) / 2)
    let top = min(max(Int((centre - comY).rounded()), 0), canvasSize - height)
    let left = min(max(Int((centre - comX).rounded()), 0), canvasSize - width)
    var canvas = [Float](repeating: 0, count: canvasSize * canvasSize)
    for y in 0..<height {
      for x in 0..<width { canvas[(top + y) * canvasSize + left + x] = digit[y * width + x] }
    }
    return try Tensor(shape: [canvasSize, canvasSize], values: canvas)
  }

  /// The median; for large inputs (photos have millions of pixels) a 65,536-bin histogram
  /// gives it to within 1/65,536 of the value range without sorting.
  static func median(_ values: [Float]) -> Float {
    guard values.count > 4096 else {
      let sorted = values.sorted()
      return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
    var low = Float.infinity
    var high = -Float.infinity
    for v in values {
      low = min(low, v)
      high = max(high, v)
    }
    guard high > low else { return low }
    let bins = 65536
    let scale = Float(bins - 1) / (high - low)
    var histogram = [Int](repeating: 0, count: bins)
    for v in values { histogram[min(bins - 1, Int((v - low) * scale))] += 1 }
    var seen = 0
    for (bin, n) in histogram.enumerated() {
      seen += n
      if seen > values.count / 2 { return low + (Float(bin) + 0.5) / scale }
    }
    return high
  }
}

/// `DigitPreprocessing.prepare`: an image [h, w] in [0, 1] → an MNIST-style [28, 28] digit.
public func prepareDigit(_ image: Tensor) throws -> Tensor {
  try DigitPreprocessing.prepare(image)
}
