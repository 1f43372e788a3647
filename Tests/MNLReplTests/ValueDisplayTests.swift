import MNLLanguage
import MNLTensor
import Testing
@testable import MNLRepl

@Suite struct ValueDisplayTests {
  @Test func smallTensorsHaveNoStatistics() throws {
    let text = ValueDisplay.render(.tensor(try Tensor(shape: [2, 2], values: [1, 2, 3, 4])))
    #expect(!text.contains("mean"))
  }

  @Test func largeTensorsGetStatistics() {
    let text = ValueDisplay.render(.tensor(Tensor(shape: [40, 50], repeating: 0.5)))
    let last = text.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last == "min 0.5  max 0.5  mean 0.5  std 0")
  }

  @Test func recordsOfTensorsShowAsATree() {
    let net = Value.record([
      ("weight_1", .tensor(Tensor(shape: [784, 500], repeating: 0))),
      ("bias_1", .tensor(Tensor(shape: [500], repeating: 0))),
      ("layers", .list([.tensor(Tensor(shape: [3], repeating: 0))])),
    ])
    let lines = ValueDisplay.render(net).split(separator: "\n").map(String.init)
    #expect(lines.first == "record: 3 tensors, 392,503 parameters")
    #expect(lines.count == 5)
    #expect(lines[3].hasPrefix("└─ layers"))
    #expect(lines[4].hasPrefix("   └─ [0]"))
    #expect(ValueDisplay.summary(net) == "3 tensors, 392,503 parameters")
  }

  @Test func mixedContainersUseTheOrdinaryForm() {
    let mixed = Value.list([.tensor(Tensor(shape: [2], repeating: 0)), .int(1)])
    #expect(ValueDisplay.parameterTree(mixed) == nil)
    #expect(ValueDisplay.render(.list([])) == "[]")
    #expect(ValueDisplay.render(.record([("a", .int(1))])) == "{a: 1}")
  }

  @Test func summariesForVars() {
    #expect(ValueDisplay.summary(.tensor(Tensor(shape: [100, 784], repeating: 0))) == "[100, 784] f32")
    #expect(ValueDisplay.summary(.string(String(repeating: "a", count: 80)), width: 10).count == 10)
    #expect(ValueDisplay.summary(.string("a\nb")) == "\"a\\nb\"" || !ValueDisplay.summary(.string("a\nb")).contains("\n"))
  }

  @Test func elapsedTimes() {
    #expect(formatElapsed(0.000_85) == "850 µs")
    #expect(formatElapsed(0.0123) == "12.3 ms")
    #expect(formatElapsed(2.409) == "2.41 s")
  }
}
