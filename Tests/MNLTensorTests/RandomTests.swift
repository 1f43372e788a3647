/// MNLRandom determinism and pinned outputs, distribution moments, truncated-normal bounds.
import XCTest
@testable import MNLTensor

final class RandomTests: XCTestCase {
  func testSameSeedSameSequence() throws {
    var a = MNLRandom(seed: 2024)
    var b = MNLRandom(seed: 2024)
    var c = MNLRandom(seed: 2025)
    let xs = (0..<100).map { _ in a.next() }
    XCTAssertEqual(xs, (0..<100).map { _ in b.next() })
    XCTAssertNotEqual(xs, (0..<100).map { _ in c.next() })
    var d = MNLRandom(seed: 7)
    var e = MNLRandom(seed: 7)
    XCTAssertEqual(
      try Tensor.truncatedNormal([50], stddev: 0.1, using: &d),
      try Tensor.truncatedNormal([50], stddev: 0.1, using: &e))
    XCTAssertEqual(d.permutation(20), e.permutation(20))
  }

  /// Pins the algorithm: xoshiro256** seeded by splitmix64 (reference values from the
  /// published C code with state = four splitmix64 outputs of seed 0).
  func testKnownFirstOutputsForSeedZero() {
    var rng = MNLRandom(seed: 0)
    let first = (0..<3).map { _ in rng.next() }
    XCTAssertEqual(first, expectedSeedZero)
  }

  func testUniformFloatsAndNormalMoments() throws {
    var rng = MNLRandom(seed: 1)
    let u = (0..<100_000).map { _ in rng.nextFloat() }
    XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
    XCTAssertEqual(u.reduce(0, +) / Float(u.count), 0.5, accuracy: 0.01)
    let n = try Tensor.randomNormal([100_000], mean: 2, stddev: 3, using: &rng)
    XCTAssertEqual(try reduce(.mean, n).scalarValue ?? 0, 2, accuracy: 0.05)
    XCTAssertEqual(try standardDeviation(n).scalarValue ?? 0, 3, accuracy: 0.05)
  }

  func testTruncatedNormalStaysWithinTwoStddev() throws {
    var rng = MNLRandom(seed: 3)
    let t = try Tensor.truncatedNormal([100_000], mean: 1, stddev: 0.1, using: &rng)
    XCTAssertTrue(t.values.allSatisfy { abs($0 - 1) <= 0.2 + 1e-6 })
    // A normal truncated at ±2σ has standard deviation ≈ 0.8796σ.
    XCTAssertEqual(try standardDeviation(t).scalarValue ?? 0, 0.08796, accuracy: 0.002)
    // Values near the bounds do occur (the redraw is not a clamp).
    XCTAssertTrue(t.values.contains { abs($0 - 1) > 0.19 })
    XCTAssertFalse(t.values.contains { abs($0 - 1) == 0.2 })
  }

  func testUniformRangeAndPermutation() throws {
    var rng = MNLRandom(seed: 5)
    let x = try Tensor.randomUniform([10_000], low: -2, high: 3, using: &rng)
    XCTAssertTrue(x.values.allSatisfy { $0 >= -2 && $0 < 3 })
    let p = rng.permutation(1000)
    XCTAssertEqual(p.sorted(), Array(0..<1000))
    XCTAssertNotEqual(p, Array(0..<1000))
    XCTAssertEqual(rng.permutation(0), [])
    XCTAssertEqual(rng.next(below: 1), 0)
    let draws = (0..<10_000).map { _ in rng.next(below: 3) }
    XCTAssertEqual(Set(draws), [0, 1, 2])
  }
}

/// xoshiro256** outputs for splitmix64(0) state, computed with an independent Python
/// transcription of the published reference code (splitmix64(0) starts 0xe220a8397b1dcdaf).
private let expectedSeedZero: [UInt64] = [
  11_091_344_671_253_066_420, 13_793_997_310_169_335_082, 1_900_383_378_846_508_768,
]
