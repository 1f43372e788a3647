import XCTest

@testable import MNLKernels

/// Aᵀ·op(B) with few columns (GEMMNarrowTransposed: the output layer's weight gradient): widths
/// and heights around the 2-vector row tiles and 4-column tiles, both layouts of B, every
/// epilogue. Each result is checked against the reference and, bit for bit, against the
/// blocked kernel of the same path (same order of sums, same alpha and beta arithmetic).
final class GEMMNarrowTransposedTests: XCTestCase {
  func testMatchesTheBlockedKernelBitForBit() {
    var cases: [GEMMCase] = []
    for n in [1, 3, 4, 5, 10, 15, 17, 31] {
      for m in [1, 7, 31, 32, 33, 65, 500] {
        cases.append(GEMMCase(transA: true, m: m, n: n, k: 100, padA: 3, bias: true, relu: true))
      }
    }
    for k in [1, 2, 17, 300] {
      cases.append(GEMMCase(transA: true, transB: true, m: 70, n: 10, k: k, alpha: 1.5, beta: 0.5, padB: 2, padC: 1))
      cases.append(GEMMCase(transA: true, m: 64, n: 6, k: k, alpha: -0.5, beta: 1, padC: 2, bias: true))
    }
    cases.append(GEMMCase(transA: true, m: 500, n: 10, k: 100, threads: 2))
    for spec in cases {
      let fixture = GEMMFixture(spec, seed: 4)
      let expected = fixture.run(reference: true)
      let bounds = fixture.tolerances()
      for kernels in KernelPaths.all {
        // Narrow below the path's panel width (8, 16 or 32 columns); the blocked kernel above.
        XCTAssertEqual(
          kernels.gemmIsNarrow(true, spec.n, spec.k), spec.n < kernels.gemmColumns,
          "\(kernels.isa) \(spec)")
        let narrow = fixture.run(kernels: kernels)
        assertWithinBounds(narrow, expected, bounds, fixture, "\(kernels.isa) \(spec)", #filePath, #line)
        let reference = fixture.run(kernels: kernels, narrow: false, sparse: false)
        var differing = 0
        for i in 0..<spec.m {
          for j in 0..<fixture.ldc where narrow[i * fixture.ldc + j].bitPattern != reference[i * fixture.ldc + j].bitPattern {
            differing += 1
          }
        }
        XCTAssertEqual(differing, 0, "\(kernels.isa) narrow vs blocked \(spec)")
      }
    }
  }
}
