import Foundation
import MNLData
import MNLDisplay
import MNLLanguage
import MNLTensor
import Testing

@testable import MNLRepl

@Suite struct NotebookSessionTests {
  final class Collected {
    var outputs: [NotebookOutput] = []
  }

  func session() -> (NotebookSession, Collected) {
    let collected = Collected()
    return (NotebookSession { collected.outputs.append($0) }, collected)
  }

  @Test func printedTextAndTheLastValueAreSeparateOutputs() {
    let (session, collected) = session()
    #expect(session.execute("x = 20\nprint(\"hi\")\nx + 1", count: 1))
    #expect(collected.outputs.first == .stream(name: "stdout", text: "hi\n"))
    guard case .result(let bundle)? = collected.outputs.last else {
      Issue.record("no result: \(collected.outputs)")
      return
    }
    #expect(bundle.plain == "21")
  }

  @Test func picturesAreDisplayOutputsWithRichForms() {
    let (session, collected) = session()
    #expect(session.execute("show(zeros([4, 4]))\nplot([1, 2], [3, 4])", count: 1))
    let displays = collected.outputs.compactMap { output -> MimeBundle? in
      if case .display(let b, nil) = output { return b } else { return nil }
    }
    #expect(displays.count == 2)
    #expect(displays.first?["image/png"] != nil)
    #expect(displays.last?["image/svg+xml"]?.contains("<svg") == true)
  }

  @Test func tensorValuesCarryAnHTMLTable() {
    let (session, collected) = session()
    #expect(session.execute("zeros([2, 3])", count: 1))
    guard case .result(let bundle)? = collected.outputs.last else {
      Issue.record("no result")
      return
    }
    #expect(bundle["text/html"]?.contains("<table") == true)
  }

  @Test func errorsCarryTheLocatedDiagnosticAndStateSurvives() {
    let (session, collected) = session()
    #expect(session.execute("kept = 5", count: 1))
    #expect(!session.execute("kept + missing_value", count: 2))
    guard case .error(let name, let value, let traceback)? = collected.outputs.last else {
      Issue.record("no error output: \(collected.outputs)")
      return
    }
    #expect(name == "Error")
    #expect(value.contains("missing_value"))
    #expect(traceback.first == "<cell 2>:1:8: error: unknown name 'missing_value'")
    #expect(traceback.dropFirst().first == "kept + missing_value")
    collected.outputs = []
    #expect(session.execute("kept", count: 3))
    #expect(collected.outputs == [.result(MimeBundle(plain: "5"))])
  }

  @Test func replCommandsRunInCells() {
    let (session, collected) = session()
    #expect(session.execute("w = zeros([3, 4])", count: 1))
    #expect(session.execute(":vars", count: 2))
    let text = collected.outputs.compactMap { if case .stream(_, let t) = $0 { return t } else { return nil } }.joined()
    #expect(text.contains("[3, 4] f32"))
  }

  @Test func loadRunsOneCellOfAScriptAgainstTheSession() throws {
    let path = NSTemporaryDirectory() + "mnl-cells-\(UUID().uuidString).mnl"
    try "#%% a\nbase = 100\n#%% b\nbase + offset\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (session, collected) = session()
    #expect(session.execute("offset = 5", count: 1))
    #expect(!session.execute(":load \(path) --cell 2", count: 2))  // base is not defined yet
    #expect(session.execute(":load \(path) --cell 1", count: 3))
    collected.outputs = []
    #expect(session.execute(":load \(path) --cell 2", count: 4))
    #expect(collected.outputs == [.result(MimeBundle(plain: "105"))])
  }

  @Test func predictShowsItsImageAsPNGAndItsProbabilitiesAsHTML() throws {
    // A bright square on black: a digit-like image for :predict to prepare.
    var pixels = [Float](repeating: 0, count: 28 * 28)
    for y in 8..<20 { for x in 10..<18 { pixels[y * 28 + x] = 1 } }
    let path = NSTemporaryDirectory() + "mnl-predict-\(UUID().uuidString).pgm"
    try PGM.write(path, image: try Tensor(shape: [28, 28], values: pixels))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (session, collected) = session()
    #expect(session.execute("fn predict(image) { tensor([0.1, 0.2, 0.7]) }", count: 1))
    collected.outputs = []
    #expect(session.execute(":predict \(path)", count: 2))
    let displays = collected.outputs.compactMap { output -> MimeBundle? in
      if case .display(let b, nil) = output { return b } else { return nil }
    }
    #expect(displays.count == 2)
    #expect(displays.first?["image/png"] != nil)
    #expect(displays.last?["text/html"]?.components(separatedBy: "<tr>").count == 4)  // three classes
    let text = collected.outputs.compactMap { if case .stream(_, let t) = $0 { return t } else { return nil } }.joined()
    #expect(text.contains("prediction: 2"))
  }

  @Test func progressBarsUpdateOneDisplay() {
    let (session, collected) = session()
    #expect(session.execute("b = progress_bar(2)\nb.update(1)\nb.update(2)\nb.finish()", count: 1))
    var id: String?
    var updates = 0
    for output in collected.outputs {
      switch output {
      case .display(_, let shown): id = shown
      case .update(let bundle, let updated):
        #expect(updated == id)
        updates += 1
        #expect(bundle.plain.contains("/2"))
      default: break
      }
    }
    #expect(id != nil)
    #expect(updates >= 1)
  }

