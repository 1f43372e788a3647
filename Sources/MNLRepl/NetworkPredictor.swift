import MNLData
import MNLLanguage
import MNLTensor

/// The network of a checkpoint, run by the stdlib's forward function for the kind its metadata
/// names — `network: "cnn"` (scripts/train_cnn.mnl) or `"mlp"`/absent (scripts/train.mnl) — so
/// the network conventions live in stdlib/nn.mnl alone. It runs in an interpreter of its own,
/// so the session's definitions cannot change what `:predict` computes.
final class NetworkPredictor {
  let path: String
  let kind: String
  /// "784-500-10 averaged model", "convolutional network".
  let description: String
  private let inputCount: Int?
  private let interpreter: Interpreter
  private let checkpoint: Value

  init(path: String) throws {
    let contents = try loadPredictionCheckpoint(path)
    self.path = path
    kind = contents.metadata["network"] ?? "mlp"
    switch kind {
    case "mlp":
      // The layer sizes and tensor shapes are checked here, for errors that name the file.
      let mlp = try loadDefaultPredictor(path: path)
      inputCount = mlp.layerDimensions.first
      let model = mlp.namePrefix.isEmpty ? "model" : "averaged model"
      description = "\(mlp.layerDimensions.map(String.init).joined(separator: "-")) \(model)"
    case "cnn":
      inputCount = 28 * 28
      description = "convolutional network"
    default:
      throw TensorError("\(path): the checkpoint's network is \"\(kind)\"; :predict knows \"mlp\" and \"cnn\"")
    }
    interpreter = Interpreter(output: OutputSink(write: { _ in }))
    do {
      _ = try interpreter.evaluateCell(source: "use \"nn\"", name: "<:predict>")
      guard let load = interpreter.global("load") else { throw TensorError("load() is missing") }
      checkpoint = try interpreter.call(load, [.string(path)])
    } catch {
      throw TensorError("\(path): \(error)")
    }
  }

  /// Class probabilities for one image ([28, 28] or flat).
  func probabilities(_ image: Tensor) throws -> [Float] {
    if let inputCount, image.count != inputCount {
      throw TensorError("the network takes \(inputCount) inputs, but the image has \(image.count) pixels")
    }
    guard let function = interpreter.global("predict_probabilities") else {
      throw TensorError("stdlib/nn.mnl has no predict_probabilities function")
    }
    let result: Value
    do {
      result = try interpreter.call(function, [checkpoint, .string(kind), .tensor(image)])
    } catch {
      throw TensorError("\(path): \(error)")
    }
    guard case .tensor(let t) = result else {
      throw TensorError("predict_probabilities returned \(result.typeName), not a tensor")
    }
    return t.values
  }
}
