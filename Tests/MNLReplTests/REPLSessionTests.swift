import MNLLanguage
import MNLDisplay
import MNLTensor
import Testing
@testable import MNLRepl

/// Drives the REPL's cell handling directly (no terminal, no binary), with a stand-in
/// tensor built-in, since tensors come from another module's built-ins.
@Suite(.serialized) struct REPLSessionTests {
  final class Captured: @unchecked Sendable { var text = "" }

  func makeREPL() -> (REPL, Captured) {
    let captured = Captured()
    let interpreter = Interpreter(output: OutputSink(write: { captured.text += $0 }))
    interpreter.register(
      BuiltinFunction("filled", [.init("rows"), .init("columns"), .init("value")], doc: "A test tensor.") { ctx in
        .tensor(Tensor(shape: [try ctx.int(0), try ctx.int(1)], repeating: Float(try ctx.double(2))))
      })
    return (REPL(interpreter: interpreter, interactive: false, capabilities: .plain), captured)
  }

  @Test func cellsAreNumberedAndUnderscoreIsTheLastValue() {
    let (repl, out) = makeREPL()
    #expect(repl.handle("1 + 2") == nil)
    #expect(repl.handle("# only a comment") == nil)
    #expect(repl.handle("_ * 10") == nil)
    #expect(out.text == "[1]: 3\n[2]: 30\n")
  }

  @Test func largeTensorsShowStatistics() {
    let (repl, out) = makeREPL()
    _ = repl.handle("w = filled(40, 50, 0.25)")
    _ = repl.handle("w")
    #expect(out.text.hasPrefix("[2]: "))
    #expect(out.text.hasSuffix("min 0.25  max 0.25  mean 0.25  std 0\n"))
  }

  @Test func parameterRecordsShowAsTrees() {
    let (repl, out) = makeREPL()
    _ = repl.handle("net = {weight_1: filled(784, 500, 0), bias_1: filled(1, 500, 0)}")
    _ = repl.handle("net")
    #expect(out.text.hasPrefix("[2]: record: 2 tensors, 392,500 parameters\n├─ weight_1"))
    out.text = ""
    _ = repl.handle(":vars")
    #expect(out.text.contains("net   record  2 tensors, 392,500 parameters"))
  }

  @Test func errorsKeepTheSessionAndAreCounted() {
    let (repl, out) = makeREPL()
    _ = repl.handle("a = 5")
    _ = repl.handle("a + nope")
    _ = repl.handle("a")
    #expect(repl.failedCells == 1)
    #expect(out.text == "[3]: 5\n")
  }

  @Test func exitAndQuitEndTheSession() {
    let (repl, _) = makeREPL()
    #expect(repl.handle("exit(4)") == 4)
    #expect(repl.handle(":quit") == 0)
  }

  @Test func resetKeepsAddedBuiltins() {
    let (repl, out) = makeREPL()
    _ = repl.handle("a = 1")
    _ = repl.handle(":reset")
    _ = repl.handle("filled(1, 1, 2)")
    #expect(repl.interpreter.global("a") == nil)
    #expect(out.text.hasPrefix("all variables cleared\n[3]: "))
    #expect(repl.failedCells == 0)
  }
}
