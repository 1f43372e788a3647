import Foundation
import MNLData
import MNLTensor
import Testing
@testable import MNLRepl

@Suite struct DefaultPredictorTests {
  func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("mnl-repl-\(getpid())-\(name)").path
  }

  /// A 4-3-2 network whose output prefers class 1 when input 0 is lit, class 0 otherwise.
  func tinyNetwork(scale: Float, swapOutputs: Bool = false) throws -> [(String, Tensor)] {
    [
      ("weight_1", try Tensor(shape: [4, 3], values: [scale, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0])),
      ("bias_1", try Tensor(shape: [3], values: [0, 0, 0])),
      ("weight_2", try Tensor(shape: [3, 2], values: swapOutputs ? [1, 0, 0, 1, 0, 0] : [0, 1, 1, 0, 0, 0])),
      ("bias_2", try Tensor(shape: [2], values: [0, 0])),
    ]
  }

  @Test func rebuildsTheNetworkFromLayerDimension() throws {
    let path = temporaryPath("plain.safetensors")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Safetensors.save(path, tensors: tinyNetwork(scale: 5), metadata: ["layer_dimension": "[4, 3, 2]"])
    let predictor = try loadDefaultPredictor(path: path)
    #expect(predictor.layerDimensions == [4, 3, 2])
    #expect(predictor.namePrefix == "")
    // The forward pass is stdlib/nn.mnl's, run by NetworkPredictor.
    let network = try NetworkPredictor(path: path)
    #expect(network.description == "4-3-2 model")
    let p = try network.probabilities(Tensor(shape: [2, 2], values: [1, 0, 0, 0]))
    #expect(p.count == 2 && p[1] > 0.99 && abs(p[0] + p[1] - 1) < 1e-6)
    #expect(throws: TensorError.self) { try network.probabilities(Tensor(shape: [3], repeating: 0)) }
  }

  @Test func prefersTheAveragedModel() throws {
    let path = temporaryPath("averaged.safetensors")
    defer { try? FileManager.default.removeItem(atPath: path) }
    // The raw model says class 1, the averaged one (outputs swapped) class 0.
    let averaged = try tinyNetwork(scale: 5, swapOutputs: true).map { ("average/" + $0.0, $0.1) }
    try Safetensors.save(
      path, tensors: tinyNetwork(scale: 5) + averaged, metadata: ["layer_dimension": "[4, 3, 2]"])
    let predictor = try loadDefaultPredictor(path: path)
    #expect(predictor.namePrefix == "average/")
    let p = try NetworkPredictor(path: path).probabilities(Tensor(shape: [4], values: [1, 0, 0, 0]))
    #expect(p[0] > p[1])
  }

  @Test func clearErrors() throws {
    let path = temporaryPath("bad.safetensors")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Safetensors.save(path, tensors: tinyNetwork(scale: 1), metadata: ["layer_dimension": "[4, 5, 2]"])
    #expect(throws: TensorError.self) { try loadDefaultPredictor(path: path) }
    try Safetensors.save(path, tensors: tinyNetwork(scale: 1), metadata: [:])
    #expect(throws: TensorError.self) { try loadDefaultPredictor(path: path) }
    #expect(throws: TensorError.self) { try loadDefaultPredictor(path: path + ".missing") }
    #expect(throws: TensorError.self) { try parseLayerDimensions("[784]", file: "f") }
    #expect(throws: TensorError.self) { try parseLayerDimensions("[784, -1]", file: "f") }
    #expect(try parseLayerDimensions("784,500,10", file: "f") == [784, 500, 10])
  }
}
