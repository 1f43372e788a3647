import Foundation
import MNLData
import MNLLanguage
import MNLTensor
import Testing
@testable import MNLRepl

/// `:predict` runs the stdlib's forward function for the network kind a checkpoint names.
@Suite struct NetworkPredictorTests {
  func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("mnl-repl-\(getpid())-\(name)").path
  }

  /// Runs mnl source in a fresh interpreter (stdlib found from the test executable).
  func run(_ source: String) throws -> Interpreter {
    let interpreter = Interpreter(output: OutputSink(write: { _ in }))
    try interpreter.runScript(source: source, path: "<test>")
    return interpreter
  }

  @Test func convolutionalCheckpointsUseTheStdlibNetwork() throws {
    let path = temporaryPath("cnn.safetensors")
    defer { try? FileManager.default.removeItem(atPath: path) }
    // The expected probabilities come from cnn_forward in a separate interpreter.
    let session = try run(
      """
      use "nn"
      seed(3)
      params = cnn_init()
      image = random_uniform([28, 28])
      save("\(path)", params, {network: "cnn"})
      expected = softmax(cnn_forward(params, reshape(image, [1, 784])))[0]
      """)
    guard case .tensor(let image)? = session.global("image"), case .tensor(let expected)? = session.global("expected")
    else {
      Issue.record("the session did not define image and expected")
      return
    }
    let predictor = try NetworkPredictor(path: path)
    #expect(predictor.kind == "cnn")
    #expect(predictor.description == "convolutional network")
    let p = try predictor.probabilities(image)
    #expect(p.count == 10)
    #expect(zip(p, expected.values).allSatisfy { abs($0 - $1) < 1e-6 })
    #expect(throws: TensorError.self) { try predictor.probabilities(Tensor(shape: [5, 5], repeating: 0)) }
  }

  @Test func unknownNetworkKindsAreErrors() throws {
    let path = temporaryPath("rnn.safetensors")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Safetensors.save(path, tensors: [("w", Tensor(shape: [2], repeating: 1))], metadata: ["network": "rnn"])
    #expect(throws: TensorError.self) { try NetworkPredictor(path: path) }
  }
}
