/// Photos of a digit on paper: the paper is a light page, and around it there is often a dark
/// desk or frame. Taken as a whole such an image has a dark border, so the usual steps would
/// take the page for the digit. When the image holds a large, nearly solid light region with
/// dark marks inside it (a page with writing), the page is cropped out first.
extension DigitPreprocessing {
  /// The smallest part of the image a page must cover, and how solid it must be: paper with
  /// writing on it is mostly paper (a bold light "0" on black, MNIST-style, fills its box only
  /// about 60–75%, which is why this is high).
  static let minimumPageArea: Float = 0.2
  static let minimumPageFill: Float = 0.8

  /// The page's bounding box, inset by a small margin to drop its edge (shadows, the cut);
  /// nil when there is no page (the border is light already, or no large solid light region
  /// encloses dark marks).
  static func pageRegion(_ pixels: [Float], height: Int, width: Int)
    -> (top: Int, left: Int, height: Int, width: Int)?
  {
    guard height >= 8, width >= 8 else { return nil }
    let threshold = otsuThreshold(pixels)
    let light = pixels.map { $0 > threshold }
    // Only an image whose own border is mostly dark can have a page inside it.
    var borderLight = 0
    var borderCount = 0
    for x in 0..<width { borderLight += (light[x] ? 1 : 0) + (light[(height - 1) * width + x] ? 1 : 0); borderCount += 2 }
    for y in 0..<height { borderLight += (light[y * width] ? 1 : 0) + (light[y * width + width - 1] ? 1 : 0); borderCount += 2 }
    guard borderLight * 2 < borderCount else { return nil }

    guard let page = largestComponent(of: light, height: height, width: width) else { return nil }
    let boxArea = page.height * page.width
    guard Float(boxArea) >= minimumPageArea * Float(height * width),
      Float(page.count) >= minimumPageFill * Float(boxArea)
    else { return nil }
    // Writing on the page: dark pixels inside its box that the dark surroundings do not reach.
    let outside = reachableFromBorder(light.map { !$0 }, height: height, width: width)
    var enclosed = 0
    for y in page.top..<(page.top + page.height) {
      for x in page.left..<(page.left + page.width) where !light[y * width + x] && !outside[y * width + x] {
        enclosed += 1
      }
    }
    guard enclosed > 0 else { return nil }
    let marginY = max(1, page.height / 50)
    let marginX = max(1, page.width / 50)
    guard page.height > 4 * marginY, page.width > 4 * marginX else { return nil }
    return (page.top + marginY, page.left + marginX, page.height - 2 * marginY, page.width - 2 * marginX)
  }

  /// Otsu's threshold: the grey level that best separates the histogram into two classes.
  static func otsuThreshold(_ pixels: [Float]) -> Float {
    var histogram = [Double](repeating: 0, count: 256)
    for p in pixels { histogram[min(255, max(0, Int(p * 255)))] += 1 }
    let total = Double(pixels.count)
    let weightedTotal = histogram.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element }
    var (below, weightedBelow, best, bestLevel) = (0.0, 0.0, -1.0, 127)
    for level in 0..<256 {
      below += histogram[level]
      weightedBelow += Double(level) * histogram[level]
      let above = total - below
      guard below > 0, above > 0 else { continue }
      let difference = weightedBelow / below - (weightedTotal - weightedBelow) / above
      let between = below * above * difference * difference
      if between > best { (best, bestLevel) = (between, level) }
    }
    return (Float(bestLevel) + 0.5) / 255
  }

  /// The largest 4-connected region of true pixels: its bounding box and pixel count.
  static func largestComponent(of mask: [Bool], height: Int, width: Int)
    -> (top: Int, left: Int, height: Int, width: Int, count: Int)?
  {
    var seen = [Bool](repeating: false, count: mask.count)
    var best: (top: Int, left: Int, height: Int, width: Int, count: Int)?
    var stack: [Int] = []
    for start in mask.indices where mask[start] && !seen[start] {
      var (top, left, bottom, right, count) = (Int.max, Int.max, 0, 0, 0)
      seen[start] = true
      stack.append(start)
      while let i = stack.popLast() {
        let (y, x) = (i / width, i % width)
        (top, bottom, left, right) = (min(top, y), max(bottom, y), min(left, x), max(right, x))
        count += 1
        for (ny, nx) in [(y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)]
        where ny >= 0 && ny < height && nx >= 0 && nx < width {
          let j = ny * width + nx
          if mask[j] && !seen[j] {
            seen[j] = true
            stack.append(j)
          }
        }
      }
      if count > (best?.count ?? 0) { best = (top, left, bottom - top + 1, right - left + 1, count) }
    }
    return best
  }

  /// The true pixels 4-connected to the image's border through true pixels.
  static func reachableFromBorder(_ mask: [Bool], height: Int, width: Int) -> [Bool] {
    var reached = [Bool](repeating: false, count: mask.count)
    var stack: [Int] = []
    func visit(_ i: Int) {
      if mask[i] && !reached[i] {
        reached[i] = true
        stack.append(i)
      }
    }
    for x in 0..<width { visit(x); visit((height - 1) * width + x) }
    for y in 0..<height { visit(y * width); visit(y * width + width - 1) }
    while let i = stack.popLast() {
      let (y, x) = (i / width, i % width)
      if y > 0 { visit(i - width) }
      if y < height - 1 { visit(i + width) }
      if x > 0 { visit(i - 1) }
      if x < width - 1 { visit(i + 1) }
    }
    return reached
  }
}
