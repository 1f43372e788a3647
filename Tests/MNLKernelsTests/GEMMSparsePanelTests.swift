import XCTest

@testable import MNLKernels
import MNLKernelsGeneric

/// The zero-skipping GEMM's panel sweep (GEMMSparse): widths around its 4- and 8-vector panels
/// (whose last panel overlaps the one before it), several depth blocks, rows with no nonzeros,
/// transposed A, every epilogue, and more rows than one gathered block. Each result is checked against the
/// reference product and against the dense kernel of the same path.
final class GEMMSparsePanelTests: XCTestCase {
  /// Runs the sparse path (forced) or the dense one of `kernels` on a copy of the fixture's C.
  private func run(_ fixture: GEMMFixture, sparse: Bool, kernels: KernelTable) -> [Float] {
    let s = fixture.spec
    return fixture.run(
      kernels: kernels, narrow: sparse ? false : kernels.gemmIsNarrow(s.transA, s.n, s.k),
      sparse: sparse)
  }

  /// Zeros every entry of op(A)'s rows `rows` (a pixel no image of the batch lights up).
  private func clearRows(_ fixture: inout GEMMFixture, _ rows: [Int]) {
    let s = fixture.spec
    for r in rows where r < s.m {
      for p in 0..<s.k {
        fixture.a[s.transA ? p * fixture.lda + r : r * fixture.lda + p] = 0
      }
    }
  }

  private func check(_ spec: GEMMCase, zeroRows: [Int] = [], file: StaticString = #filePath, line: UInt = #line) {
    var fixture = GEMMFixture(spec, seed: 11)
    clearRows(&fixture, zeroRows)
    let expected = fixture.run(reference: true)
    let bounds = fixture.tolerances()
    for kernels in KernelPaths.all {
      let sparse = run(fixture, sparse: true, kernels: kernels)
      assertWithinBounds(sparse, expected, bounds, fixture, "\(kernels.isa) sparse \(spec)", file, line)
      // Skipped terms are exact zeros and the sums run in the same order: the dense kernel
      // of the same path gives the same numbers (one depth block: k ≤ KC).
      if spec.k <= GEMMBlocking.kc {
        let dense = run(fixture, sparse: false, kernels: kernels)
        var differing = 0
        for i in 0..<spec.m {
          for j in 0..<spec.n where sparse[i * fixture.ldc + j] != dense[i * fixture.ldc + j] {
            differing += 1
          }
        }
        XCTAssertEqual(differing, 0, "\(kernels.isa) sparse vs dense \(spec)", file: file, line: line)
      }
      // The padding of C between rows is never written.
      for i in 0..<spec.m {
        for j in spec.n..<fixture.ldc {
          XCTAssertEqual(sparse[i * fixture.ldc + j], GEMMFixture.cSentinel, file: file, line: line)
        }
      }
    }
  }

  /// Widths on both sides of every path's panels (4, 8, 16 lanes × 4 and 8 vectors), so the
  /// overlapping last panel starts at every offset, for k in the 4-vector range (65…128) and
  /// above it.
  func testWidthsAroundThePanels() {
    for n in [32, 33, 63, 64, 65, 95, 127, 128, 129, 130, 191, 255, 256, 257, 300, 500] {
      check(GEMMCase(m: 7, n: n, k: 100, beta: 0.5, padC: 3, bias: true, relu: true, zeros: 0.8))
      check(GEMMCase(transA: true, m: 9, n: n, k: 70, alpha: -2, padA: 2, padB: 1, zeros: 0.8))
      check(GEMMCase(m: 5, n: n, k: 200, beta: 1, padB: 5, bias: true, zeros: 0.7))
      // beta = 0 with k over one depth block: partial sums wait in C between blocks.
      check(GEMMCase(m: 6, n: n, k: 450, padC: 1, bias: true, relu: true, zeros: 0.8))
    }
  }

  /// Rows of op(A) with no nonzero at all (MNIST's border pixels in xᵀ·dH): C gets beta·C,
  /// bias and ReLU only.
  func testRowsWithoutNonzeros() {
    let zeroRows = [0, 1, 5, 6, 7, 20, 39]
    check(GEMMCase(transA: true, m: 40, n: 257, k: 100, beta: 0.25, bias: true, relu: true, zeros: 0.8), zeroRows: zeroRows)
    check(GEMMCase(m: 40, n: 129, k: 784, beta: 0, bias: true, relu: true, zeros: 0.81), zeroRows: zeroRows)
    check(GEMMCase(m: 3, n: 300, k: 50, beta: 2, zeros: 0.5), zeroRows: [0, 1, 2])
  }

  /// More rows than one gathered block holds (131072 entries: 168 rows at k = 784), plain
  /// and transposed, so a second block starts mid-matrix.
  func testSeveralGatheredBlocks() {
    check(GEMMCase(m: 400, n: 130, k: 784, alpha: 0.5, bias: true, relu: true, zeros: 0.81), zeroRows: [167, 168, 399])
    check(GEMMCase(transA: true, m: 1400, n: 70, k: 100, beta: 0.5, padA: 1, zeros: 0.9))
  }
}
