import MNLTensor
import Testing
@testable import MNLDisplay

@Suite struct TerminalImageTests {
  @Test func plainDigitHasTheRightShapeAndNoEscapes() throws {
    let text = try TerminalImage.render(ringDigit(), capabilities: .plain)
    let rows = lines(text)
    #expect(rows.count == 28)
    #expect(!text.contains(escape))
    #expect(rows.allSatisfy { $0.count <= 56 })
    let allowed = Set(TerminalImage.plainRamp)
    #expect(text.allSatisfy { $0 == "\n" || allowed.contains($0) })
    // A ring: the middle row has ink on both sides of an empty centre.
    let middle = Array(rows[14])
    #expect(middle.count > 40)
    #expect(middle[26] == " " && middle[27] == " ")
    #expect(middle.contains("@"))
    // The top and bottom rows are blank.
    #expect(rows[0].isEmpty && rows[27].isEmpty)
  }

  @Test func halfBlocksUseTwoPixelRowsPerLine() throws {
    let text = try TerminalImage.render(ringDigit(), capabilities: colourTerminal)
    let rows = lines(text)
    #expect(rows.count == 14)
    for row in rows {
      #expect(stripEscapes(row) == String(repeating: "\u{2580}", count: 28))
      #expect(row.hasSuffix("\u{1B}[0m"))
    }
    #expect(text.contains("38;5;231m"))  // white ink
    #expect(text.contains("48;5;16m"))  // black background
    #expect(!text.contains(";2;"))
  }

  @Test func truecolourUsesRGBGreys() throws {
    let text = try TerminalImage.render(ringDigit(), capabilities: trueColourTerminal)
    #expect(text.contains("38;2;255;255;255m"))
    #expect(text.contains("48;2;0;0;0m"))
  }

  @Test func oddHeightLeavesLastLowerHalfToTheTerminal() throws {
    let image = try Tensor(shape: [3, 2], values: [0, 1, 1, 0, 0.5, 0.5])
    let rows = lines(try TerminalImage.render(image, capabilities: colourTerminal))
    #expect(rows.count == 2)
    #expect(rows[1].contains("\u{1B}[49m"))
  }

  @Test func valuesOutsideUnitRangeAreStretchedByMinMax() throws {
    let image = try GreyImage(Tensor(shape: [1, 3], values: [-2, 0, 2]))
    #expect(image.pixels == [0, 0.5, 1])
    let unit = try GreyImage(Tensor(shape: [1, 3], values: [0, 0.25, 0.5]))
    #expect(unit.pixels == [0, 0.25, 0.5])  // kept, not stretched
    let flat = try GreyImage(Tensor(shape: [2, 2], repeating: 7))
    #expect(flat.pixels == [0.5, 0.5, 0.5, 0.5])
  }

  @Test func acceptedShapes() throws {
    let row = Tensor(shape: [784], repeating: 0.3)
    let image = try GreyImage(row)
    #expect(image.width == 28 && image.height == 28)
    let batchOfOne = try GreyImage(Tensor(shape: [1, 28, 28], repeating: 0))
    #expect(batchOfOne.width == 28 && batchOfOne.height == 28)
    #expect(throws: DisplayError.self) { try GreyImage(Tensor(shape: [10], repeating: 0)) }
    #expect(throws: DisplayError.self) { try GreyImage(Tensor(shape: [2, 3, 4], repeating: 0)) }
    #expect(throws: DisplayError.self) { try GreyImage(Tensor(scalar: 1)) }
    #expect(throws: DisplayError.self) { try GreyImage(Tensor(shape: [0, 4], repeating: 0)) }
  }

  @Test func wideImagesAreShrunkToTheTerminalWidth() throws {
    let wide = Tensor(shape: [10, 200], repeating: 1)
    let narrow = TerminalCapabilities(isTerminal: true, colorMode: .palette256, width: 50)
    let rows = lines(try TerminalImage.render(wide, capabilities: narrow))
    #expect(rows.allSatisfy { stripEscapes($0).count <= 50 })
    let plainRows = lines(try TerminalImage.render(wide, capabilities: .plain))
    #expect(plainRows.allSatisfy { $0.count <= 80 })
  }
}