  @Test func completionInspectionAndCompleteness() {
    let (session, _) = session()
    #expect(session.execute("learning_rate = 0.1", count: 1))
    let completion = session.complete("y = learn", cursor: 9)
    #expect(completion.matches == ["learning_rate"])
    #expect(completion.start == 4 && completion.end == 9)
    #expect(session.complete(":lo", cursor: 3).matches == [":load"])
    #expect(session.inspect("relu(x)", cursor: 2)?.hasPrefix("relu(") == true)
    #expect(session.inspect("zzz_unknown", cursor: 2) == nil)
    #expect(session.isComplete("fn f() {").status == "incomplete")
    #expect(session.isComplete("x = 1").status == "complete")
    #expect(session.isComplete("x = )").status == "invalid")
  }
}

@Suite struct NotebookDocumentTests {
  func json(_ document: NotebookDocument) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(try document.json())) as? [String: Any] ?? [:]
  }

  @Test func nbformatStructure() throws {
    var bundle = MimeBundle(plain: "p")
    bundle["image/png"] = "iVBORw0K"
    let document = NotebookDocument(cells: [
      .init(kind: .markdown, source: "## Title"),
      .init(
        kind: .code, source: "print(1)\nx", executionCount: 1,
        outputs: [
          .stream(name: "stdout", text: "a\n"), .stream(name: "stdout", text: "b\n"),
          .display(MimeBundle(plain: "0%"), id: "bar"), .update(MimeBundle(plain: "100%"), id: "bar"),
          .display(bundle, id: nil), .result(MimeBundle(plain: "42")),
          .error(name: "Error", value: "bad", traceback: ["x:1:1: error: bad"]),
        ]),
    ])
    let object = try json(document)
    #expect(object["nbformat"] as? Int == 4)
    #expect(object["nbformat_minor"] as? Int == 5)
    let kernelspec = (object["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any]
    #expect(kernelspec?["name"] as? String == "mnl")
    let cells = object["cells"] as? [[String: Any]] ?? []
    #expect(cells.count == 2)
    #expect(cells[0]["cell_type"] as? String == "markdown")
    #expect(cells[0]["outputs"] == nil)
    #expect(cells[1]["source"] as? [String] == ["print(1)\n", "x"])
    #expect(cells[1]["execution_count"] as? Int == 1)
    let ids = cells.compactMap { $0["id"] as? String }
    #expect(Set(ids).count == 2)
    let outputs = cells[1]["outputs"] as? [[String: Any]] ?? []
    #expect(outputs.map { $0["output_type"] as? String ?? "" } == ["stream", "display_data", "display_data", "execute_result", "error"])
    #expect(outputs[0]["text"] as? [String] == ["a\n", "b\n"])  // consecutive stream text merged
    #expect((outputs[1]["data"] as? [String: Any])?["text/plain"] as? [String] == ["100%"])  // the update applied
    #expect((outputs[2]["data"] as? [String: Any])?["image/png"] as? String == "iVBORw0K")
    #expect(outputs[3]["execution_count"] as? Int == 1)
    #expect(outputs[4]["traceback"] as? [String] == ["x:1:1: error: bad"])
  }

  @Test func unexecutedCodeCellsHaveNullCountsAndNoOutputs() throws {
    let object = try json(NotebookDocument(cells: [.init(kind: .code, source: "x")]))
    let cell = (object["cells"] as? [[String: Any]])?.first ?? [:]
    #expect(cell["execution_count"] is NSNull)
    #expect((cell["outputs"] as? [Any])?.isEmpty == true)
  }

  @Test func exportRunsCellsInOrderAndStopsAtTheFirstError() {
    let source = "# Intro\n\n#%% One\nx = 1\nx\n#%% Two\ny = x + nope\n#%% Three\nprint(3)\n"
    let result = NotebookExport.run(source: source, path: "demo.mnl", arguments: [], execute: true)
    #expect(result.codeCells == 3)
    #expect(result.failure?.cell == 2)
    let kinds = result.document.cells.map(\.kind)
    #expect(kinds == [.markdown, .markdown, .code, .markdown, .code, .markdown, .code])
    let code = result.document.cells.filter { $0.kind == .code }
    #expect(code.map(\.executionCount) == [1, 2, nil])
    #expect(code[0].outputs == [.result(MimeBundle(plain: "1"))])
    if case .error(_, _, let traceback)? = code[1].outputs.last {
      #expect(traceback.first?.hasPrefix("demo.mnl:7:") == true)
    } else {
      Issue.record("cell 2 has no error output")
    }
    #expect(code[2].outputs.isEmpty)
  }

  @Test func loadArgumentParsesTheCellOption() throws {
    #expect(try LoadArgument.parse("a.mnl") == ("a.mnl", nil))
    #expect(try LoadArgument.parse("a.mnl --cell 3") == ("a.mnl", 3))
    #expect(try LoadArgument.parse("a.mnl --cell=2") == ("a.mnl", 2))
    #expect(throws: CommandError.self) { try LoadArgument.parse("a.mnl --cell 0") }
    #expect(throws: CommandError.self) { try LoadArgument.parse("a.mnl --cell") }
    #expect(throws: CommandError.self) { try LoadArgument.parse("--cell 2") }
  }
}
