/// Salt-and-pepper noise (isolated pixels far from all their neighbours) would survive the
/// background subtraction and spread the ink box over the whole image. When such impulses are
/// more than a trace, a 3×3 median filter removes them before anything else; clean images
/// (MNIST, scans, renders) have next to none and are left untouched, so thin strokes survive.
extension DigitPreprocessing {
  /// Above this share of impulse pixels, and this many, the image is median-filtered: a clean
  /// digit has a handful of isolated pixels at most (stroke ends, specks: fewer than 16 in each
  /// of MNIST's 10,000 test digits, which DigitPreprocessingTests checks), salt-and-pepper
  /// noise hundreds.
  static let impulseFraction: Float = 0.002
  static let minimumImpulses = 16
  /// How far an impulse stands from every one of its neighbours.
  static let impulseStep: Float = 0.35

  static func removeImpulseNoise(_ pixels: inout [Float], height: Int, width: Int) {
    guard height >= 3, width >= 3 else { return }
    var impulses = 0
    for y in 1..<(height - 1) {
      for x in 1..<(width - 1) {
        let p = pixels[y * width + x]
        var above = true
        var below = true
        for dy in -1...1 {
          for dx in -1...1 where dy != 0 || dx != 0 {
            let q = pixels[(y + dy) * width + x + dx]
            if p - q < impulseStep { above = false }
            if q - p < impulseStep { below = false }
          }
        }
        if above || below { impulses += 1 }
      }
    }
    guard impulses >= minimumImpulses, Float(impulses) > impulseFraction * Float(height * width) else { return }
    pixels = medianFiltered(pixels, height: height, width: width)
  }

  /// Each pixel replaced by the median of its 3×3 neighbourhood (edges replicate the border).
  static func medianFiltered(_ pixels: [Float], height: Int, width: Int) -> [Float] {
    var out = pixels
    var window = [Float](repeating: 0, count: 9)
    for y in 0..<height {
      for x in 0..<width {
        var k = 0
        for dy in -1...1 {
          for dx in -1...1 {
            let yy = min(max(y + dy, 0), height - 1)
            let xx = min(max(x + dx, 0), width - 1)
            window[k] = pixels[yy * width + xx]
            k += 1
          }
        }
        window.sort()
        out[y * width + x] = window[4]
      }
    }
    return out
  }
}
