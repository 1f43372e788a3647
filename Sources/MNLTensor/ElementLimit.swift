import Synchronization

/// The process-wide cap behind `maxElementCount`: 2^31 - 1 unless a fuzzer lowers it.
public enum ElementLimit {
  public static let standard = Int(Int32.max)
  private static let value = Atomic<Int>(standard)

  public static var current: Int { value.load(ordering: .relaxed) }

  /// Changes the cap for the whole process (fuzzing harnesses: a few million elements).
  public static func set(_ limit: Int) { value.store(max(1, limit), ordering: .relaxed) }
}
