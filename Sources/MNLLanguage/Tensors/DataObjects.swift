import MNLData
import MNLTensor

/// A split of an image data set (train / validation / test) as a script object:
/// `split.count`, `split.images` ([n, 784] float32 in [0, 1]), `split.labels` ([n] int64).
/// Images stay bytes in memory; floats are made per batch, and once for `images`.
final class DataSplitObject: MNLObject {
  let split: DataSplit
  let name: String
  private var cachedAll: (images: Tensor, labels: Tensor)?

  init(_ split: DataSplit, name: String) {
    self.split = split
    self.name = name
  }

  var typeName: String { "dataset" }
  func display() -> String { "<dataset \(name): \(split.count) images of \(split.rows)×\(split.columns)>" }
  var fieldNames: [String] { ["count", "images", "labels", "rows", "columns", "name"] }

  /// The whole split as tensors, made on first use and kept (evaluation passes reuse it).
  var all: (images: Tensor, labels: Tensor) {
    if let cachedAll { return cachedAll }
    let made = split.all()
    cachedAll = made
    return made
  }

  func field(_ name: String) throws -> Value? {
    switch name {
    case "count": return .int(split.count)
    case "images": return .tensor(all.images)
    case "labels": return .tensor(all.labels)
    case "rows": return .int(split.rows)
    case "columns": return .int(split.columns)
    case "name": return .string(self.name)
    default: return nil
    }
  }
}

extension CallContext {
  func dataSplit(_ i: Int) throws -> DataSplitObject {
    if case .object(let o as DataSplitObject) = self[i] { return o }
    throw typeError(i, expected: "a data set split (e.g. mnist.train)")
  }
}
