/// A reference-counted, 64-byte aligned buffer of `count` elements of `byteWidth` bytes each.
/// `Tensor` shares one of these between copies and copies it on write. `pointer` views the
/// bytes as Float32 and is only meaningful for float32 tensors; other dtypes use `raw`.
public final class TensorStorage: @unchecked Sendable {
  public let count: Int
  public let byteWidth: Int
  public let raw: UnsafeMutableRawPointer
  public let pointer: UnsafeMutablePointer<Float>

  public var byteCount: Int { count * byteWidth }

  /// Uninitialised storage for `count` elements (count may be 0) of `byteWidth` bytes.
  public init(uninitializedCount count: Int, byteWidth: Int = MemoryLayout<Float>.stride) {
    self.count = count
    self.byteWidth = byteWidth
    // 64-byte alignment: one cache line, so SIMD loads never split lines at the start.
    raw = UnsafeMutableRawPointer.allocate(byteCount: max(count * byteWidth, 8), alignment: 64)
    pointer = raw.assumingMemoryBound(to: Float.self)
  }

  /// Float32 storage with every element equal to `value`.
  public convenience init(repeating value: Float, count: Int) {
    self.init(uninitializedCount: count)
    pointer.initialize(repeating: value, count: count)
  }

  public func copy() -> TensorStorage {
    let other = TensorStorage(uninitializedCount: count, byteWidth: byteWidth)
    other.raw.copyMemory(from: raw, byteCount: byteCount)
    return other
  }

  deinit { raw.deallocate() }
}
