/// A tensor seen as lanes along one axis: `outer × length × inner` elements, lane `l` being the
/// `length` elements that start at `start(l)` and step by `inner` (the lanes that sort, scan
/// and gather-along-axis walk).
struct AxisLanes {
  let outer: Int
  let length: Int
  let inner: Int

  init(shape: [Int], axis: Int) {
    outer = shapeCount(Array(shape[..<axis]))
    length = shape[axis]
    inner = shapeCount(Array(shape[(axis + 1)...]))
  }

  var count: Int { outer * inner }

  /// Flat index of lane `lane`'s first element.
  func start(_ lane: Int) -> Int { (lane / inner) * length * inner + lane % inner }
}

extension Tensor {
  /// This tensor flattened when `axis` is nil (NumPy's `axis=None`), with the axis resolved.
  func alongAxis(_ axis: Int?, op: String) throws -> (Tensor, Int) {
    guard let axis else { return (reshaped(unchecked: [count]), 0) }
    guard rank > 0 else {
      throw TensorError("axis \(axis) is out of range for a 0-d tensor in \(op) (use axis: none)")
    }
    return (self, try normalizeAxis(axis, rank: rank, op: op))
  }
}
