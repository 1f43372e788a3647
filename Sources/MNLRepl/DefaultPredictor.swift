import Glibc
import MNLData
import MNLTensor

/// The checkpoint `:predict` loads when the session defines no `predict` function: the file
/// scripts/train.mnl saves, relative to the current directory. `MNL_CHECKPOINT` overrides it.
public let defaultCheckpointPath = "checkpoints/mnist.safetensors"

/// A multi-layer perceptron's checkpoint, checked against its `layer_dimension` metadata. The
/// forward pass is the stdlib's (NetworkPredictor), not a copy here.
public struct MLPPredictor {
  public let layerDimensions: [Int]
  public let layers: [(weight: Tensor, bias: Tensor)]
  /// Which tensors were used: "average/" when the averaged (EMA) model was present, else "".
  public let namePrefix: String
  public let path: String
}

/// The checkpoint path in effect: $MNL_CHECKPOINT if set, else `defaultCheckpointPath`.
public func defaultCheckpointLocation() -> String {
  if let value = getenv("MNL_CHECKPOINT") {
    let path = String(cString: value)
    if !path.isEmpty { return path }
  }
  return defaultCheckpointPath
}

/// Loads the network scripts/train.mnl saved.
///
/// The checkpoint's metadata `layer_dimension` (e.g. "[784, 500, 10]") gives the layer sizes;
/// the tensors are `weight_1 … weight_n` ([d(i-1), d(i)]) and `bias_1 … bias_n` ([d(i)]).
/// When every `average/weight_i` and `average/bias_i` is present (the exponential moving
/// average the reference program evaluates), those are used instead.
public func loadDefaultPredictor(path: String = defaultCheckpointLocation()) throws -> MLPPredictor {
  let contents = try loadPredictionCheckpoint(path)
  guard let text = contents.metadata["layer_dimension"] else {
    throw TensorError("\(path): the checkpoint has no `layer_dimension` metadata")
  }
  let dimensions = try parseLayerDimensions(text, file: path)
  let layerCount = dimensions.count - 1
  let averaged = (1...layerCount).allSatisfy {
    contents["average/weight_\($0)"] != nil && contents["average/bias_\($0)"] != nil
  }
  let prefix = averaged ? "average/" : ""
  var layers: [(weight: Tensor, bias: Tensor)] = []
  for i in 1...layerCount {
    guard let weight = contents["\(prefix)weight_\(i)"], let bias = contents["\(prefix)bias_\(i)"] else {
      throw TensorError("\(path): missing tensor \(prefix)weight_\(i) or \(prefix)bias_\(i)")
    }
    let expected = [dimensions[i - 1], dimensions[i]]
    guard weight.shape == expected, bias.shape == [dimensions[i]] else {
      throw TensorError(
        "\(path): \(prefix)weight_\(i) is \(formatShape(weight.shape)) and \(prefix)bias_\(i) is "
          + "\(formatShape(bias.shape)); layer_dimension \(text) needs \(formatShape(expected)) and "
          + "[\(dimensions[i])]")
    }
    layers.append((weight, bias))
  }
  return MLPPredictor(layerDimensions: dimensions, layers: layers, namePrefix: prefix, path: path)
}

/// "[784, 500, 10]" (or "784,500,10") → [784, 500, 10]; at least two positive sizes.
func parseLayerDimensions(_ text: String, file: String) throws -> [Int] {
  let inner = text.filter { $0 != "[" && $0 != "]" && !$0.isWhitespace }
  let parts = inner.split(separator: ",", omittingEmptySubsequences: false)
  let sizes = parts.compactMap { Int($0) }
  guard sizes.count == parts.count, sizes.count >= 2, sizes.allSatisfy({ $0 > 0 && $0 <= 1 << 20 }) else {
    throw TensorError("\(file): layer_dimension \"\(text)\" is not a list of at least two positive sizes")
  }
  return sizes
}

/// The checkpoint `:predict` reads, or an error that says how to get one.
func loadPredictionCheckpoint(_ path: String) throws -> SafetensorsContents {
  do {
    return try Safetensors.load(path)
  } catch {
    throw TensorError(
      "no trained network: \(error)\n(run `mnl scripts/train.mnl` first, set MNL_CHECKPOINT, "
        + "or define a function predict(image) in the session)")
  }
}
