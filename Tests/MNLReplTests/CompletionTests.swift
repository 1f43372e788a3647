import Testing
import MNLLanguage
@testable import MNLRepl

struct FakeSession: CompletionSource {
  var globalNames = ["net", "network_size", "x", "loss"]
  var builtinNames = ["relu", "reshape", "softmax", "load_mnist"]
  var keywordNames = ["return", "if", "for"]
  func fieldNames(ofPath path: [String]) -> [String]? {
    switch path {
    case ["net"]: return ["weight_1", "bias_1", "weight_2", "bias_2", "average"]
    case ["net", "average"]: return ["weight_1", "bias_1"]
    default: return nil
    }
  }
}

@Suite struct CompletionTests {
  let commands = [":help", ":vars", ":load", ":time", ":reset", ":quit", ":predict"]

  func complete(_ line: String) -> CompletionResult {
    // Readline's word start: after the last break character.
    let breaks = Completer.isInFileName(line) ? Completer.pathWordBreakCharacters : Completer.wordBreakCharacters
    var start = 0
    for (i, byte) in line.utf8.enumerated() where breaks.utf8.contains(byte) { start = i + 1 }
    return Completer.complete(line: line, wordStart: start, source: FakeSession(), commands: commands)
  }

  @Test func globalsBuiltinsAndKeywords() {
    #expect(complete("ne") == .candidates(["net", "network_size"], appendSpace: false))
    #expect(complete("y = re") == .candidates(["relu", "reshape", "return"], appendSpace: false))
    #expect(complete("f(x, sof") == .candidates(["softmax"], appendSpace: false))
    #expect(complete("zzz") == .candidates([], appendSpace: false))
  }

  @Test func recordFieldsAfterADot() {
    #expect(complete("net.w") == .candidates(["net.weight_1", "net.weight_2"], appendSpace: false))
    #expect(complete("y = net.average.b") == .candidates(["net.average.bias_1"], appendSpace: false))
    #expect(complete("x.") == .candidates([], appendSpace: false))
    #expect(complete("3.") == .candidates([], appendSpace: false))
  }

  @Test func commandsAtTheStartOfALine() {
    #expect(complete(":p") == .candidates([":predict"], appendSpace: true))
    #expect(complete(":") == .candidates(commands.sorted(), appendSpace: true))
    #expect(complete(":help re") == .candidates(["relu", "reset", "reshape"], appendSpace: false))
    #expect(complete(":time ne") == .candidates(["net", "network_size"], appendSpace: false))
  }

  @Test func fileNamesAfterLoadPredictAndInStrings() {
    #expect(complete(":load scr") == .fileNames)
    #expect(complete(":predict data/my-digit") == .fileNames)
    #expect(complete("ds = load_mnist(\"data/mn") == .fileNames)
    #expect(complete("s = \"done\" + ne") == .candidates(["net", "network_size"], appendSpace: false))
    #expect(!Completer.isInFileName(":load"))
  }
}

/// The real session's completion source: fields come from the interpreter's values.
@Suite struct InterpreterCompletionSourceTests {
  @Test func membersOfTensorsRecordsAndNestedRecords() throws {
    let interpreter = Interpreter()
    _ = try interpreter.evaluateCell(source: "w = zeros([2, 3])\nnet = {layer: {w: w}, n: 1}", name: "<test>")
    let source = InterpreterCompletionSource(session: { interpreter })
    #expect(source.fieldNames(ofPath: ["w"])?.contains("shape") == true)
    #expect(source.fieldNames(ofPath: ["w"])?.contains("T") == true)
    #expect(source.fieldNames(ofPath: ["net"]) == ["layer", "n"])
    #expect(source.fieldNames(ofPath: ["net", "layer"]) == ["w"])
    #expect(source.fieldNames(ofPath: ["net", "n"]) == nil)
    #expect(source.fieldNames(ofPath: ["nothing"]) == nil)
  }
}
