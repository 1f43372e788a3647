import Foundation
import MNLTensor
import XCTest

@testable import MNLData

/// The `:predict` path on pictures made like photos of paper: ImageMagick draws a dark digit on
/// a light, unevenly lit, noisy background; the prepared image must match the same digit drawn
/// cleanly, MNIST-style (light on black), up to a one-pixel shift.
final class PhotoDigitTests: XCTestCase {
  func testNoisyPaperPhotoMatchesACleanRendering() throws {
    guard let convert = TestSupport.imageMagickConvert() else { throw TestSupport.missingPrerequisite("ImageMagick is not installed (apt-get install imagemagick)") }
    let dir = try TestSupport.temporaryDirectory(self)
    for digit in 0...9 {
      let photo = dir + "/photo\(digit).png"
      let clean = dir + "/clean\(digit).pgm"
      let glyph = ["-font", "DejaVu-Sans", "-pointsize", "90", "-annotate", "+\(30 + 7 * digit)+100", "\(digit)"]
      let photoArguments =
        ["-size", "160x120", "gradient:gray88-gray68", "-fill", "gray20"] + glyph
        + ["-attenuate", "0.4", "+noise", "Gaussian", "-type", "TrueColor", photo]
      XCTAssertEqual(try TestSupport.run(convert, photoArguments).status, 0)
      let cleanArguments = ["-size", "160x120", "xc:black", "-fill", "white"] + glyph + ["-depth", "8", clean]
      XCTAssertEqual(try TestSupport.run(convert, cleanArguments).status, 0)

      let fromPhoto = try prepareDigit(try ImageFile.readGrey(photo))
      let fromClean = try prepareDigit(try ImageFile.readGrey(clean))
      // Centring shifts by whole pixels (as MNIST did), so two renderings may sit one pixel apart.
      let similarity = bestShiftedCosine(fromPhoto, fromClean)
      XCTAssertEqual(fromPhoto.values[0], 0, "digit \(digit): the paper became black")
      XCTAssertGreaterThan(similarity, 0.95, "digit \(digit):\n\(ascii(fromPhoto))\n\(ascii(fromClean))")
      let photoMass = fromPhoto.values.reduce(0, +)
      let cleanMass = fromClean.values.reduce(0, +)
      XCTAssertEqual(photoMass / cleanMass, 1, accuracy: 0.25, "digit \(digit): paper noise adds little ink")
      print("digit \(digit) photographed on paper vs drawn clean: cosine \(similarity)")
    }
  }

  /// A photo of a page on a desk: a light sheet, with the dark digit on it, inside a dark
  /// surround that also makes the image's border dark.
  func testPageOnADarkDeskIsFound() throws {
    try compareWithCleanRendering("page") { digit, glyph, path in
      ["-size", "220x200", "xc:gray15", "-fill", "gray85", "-draw", "rectangle 30,25 190,175",
       "-fill", "gray10"] + glyph + ["-attenuate", "0.2", "+noise", "Gaussian", path]
    }
  }

  /// Heavy salt-and-pepper noise is median-filtered before the digit is cropped.
  func testSaltAndPepperNoiseIsFiltered() throws {
    try compareWithCleanRendering("impulse") { digit, glyph, path in
      ["-size", "160x120", "xc:white", "-fill", "black"] + glyph
        + ["-attenuate", "0.5", "+noise", "Impulse", "-colorspace", "Gray", path]
    }
  }

  /// Draws each digit with `photoArguments(digit, glyph, path)` and checks that the prepared
  /// image matches the same digit drawn cleanly (light on black).
  func compareWithCleanRendering(
    _ name: String, _ photoArguments: (Int, [String], String) -> [String]
  ) throws {
    guard let convert = TestSupport.imageMagickConvert() else {
      throw TestSupport.missingPrerequisite("ImageMagick is not installed (apt-get install imagemagick)")
    }
    let dir = try TestSupport.temporaryDirectory(self)
    for digit in 0...9 {
      let photo = dir + "/\(name)\(digit).png"
      let clean = dir + "/clean\(digit).pgm"
      let glyph = ["-font", "DejaVu-Sans", "-pointsize", "90", "-gravity", "center", "-annotate", "+0+0", "\(digit)"]
      XCTAssertEqual(try TestSupport.run(convert, photoArguments(digit, glyph, photo)).status, 0)
      let cleanArguments = ["-size", "160x120", "xc:black", "-fill", "white"] + glyph + ["-depth", "8", clean]
      XCTAssertEqual(try TestSupport.run(convert, cleanArguments).status, 0)
      let fromPhoto = try prepareDigit(try ImageFile.readGrey(photo))
      let fromClean = try prepareDigit(try ImageFile.readGrey(clean))
      let similarity = bestShiftedCosine(fromPhoto, fromClean)
      XCTAssertGreaterThan(similarity, 0.9, "\(name) digit \(digit):\n\(ascii(fromPhoto))\n\(ascii(fromClean))")
      print("\(name) digit \(digit) vs drawn clean: cosine \(similarity)")
    }
  }

  func ascii(_ t: Tensor) -> String {
    (0..<28).map { y in
      String((0..<28).map { x -> Character in
        let v = t.values[y * 28 + x]
        return v > 0.6 ? "#" : v > 0.2 ? "+" : v > 0.02 ? "." : " "
      })
    }.joined(separator: "\n")
  }

  func bestShiftedCosine(_ a: Tensor, _ b: Tensor) -> Float {
    var best: Float = -1
    for dy in -1...1 {
      for dx in -1...1 {
        var shifted = [Float](repeating: 0, count: 28 * 28)
        for y in 0..<28 {
          for x in 0..<28 where (0..<28).contains(y + dy) && (0..<28).contains(x + dx) {
            shifted[(y + dy) * 28 + x + dx] = b.values[y * 28 + x]
          }
        }
        best = max(best, cosine(a, (try? Tensor(shape: [28, 28], values: shifted)) ?? b))
      }
    }
    return best
  }

  func cosine(_ a: Tensor, _ b: Tensor) -> Float {
    let dot = zip(a.values, b.values).reduce(0) { $0 + $1.0 * $1.1 }
    let na = a.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let nb = b.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return dot / (na * nb)
  }
}
