/// Moving elements of any dtype: strided copies (indexing, broadcasting, transposes) use the
/// float kernel for float32 and a plain loop over same-width bit patterns for the rest.
import MNLKernels

/// Copies a strided region, `shape` elements, from `src` to `dst` (strides in elements).
func copyStridedElements(
  _ dtype: DType, from src: UnsafeRawPointer, srcStrides: [Int], to dst: UnsafeMutableRawPointer,
  dstStrides: [Int], shape: [Int]
) {
  switch dtype {
  case .float32:
    Elementwise.copyStrided(
      src.assumingMemoryBound(to: Float.self), srcStrides: srcStrides,
      dst.assumingMemoryBound(to: Float.self), dstStrides: dstStrides, shape: shape)
  case .int64: copyStridedBits(UInt64.self, src, srcStrides, dst, dstStrides, shape)
  case .int32: copyStridedBits(UInt32.self, src, srcStrides, dst, dstStrides, shape)
  case .uint8, .bool: copyStridedBits(UInt8.self, src, srcStrides, dst, dstStrides, shape)
  }
}

private func copyStridedBits<T>(
  _ type: T.Type, _ src: UnsafeRawPointer, _ srcStrides: [Int], _ dst: UnsafeMutableRawPointer,
  _ dstStrides: [Int], _ shape: [Int]
) {
  let total = shapeCount(shape)
  guard total > 0 else { return }
  let s = src.assumingMemoryBound(to: T.self)
  let d = dst.assumingMemoryBound(to: T.self)
  var index = [Int](repeating: 0, count: shape.count)
  var (srcOffset, dstOffset) = (0, 0)
  for _ in 0..<total {
    d[dstOffset] = s[srcOffset]
    // Odometer step: advance the last axis, carrying into earlier ones.
    var axis = shape.count - 1
    while axis >= 0 {
      index[axis] += 1
      srcOffset += srcStrides[axis]
      dstOffset += dstStrides[axis]
      if index[axis] < shape[axis] { break }
      srcOffset -= srcStrides[axis] * shape[axis]
      dstOffset -= dstStrides[axis] * shape[axis]
      index[axis] = 0
      axis -= 1
    }
  }
}

extension Tensor {
  /// Address of element `index` (row-major) in the storage.
  func elementAddress(_ index: Int) -> UnsafeMutableRawPointer {
    storage.raw + index * dtype.byteWidth
  }
}
