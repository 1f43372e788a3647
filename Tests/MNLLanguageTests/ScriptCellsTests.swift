import Testing

@testable import MNLLanguage

@Suite struct ScriptCellsTests {
  @Test func markersSplitCellsWithTitlesAndFileLines() {
    let source = """
      # Header comment.

      #%% Load
      x = 1
      y = 2

      #%%
      print(x + y)
        #%%   Indented marker  
      z = 3
      """
    let cells = ScriptCells.split(source)
    #expect(cells.map(\.number) == [1, 2, 3])
    #expect(cells.map(\.title) == ["Load", "", "Indented marker"])
    #expect(cells.map(\.source) == ["x = 1\ny = 2", "print(x + y)", "z = 3"])
    #expect(cells.map(\.firstLine) == [4, 8, 10])
    // Padded so that line n of the cell is line n of the file.
    let padded = cells[2].sourceAtFileLines.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(padded.count == 10)
    #expect(padded[9] == "z = 3")
  }

  @Test func codeBeforeTheFirstMarkerIsACellButAHeaderCommentIsNot() {
    #expect(ScriptCells.split("# only a comment\n\n#%% a\nx = 1").map(\.title) == ["a"])
    let cells = ScriptCells.split("use \"nn\"\n#%% b\nx = 1")
    #expect(cells.map(\.title) == ["", "b"])
    #expect(cells[0].source == "use \"nn\"")
  }

  @Test func aFileWithoutMarkersIsOneCell() {
    let cells = ScriptCells.split("x = 1\nprint(x)\n")
    #expect(cells.count == 1)
    #expect(cells[0].source == "x = 1\nprint(x)")
    #expect(cells[0].firstLine == 1)
  }

  @Test func headerCommentLosesItsHashes() {
    #expect(ScriptCells.headerComment("# Title\n#   usage line\n\n# more\ncode()\n# not header") == "Title\n  usage line\n\nmore")
    #expect(ScriptCells.headerComment("x = 1\n# later") == "")
  }

  @Test func cellsShareStateAndErrorsPointAtFileLines() throws {
    let source = "#%% one\nx = 41\n#%% two\nx + 1\n#%% three\ny = nope + 1\n"
    let cells = ScriptCells.split(source)
    let interpreter = Interpreter(output: OutputSink(write: { _ in }))
    #expect(try interpreter.runCell(cells[0], path: "s.mnl") == nil)
    #expect(try interpreter.runCell(cells[1], path: "s.mnl")?.display() == "42")
    do {
      _ = try interpreter.runCell(cells[2], path: "s.mnl")
      Issue.record("an unknown name must fail")
    } catch let d as Diagnostic {
      #expect(d.location.description == "s.mnl:6:5")
    }
  }

  @Test func inputStatusTellsIncompleteFromInvalid() {
    #expect(InputStatus("x = 1") == .complete)
    #expect(InputStatus("fn f(x) {\n  x") == .incomplete)
    #expect(InputStatus("y = [1, 2") == .incomplete)
    #expect(InputStatus("x = )") == .invalid)
  }
}
