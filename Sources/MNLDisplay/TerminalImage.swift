import MNLTensor

/// Errors from display functions (bad shapes, unwritable files).
public struct DisplayError: Error, CustomStringConvertible, Sendable, Equatable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// A grey image with values in [0, 1], row-major, extracted from a tensor.
public struct GreyImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  public let pixels: [Double]

  public init(width: Int, height: Int, pixels: [Double]) {
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  public subscript(row: Int, column: Int) -> Double { pixels[row * width + column] }

  /// Accepts a 2-D tensor, a tensor whose extra dimensions are all 1 (e.g. [1, 28, 28]),
  /// or a 1-D tensor of square length (an MNIST row of 784 becomes 28×28).
  /// Values already in [0, 1] are kept; any other range is stretched by min/max.
  public init(_ tensor: Tensor) throws {
    let (height, width) = try Self.imageDimensions(of: tensor.shape)
    let values = tensor.values.map(Double.init)
    var low = Double.infinity
    var high = -Double.infinity
    for v in values where v.isFinite {
      low = min(low, v)
      high = max(high, v)
    }
    let normalised: [Double]
    if low >= 0 && high <= 1 {
      normalised = values.map { $0.isFinite ? $0 : 0 }
    } else if low < high {
      normalised = values.map { $0.isFinite ? ($0 - low) / (high - low) : 0 }
    } else {
      // Constant image (or no finite values): mid grey says "flat", not "empty".
      normalised = values.map { _ in 0.5 }
    }
    self.init(width: width, height: height, pixels: normalised)
  }

  static func imageDimensions(of shape: [Int]) throws -> (height: Int, width: Int) {
    if shape.count == 1 {
      let n = shape[0]
      var side = 0
      while (side + 1) * (side + 1) <= n { side += 1 }
      guard n > 0, side * side == n else {
        throw DisplayError(
          "cannot show a tensor of shape \(formatShape(shape)) as an image: need 2-D (or a square number of elements)")
      }
      return (side, side)
    }
    let large = shape.filter { $0 != 1 }
    guard shape.count >= 2, large.count <= 2, !shape.contains(0) else {
      throw DisplayError("cannot show a tensor of shape \(formatShape(shape)) as an image: need 2-D")
    }
    if large.count == 2 { return (large[0], large[1]) }
    // [1, n] or [n, 1]: keep the tensor's own orientation.
    return (shape[shape.count - 2], shape[shape.count - 1])
  }

  /// Shrinks by averaging blocks so the image is at most `maxWidth` pixels wide.
  public func fitting(width maxWidth: Int) -> GreyImage {
    guard width > maxWidth, maxWidth > 0 else { return self }
    let factor = (width + maxWidth - 1) / maxWidth
    let newWidth = (width + factor - 1) / factor
    let newHeight = (height + factor - 1) / factor
    var out = [Double](repeating: 0, count: newWidth * newHeight)
    for r in 0..<newHeight {
      for c in 0..<newWidth {
        var sum = 0.0
        var n = 0
        for rr in (r * factor)..<min((r + 1) * factor, height) {
          for cc in (c * factor)..<min((c + 1) * factor, width) {
            sum += self[rr, cc]
            n += 1
          }
        }
        out[r * newWidth + c] = n > 0 ? sum / Double(n) : 0
      }
    }
    return GreyImage(width: newWidth, height: newHeight, pixels: out)
  }
}

/// Renders grey images as text: Unicode half blocks with colours on a capable terminal
/// (one character cell = two pixels stacked), otherwise an ASCII density ramp.
public enum TerminalImage {
  /// Dark to light; a pixel of value v uses ramp[v * (count - 1)].
  public static let plainRamp: [Character] = Array(" .:-=+*#%@")
  static let upperHalfBlock = "\u{2580}"  // ▀

  /// `show(x)`: the picture as a string of lines ending in "\n".
  public static func render(_ tensor: Tensor, capabilities: TerminalCapabilities) throws -> String {
    render(try GreyImage(tensor), capabilities: capabilities)
  }

  public static func render(_ image: GreyImage, capabilities: TerminalCapabilities) -> String {
    if capabilities.colorMode == .none {
      return renderPlain(image, maxWidth: capabilities.width)
    }
    return renderHalfBlocks(image, mode: capabilities.colorMode, maxWidth: capabilities.width)
  }

  /// Each cell: the upper pixel as foreground of ▀, the lower pixel as background.
  /// Every line ends with a reset so colours never leak into the following text.
  public static func renderHalfBlocks(_ image: GreyImage, mode: ColorMode, maxWidth: Int) -> String {
    let fitted = image.fitting(width: maxWidth)
    var out = ""
    var row = 0
    while row < fitted.height {
      // Colours are sent only when they change: a black background costs nothing per cell.
      var lastForeground = ""
      var lastBackground = ""
      for c in 0..<fitted.width {
        let foreground = ANSI.foreground(grey: fitted[row, c], mode: mode)
        // Odd height: the last lower half is the terminal's own background.
        let background =
          row + 1 < fitted.height ? ANSI.background(grey: fitted[row + 1, c], mode: mode) : "\u{1B}[49m"
        if foreground != lastForeground { out += foreground }
        if background != lastBackground { out += background }
        lastForeground = foreground
        lastBackground = background
        out += upperHalfBlock
      }
      out += ANSI.reset + "\n"
      row += 2
    }
    return out
  }

  /// Two characters per pixel so the picture keeps its proportions (cells are ~2:1 tall).
  public static func renderPlain(_ image: GreyImage, maxWidth: Int) -> String {
    let fitted = image.fitting(width: max(maxWidth / 2, 1))
    var out = ""
    for r in 0..<fitted.height {
      var line = ""
      for c in 0..<fitted.width {
        let level = Int((fitted[r, c] * Double(plainRamp.count - 1)).rounded())
        let ch = plainRamp[min(max(level, 0), plainRamp.count - 1)]
        line.append(ch)
        line.append(ch)
      }
      // Trailing spaces carry no picture; trimming keeps logs and golden files tidy.
      while line.last == " " { line.removeLast() }
      out += line + "\n"
    }
    return out
  }
}
