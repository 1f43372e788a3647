/// Boolean-mask indexing, as in NumPy: `x[mask]` with a bool mask whose shape matches the
/// leading axes of x selects those elements (or rows) into one new first axis; `x[mask] = v`
/// writes them.

/// The row-major positions where `mask` is true, after checking it is a bool tensor whose
/// shape equals x's leading axes. x[mask] is then x viewed as [mask.count] + trailing axes,
/// gathered at these positions (so traced tensors can use `take`).
public func maskPositions(_ mask: Tensor, for x: Tensor) throws -> Tensor {
  guard mask.dtype == .bool else {
    throw TensorError("a mask must be a bool tensor, got \(mask.dtype.rawValue)")
  }
  guard mask.rank >= 1, mask.rank <= x.rank, Array(x.shape[..<mask.rank]) == mask.shape else {
    throw TensorError(
      "mask of shape \(formatShape(mask.shape)) does not match tensor of shape \(formatShape(x.shape)): "
        + "a mask covers the tensor's shape or its leading axes")
  }
  let positions = (0..<mask.count).filter { mask.isNonZero($0) }.map(Int64.init)
  return Tensor(shape: [positions.count], integers: positions, dtype: .defaultInteger)
}

/// The shape of x with the mask's axes flattened into one: [mask.count] + x's trailing axes.
public func maskRowsShape(_ x: Tensor, maskRank: Int) -> [Int] {
  [shapeCount(Array(x.shape[..<maskRank]))] + Array(x.shape[maskRank...])
}

/// `x[mask]`: a bool mask of x's shape gives the selected elements as a 1-D tensor; a mask
/// over the leading axes gives the selected rows.
public func maskedSelect(_ x: Tensor, mask: Tensor) throws -> Tensor {
  let positions = try maskPositions(mask, for: x)
  return try take(x.reshaped(unchecked: maskRowsShape(x, maskRank: mask.rank)), indices: positions, axis: 0)
}

extension Tensor {
  /// `self[mask] = value`: `value` broadcasts to the selected shape ([selected] + trailing axes)
  /// and is converted to this tensor's dtype.
  public mutating func assign(mask: Tensor, _ value: Tensor) throws {
    let positions = try maskPositions(mask, for: self).integerValues
    let trailing = Array(shape[mask.rank...])
    let target = [positions.count] + trailing
    guard (try? broadcastShapes(value.shape, target, op: "=")) == target else {
      throw TensorError(
        "cannot assign a value of shape \(formatShape(value.shape)) to \(positions.count) masked "
          + "elements of shape \(formatShape(target))")
    }
    let source = try cast(value, to: dtype).broadcast(to: target)
    let rowBytes = shapeCount(trailing) * dtype.byteWidth
    guard rowBytes > 0 else { return }
    withUnsafeMutableRawStorage { out in
      for (j, p) in positions.enumerated() {
        (out + Int(p) * rowBytes).copyMemory(from: source.storage.raw + j * rowBytes, byteCount: rowBytes)
      }
    }
  }
}
