import Testing
@testable import MNLRepl

@Suite struct CellAssemblerTests {
  /// Stand-in for the language's rule: brackets balanced and no trailing backslash.
  static func balanced(_ text: String) -> Bool {
    var depth = 0
    for ch in text {
      if "([{".contains(ch) { depth += 1 }
      if ")]}".contains(ch) { depth -= 1 }
    }
    return depth <= 0
  }

  @Test func continuesWhileBracketsAreOpen() {
    var assembler = CellAssembler(isComplete: Self.balanced)
    #expect(assembler.add("f = fn(x) {") == nil)
    #expect(!assembler.isEmpty)
    #expect(assembler.add("  x + 1") == nil)
    #expect(assembler.add("}") == "f = fn(x) {\n  x + 1\n}")
    #expect(assembler.isEmpty)
    #expect(assembler.add("1 + 2") == "1 + 2")
  }

  @Test func commandsAreOneLineAndBlankLinesAreSkipped() {
    var assembler = CellAssembler(isComplete: { _ in false })
    #expect(assembler.add("   ") == nil)
    #expect(assembler.isEmpty)
    #expect(assembler.add(":load x(.mnl") == ":load x(.mnl")
    #expect(assembler.add("y = [1,") == nil)
    #expect(assembler.add(":quit") == nil)  // inside an open bracket it is just text
    #expect(assembler.flush() == "y = [1,\n:quit")
    #expect(assembler.flush() == nil)
  }

  @Test func historyPath() {
    #expect(History.path(environment: ["HOME": "/home/u"]) == "/home/u/.mnl_history")
    #expect(History.path(environment: ["HOME": "/home/u", "MNL_HISTORY": "/tmp/h"]) == "/tmp/h")
    #expect(History.path(environment: ["HOME": "/home/u", "MNL_HISTORY": ""]) == nil)
    #expect(History.path(environment: [:]) == nil)
  }
}
