import MNLKernels
import MNLTensor

/// One part of a data set (train, validation or test): images kept as bytes, converted to
/// Float32 in [0, 1] only when a batch is taken. `nextBatch` walks a shuffled order the way
/// TensorFlow's `input_data` DataSet did.
///
/// A reference type because `nextBatch` advances shared state (the order and the position in
/// the epoch). Marked Sendable so interpreter values can hold it, but its batch position is not
/// synchronised: call `nextBatch` from one thread at a time.
public final class DataSplit: @unchecked Sendable {
  /// Pixel bytes, image after image, each `rows * columns` bytes, row-major. Slices, so the
  /// training and validation splits share the one buffer the file was read into (no copies).
  /// Their indices start where the split starts in that buffer: use `first`, `prefix`, or
  /// `withUnsafeBufferPointer`, or `label(_:)` / `image(_:)`, rather than subscripts from 0.
  public let imageBytes: ArraySlice<UInt8>
  /// Class labels, one per image.
  public let labelBytes: ArraySlice<UInt8>
  public let rows: Int
  public let columns: Int
  public var count: Int { labelBytes.count }
  public var pixelsPerImage: Int { rows * columns }

  /// The current shuffled order and the position in it; `epochsCompleted` counts finished passes.
  public private(set) var order: [Int]
  public private(set) var indexInEpoch = 0
  public private(set) var epochsCompleted = 0

  public init(imageBytes: ArraySlice<UInt8>, labelBytes: ArraySlice<UInt8>, rows: Int, columns: Int) throws {
    guard rows > 0, columns > 0, imageBytes.count == labelBytes.count * rows * columns else {
      throw DataError(
        file: "",
        "\(labelBytes.count) labels and \(imageBytes.count) pixel bytes do not make images of \(rows)×\(columns)")
    }
    self.imageBytes = imageBytes
    self.labelBytes = labelBytes
    self.rows = rows
    self.columns = columns
    self.order = Array(0..<labelBytes.count)
  }

  /// Images [n, rows*columns] float32 in [0, 1] and labels [n] int64 for the given indices.
  public func batch(indices: [Int]) throws -> (images: Tensor, labels: Tensor) {
    for i in indices where i < 0 || i >= count {
      throw TensorError("index \(i) is out of range for a data split of \(count) examples")
    }
    return gather(indices)
  }

  /// The whole split as one batch, in file order.
  public func all() -> (images: Tensor, labels: Tensor) {
    gather(Array(0..<count))
  }

  /// One image as a [rows, columns] float32 tensor in [0, 1].
  public func image(_ index: Int) throws -> Tensor {
    guard index >= 0, index < count else {
      throw TensorError("index \(index) is out of range for a data split of \(count) examples")
    }
    return gather([index]).images.reshaped(unchecked: [rows, columns])
  }

  /// One label as an Int.
  public func label(_ index: Int) throws -> Int {
    guard index >= 0, index < count else {
      throw TensorError("index \(index) is out of range for a data split of \(count) examples")
    }
    return Int(labelBytes[labelBytes.startIndex + index])
  }

  /// The next `size` examples of a shuffled pass over the split, like TensorFlow's
  /// `DataSet.next_batch(size, shuffle=True)`: the first call shuffles; when fewer than `size`
  /// examples remain, the batch takes those, reshuffles for the next epoch and fills up from
  /// its start. Shuffling is Fisher–Yates driven by `generator`, so a seeded generator makes
  /// the batches reproducible.
  ///
  /// With `shards` > 1 the batch of `size` examples is the same on every shard (the shuffle
  /// depends only on the generator, seeded alike everywhere) and shard `shard` gets its
  /// `size / shards` consecutive examples of it: data-parallel ranks together see exactly the
  /// batch a single process would.
  public func nextBatch(
    _ size: Int, shard: Int = 0, shards: Int = 1, using generator: inout some RandomNumberGenerator
  ) throws -> (images: Tensor, labels: Tensor) {
    guard size > 0, size <= count else {
      throw TensorError("batch size \(size) must be between 1 and the split's \(count) examples")
    }
    guard shards >= 1, shard >= 0, shard < shards else {
      throw TensorError("shard \(shard) must be between 0 and shards - 1 (shards: \(shards))")
    }
    guard size % shards == 0 else {
      throw TensorError("batch size \(size) does not split evenly into \(shards) shards")
    }
    if epochsCompleted == 0 && indexInEpoch == 0 {
      Self.fisherYates(&order, using: &generator)
    }
    var picked: [Int]
    if indexInEpoch + size > count {
      picked = Array(order[indexInEpoch..<count])
      epochsCompleted += 1
      Self.fisherYates(&order, using: &generator)
      let fill = size - picked.count
      picked += order[0..<fill]
      indexInEpoch = fill
    } else {
      picked = Array(order[indexInEpoch..<(indexInEpoch + size)])
      indexInEpoch += size
    }
    let part = size / shards
    return gather(Array(picked[(shard * part)..<((shard + 1) * part)]))
  }

  /// Starts over: file order, no epochs completed (the next `nextBatch` shuffles afresh).
  public func resetEpochs() {
    order = Array(0..<count)
    indexInEpoch = 0
    epochsCompleted = 0
  }

  /// Written out rather than `Array.shuffle` so the order depends only on the generator's
  /// outputs, not on the standard library's implementation.
  static func fisherYates(_ items: inout [Int], using generator: inout some RandomNumberGenerator) {
    guard items.count > 1 else { return }
    for i in stride(from: items.count - 1, through: 1, by: -1) {
      let j = Int(generator.next(upperBound: UInt64(i + 1)))
      items.swapAt(i, j)
    }
  }

  /// Indices must already be valid.
  private func gather(_ indices: [Int]) -> (images: Tensor, labels: Tensor) {
    let pixels = pixelsPerImage
    var images = Tensor(uninitializedShape: [indices.count, pixels])
    let scale: Float = 1 / 255
    imageBytes.withUnsafeBufferPointer { source in
      images.withUnsafeMutableBufferPointer { out in
        guard let src = source.baseAddress, let dst = out.baseAddress else { return }
        Elementwise.gatherBytesToFloat(src, rowLength: pixels, rows: indices, scale: scale, into: dst)
      }
    }
    // labelBytes is a slice: index it through its buffer, from 0.
    let labels = labelBytes.withUnsafeBufferPointer { source in
      Tensor(shape: [indices.count], integers: indices.map { Int64(source[$0]) }, dtype: .defaultInteger)
    }
    return (images, labels)
  }
}
