/// A reference-counted, 64-byte aligned buffer of Float32 elements.
/// `Tensor` shares one of these between copies and copies it on write.
public final class TensorStorage: @unchecked Sendable {
  public let count: Int
  public let pointer: UnsafeMutablePointer<Float>

  /// Uninitialised storage for `count` elements (count may be 0).
  public init(uninitializedCount count: Int) {
    self.count = count
    // 64-byte alignment: one cache line, so SIMD loads never split lines at the start.
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
  }

  public convenience init(repeating value: Float, count: Int) {
    self.init(uninitializedCount: count)
    pointer.initialize(repeating: value, count: count)
  }

  public func copy() -> TensorStorage {
    let other = TensorStorage(uninitializedCount: count)
    other.pointer.update(from: pointer, count: count)
    return other
  }

  deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
