import Foundation
import MNLTensor

/// The random stream behind every random built-in (initialisers, shuffling, `next_batch`).
/// One stream per process: `seed(n)` resets it, so a seeded script draws the same numbers
/// every run. Unseeded runs start from the system's entropy, like NumPy and PyTorch.
enum SessionRandom {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var generator = MNLRandom(seed: UInt64.random(in: .min ... .max))

  static func seed(_ value: UInt64) {
    lock.withLock { generator = MNLRandom(seed: value) }
  }

  /// Runs `body` with exclusive use of the stream.
  static func with<R>(_ body: (inout MNLRandom) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&generator)
  }
}
