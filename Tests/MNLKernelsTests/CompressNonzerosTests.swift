import CSupport
import XCTest

@testable import MNLKernels

/// The AVX-512 gather of the zero-skipping GEMM (vcompressps, CSupport): the nonzeros in
/// order with their positions, NaN kept and −0.0 skipped like `v != 0`, at every length around
/// the 16-lane vectors, and nothing written past the entries it examined.
final class CompressNonzerosTests: XCTestCase {
  func testMatchesAScalarGather() throws {
    guard KernelDispatch.supported.contains(.avx512) else {
      throw XCTSkip("this CPU has no AVX-512: the vcompressps gather is not used here")
    }
    var rng = SystemRandomNumberGenerator()
    let specials: [Float] = [.nan, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, 1e-40]
    for count in Array(0...70) + [783, 784, 800] {
      for _ in 0..<4 {
        let src: [Float] = (0..<count).map { _ in
          switch Int.random(in: 0..<10, using: &rng) {
          case 0: return specials.randomElement(using: &rng)!
          case 1, 2: return Float.random(in: -1...1, using: &rng)
          default: return 0
          }
        }
        let alpha = Float.random(in: -2...2, using: &rng)
        let first = Int32.random(in: 0...1000, using: &rng)
        let sentinel: Float = 12345
        var values = [Float](repeating: sentinel, count: count + 16)
        var indices = [Int32](repeating: -7, count: count + 16)
        let n = src.withUnsafeBufferPointer { s in
          mnl_avx512_compress_nonzeros(s.baseAddress, count, alpha, first, &values, &indices)
        }
        let expected = src.indices.filter { src[$0] != 0 }
        XCTAssertEqual(n, expected.count, "count \(count)")
        for (slot, position) in expected.enumerated() where slot < n {
          XCTAssertEqual(values[slot].bitPattern, (alpha * src[position]).bitPattern, "count \(count) slot \(slot)")
          XCTAssertEqual(indices[slot], first + Int32(position), "count \(count) slot \(slot)")
        }
        for slot in count..<count + 16 {
          XCTAssertEqual(values[slot], sentinel, "written past the examined entries, count \(count)")
          XCTAssertEqual(indices[slot], -7, "written past the examined entries, count \(count)")
        }
      }
    }
  }
}
