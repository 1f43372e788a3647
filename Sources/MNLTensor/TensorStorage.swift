import CSupport

/// A reference-counted, 64-byte aligned buffer of Float32 elements.
/// `Tensor` shares one of these between copies and copies it on write.
public final class TensorStorage: @unchecked Sendable {
  public let count: Int
  public let pointer: UnsafeMutablePointer<Float>

  /// Uninitialised storage for `count` elements (count may be 0).
  public init(uninitializedCount count: Int) {
    _ = Self.allocatorTuned
    self.count = count
    // 64-byte alignment: one cache line, so SIMD loads never split lines at the start.
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
  }

  /// A training step frees and reallocates the same large buffers (activations, gradients)
  /// every step. glibc serves blocks over 128 KB with fresh mmaps, which cost a page fault per
  /// 4 KB on first touch; keeping them in the heap instead lets a freed buffer be reused.
  private static let allocatorTuned: Void = {
    mnl_keep_large_blocks(64 << 20, 128 << 20)
  }()

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
