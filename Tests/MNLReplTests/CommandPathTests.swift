import Foundation
import MNLLanguage
import Testing

@testable import MNLRepl

/// File names given to :predict and :load, quoted or not.
@Suite struct CommandPathTests {
  @Test func plainNamesMayHoldSpaces() throws {
    #expect(try commandPath("test54.pgm") == "test54.pgm")
    #expect(try commandPath("my five.png") == "my five.png")
  }

  @Test func quotesAreRemovedAndEscapesRead() throws {
    #expect(try commandPath("\"my five.png\"") == "my five.png")
    #expect(try commandPath("'my five.png'") == "my five.png")
    #expect(try commandPath(#""a \"quoted\" name.png""#) == #"a "quoted" name.png"#)
    #expect(try commandPath(#"'back\slash.png'"#) == #"back\slash.png"#)
  }

  @Test func tildeIsTheHomeDirectory() throws {
    let home = NSString(string: "~").expandingTildeInPath
    #expect(try commandPath("~/digits/7.png") == home + "/digits/7.png")
  }

  @Test func unbalancedQuotesAreErrors() {
    #expect(throws: CommandError.self) { try commandPath("\"my five.png") }
    #expect(throws: CommandError.self) { try commandPath("\"a.png\" extra") }
  }

  /// :predict opens a quoted file name with a space (the session's predict(image) answers).
  @Test func predictOpensAQuotedNameWithASpace() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-command-path-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("my five.pgm").path
    // An 8×8 PGM with a bright bar: a "digit" the preprocessing accepts.
    var pixels = [UInt8](repeating: 0, count: 64)
    for y in 1..<7 { pixels[y * 8 + 3] = 255; pixels[y * 8 + 4] = 255 }
    try Data(Array("P5\n8 8\n255\n".utf8) + pixels).write(to: URL(fileURLWithPath: file))
    final class Captured: @unchecked Sendable { var text = "" }
    let captured = Captured()
    let interpreter = Interpreter(output: OutputSink(write: { captured.text += $0 }))
    let repl = REPL(interpreter: interpreter, interactive: false, capabilities: .plain)
    #expect(repl.handle("fn predict(image) { 5 }") == nil)
    #expect(repl.handle(":predict \"\(file)\"") == nil)
    #expect(captured.text.contains("prediction: 5"), "\(captured.text)")
    #expect(repl.handle(":predict '\(file)'") == nil)
    #expect(repl.failedCells == 0)
  }
}
