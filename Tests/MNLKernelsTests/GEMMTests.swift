import XCTest

@testable import MNLKernels
import MNLInterrupt
import MNLKernelsGeneric

final class GEMMTests: XCTestCase {
  static let awkwardSizes = [1, 3, 7, 17, 33, 257, 785]
  static let transposes = [(false, false), (true, false), (false, true), (true, true)]

  func testAwkwardSizeInEachDimensionForAllTransposes() {
    for (tA, tB) in Self.transposes {
      for s in Self.awkwardSizes {
        assertMatchesReference(GEMMCase(transA: tA, transB: tB, m: s, n: 19, k: 23))
        assertMatchesReference(GEMMCase(transA: tA, transB: tB, m: 13, n: s, k: 21))
        assertMatchesReference(GEMMCase(transA: tA, transB: tB, m: 11, n: 18, k: s))
      }
    }
  }

  func testMixedAwkwardSizesForAllTransposes() {
    let shapes = [
      (257, 33, 785), (785, 17, 257), (33, 785, 7), (7, 257, 785), (1, 1, 1), (3, 785, 33),
    ]
    for (tA, tB) in Self.transposes {
      for (m, n, k) in shapes {
        assertMatchesReference(GEMMCase(transA: tA, transB: tB, m: m, n: n, k: k))
      }
    }
  }

  /// The shapes of one MLP training step: forward, weight gradient (Xᵀ·dY), input gradient (dY·Wᵀ).
  func testTrainingStepShapes() {
    assertMatchesReference(GEMMCase(m: 100, n: 500, k: 784, bias: true, relu: true))
    assertMatchesReference(GEMMCase(transA: true, m: 784, n: 500, k: 100))
    assertMatchesReference(GEMMCase(transB: true, m: 100, n: 784, k: 500))
    assertMatchesReference(GEMMCase(m: 100, n: 10, k: 500, bias: true))
    assertMatchesReference(GEMMCase(transA: true, m: 500, n: 10, k: 100))
    assertMatchesReference(GEMMCase(transB: true, m: 100, n: 500, k: 10))
  }

  func testAlphaBetaBiasAndReLU() {
    // k = 900 spans two depth blocks (beta on the first, bias/ReLU on the last); m = 150
    // spans several row blocks; n = 70 ends in an edge panel.
    for (tA, tB) in Self.transposes {
      for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25), (1, -1)] {
        for (bias, relu) in [(false, false), (true, false), (false, true), (true, true)] {
          assertMatchesReference(
            GEMMCase(
              transA: tA, transB: tB, m: 150, n: 70, k: 900, alpha: alpha, beta: beta,
              bias: bias, relu: relu))
          assertMatchesReference(
            GEMMCase(
              transA: tA, transB: tB, m: 5, n: 9, k: 3, alpha: alpha, beta: beta,
              bias: bias, relu: relu))
        }
      }
    }
  }

  func testReLUActuallyClampsSomething() {
    let spec = GEMMCase(m: 20, n: 30, k: 40, bias: true, relu: true)
    let got = assertMatchesReference(spec)
    let fixture = GEMMFixture(spec, seed: 1)
    var zeros = 0
    for i in 0..<spec.m {
      for j in 0..<spec.n where got[i * fixture.ldc + j] == 0 { zeros += 1 }
    }
    XCTAssertGreaterThan(zeros, spec.m * spec.n / 4, "random inputs should give many negatives")
  }

  func testLeadingDimensionsLargerThanRows() {
    for (tA, tB) in Self.transposes {
      assertMatchesReference(
        GEMMCase(
          transA: tA, transB: tB, m: 37, n: 45, k: 61, beta: 0.5, padA: 3, padB: 5, padC: 7,
          bias: true, relu: true))
      assertMatchesReference(
        GEMMCase(transA: tA, transB: tB, m: 160, n: 33, k: 1601, padA: 1, padB: 16, padC: 1))
    }
  }

  /// n narrower than a panel (2 vectors) with A not transposed takes the dot-product path
  /// (GEMMNarrow): below 32 columns with AVX-512, 16 with AVX2, 8 on the baseline.
  func testNarrowOutputsEveryWidth() {
    for n in 1..<32 {
      for transB in [false, true] {
        let spec = GEMMCase(
          transB: transB, m: 9, n: n, k: 43, alpha: 0.75, beta: n % 2 == 0 ? 0 : 0.5,
          padA: 2, padB: 1, padC: 3, bias: n % 3 != 0, relu: n % 4 == 1)
        for kernels in KernelPaths.all {
          XCTAssertEqual(
            kernels.gemmIsNarrow(false, n, spec.k), n < kernels.gemmColumns,
            "\(kernels.isa) \(spec): narrow path iff n < \(kernels.gemmColumns)")
        }
        assertMatchesReference(spec)
      }
    }
    assertMatchesReference(GEMMCase(m: 100, n: 10, k: 500, bias: true, threads: 2))
    assertMatchesReference(GEMMCase(m: 1, n: 15, k: 16, beta: 1))
  }

  /// Shallow products (k < 16, n ≤ one vector, A not transposed: GEMMShallow) at every depth
  /// and width each path takes, both B layouts, with alpha, beta, bias and ReLU, padded
  /// leading dimensions, and split between two threads.
  func testShallowProductsEveryDepthAndWidth() {
    for k in 1..<16 {
      for n in [1, 3, 4, 5, 8, 9, 15, 16] {
        for transB in [false, true] {
          assertMatchesReference(
            GEMMCase(
              transB: transB, m: 23, n: n, k: k, alpha: 0.75, beta: k % 2 == 0 ? 0 : 0.5,
              padA: 1, padB: 2, padC: 3, bias: n % 2 == 1, relu: k % 3 == 0))
        }
      }
    }
    for kernels in KernelPaths.all {
      XCTAssertTrue(kernels.gemmIsNarrow(false, 4, 9), "\(kernels.isa): k = 9, n = 4 is shallow")
    }
    assertMatchesReference(GEMMCase(m: 43_264, n: 8, k: 9, bias: true, relu: true, threads: 2))
  }

  /// Every n around the panel widths of all paths (8, 16, 32 columns) and the narrow-path
  /// threshold, so each path's full, thin (≤ 4, ≤ one vector) and padded edge tiles run.
  func testEveryWidthAroundThePanels() {
    for (tA, tB) in Self.transposes {
      for n in 1...70 {
        assertMatchesReference(
          GEMMCase(transA: tA, transB: tB, m: 13, n: n, k: 19, beta: 0.5, bias: true))
      }
    }
  }

  /// A left operand of mostly zeros (MNIST's first layer) takes the zero-skipping path:
  /// forward x·W, weight gradient xᵀ·dH and input gradient dH·Wᵀ, with every epilogue,
  /// awkward widths and threads.
  func testSparseLeftOperandSkipsZeros() {
    let specs = [
      GEMMCase(m: 100, n: 500, k: 784, bias: true, relu: true, threads: 2, zeros: 0.81),
      GEMMCase(transA: true, m: 784, n: 500, k: 100, threads: 2, zeros: 0.81),
      GEMMCase(m: 37, n: 257, k: 129, alpha: 0.5, beta: 0.25, padA: 3, padB: 2, padC: 1, zeros: 0.9),
      GEMMCase(transA: true, m: 61, n: 300, k: 77, beta: 1, padA: 1, bias: true, zeros: 0.75),
      GEMMCase(m: 20, n: 515, k: 200, relu: true, threads: 3, zeros: 1),
      // The input gradient dH·Wᵀ of a layer whose output gradient is mostly zeros (B copied
      // transposed; threads split the columns), and the transposed-both case.
      GEMMCase(transB: true, m: 50, n: 701, k: 300, threads: 2, zeros: 0.75),
      GEMMCase(transB: true, m: 23, n: 333, k: 190, alpha: 0.5, beta: 0.25, padA: 2, padB: 3, padC: 1, bias: true, relu: true, zeros: 0.8),
      GEMMCase(transA: true, transB: true, m: 31, n: 260, k: 150, beta: 1, padB: 1, threads: 2, zeros: 0.9),
    ]
    for spec in specs {
      let fixture = GEMMFixture(spec, seed: 5)
      for kernels in KernelPaths.all {
        let (rows, columns) = spec.transA ? (spec.k, spec.m) : (spec.m, spec.k)
        XCTAssertTrue(
          fixture.a.withUnsafeBufferPointer {
            kernels.gemmLooksSparse($0.baseAddress!, rows, columns, fixture.lda, 0.3)
          }, "\(kernels.isa) \(spec) should look sparse")
        XCTAssertTrue(
          GEMMSparsity.worthSkippingZeros(
            transA: spec.transA, transB: spec.transB, m: spec.m, n: spec.n, k: spec.k,
            a: fixture.a, lda: fixture.lda, b: fixture.b, ldb: fixture.ldb, kernels: kernels)
            || spec.m * spec.n * spec.k < 1 << 20,
          "\(kernels.isa) \(spec) should take the sparse path")
      }
      assertMatchesReference(spec, seed: 5)
    }
    // Dense operands never look sparse.
    let dense = GEMMFixture(GEMMCase(m: 100, n: 500, k: 784), seed: 2)
    for kernels in KernelPaths.all {
      XCTAssertFalse(
        dense.a.withUnsafeBufferPointer { kernels.gemmLooksSparse($0.baseAddress!, 100, 784, 784, 0.3) })
    }
  }

  /// An infinity or NaN in B times a zero of A is NaN (NumPy, the dense kernel): a sparse left
  /// operand must not skip it, whether the bad value sits where A has zeros or not.
  func testSparseLeftOperandWithNonFiniteRightOperand() {
    // Rows 3 and 700 of B: columns 3 and 700 of op(A) are zero in most rows of C (and the
    // check splits B's rows between threads: one in each half).
    for (transA, bad, row) in [
      (false, Float.infinity, 3), (true, -Float.infinity, 700), (false, Float.nan, 700), (true, Float.nan, 3),
    ] {
      let spec = GEMMCase(transA: transA, m: 100, n: 500, k: 784, bias: true, threads: 2, zeros: 0.81)
      var fixture = GEMMFixture(spec, seed: 8)
      fixture.b[row * fixture.ldb + 7] = bad
      for kernels in KernelPaths.all {
        XCTAssertFalse(
          GEMMSparsity.worthSkippingZeros(
            transA: transA, transB: false, m: spec.m, n: spec.n, k: spec.k, a: fixture.a,
            lda: fixture.lda, b: fixture.b, ldb: fixture.ldb, kernels: kernels),
          "\(kernels.isa): a non-finite B must take the dense path")
        let out = fixture.run(kernels: kernels)
        let expected = fixture.run(reference: true)
        for i in 0..<spec.m {
          let (got, want) = (out[i * fixture.ldc + 7], expected[i * fixture.ldc + 7])
          XCTAssertTrue(
            got.isNaN == want.isNaN && (got.isNaN || got == want),
            "\(kernels.isa) row \(i): \(got) vs reference \(want)")
        }
        XCTAssertTrue(expected.contains { $0.isNaN }, "the reference itself has 0·\(bad) = NaN")
      }
    }
    // A finite B of the same shape does take the sparse path.
    let fine = GEMMFixture(GEMMCase(m: 100, n: 500, k: 784, zeros: 0.81), seed: 8)
    for kernels in KernelPaths.all {
      XCTAssertTrue(
        GEMMSparsity.worthSkippingZeros(
          transA: false, transB: false, m: 100, n: 500, k: 784, a: fine.a, lda: fine.lda,
          b: fine.b, ldb: fine.ldb, kernels: kernels))
    }
  }

  /// dH·Wᵀ with an infinity or NaN in W: the transposed-B sparse path hands the product to the
  /// dense kernel, so 0·Inf still makes NaN as in the reference (skipping zeros would not).
  func testSparseTransposedRightOperandWithInfinityKeepsNaN() {
    for poison in [Float.infinity, -.infinity, .nan] {
      let spec = GEMMCase(transB: true, m: 40, n: 300, k: 200, threads: 2, zeros: 0.8)
      var fixture = GEMMFixture(spec, seed: 11)
      fixture.b[7 * fixture.ldb + 3] = poison
      let expected = fixture.run(reference: true)
      XCTAssertTrue(expected.contains { $0.isNaN }, "the reference has NaNs to keep")
      for kernels in KernelPaths.all {
        let out = fixture.run(kernels: kernels)
        XCTAssertEqual(out.map(\.isNaN), expected.map(\.isNaN), "\(kernels.isa) \(poison)")
      }
    }
  }

  /// The sparse path itself (forced, whatever the density) against the reference.
  func testSparsePathOnAnyOperand() {
    for (tA, tB, zeros) in [(false, false, Float(0)), (true, false, 0.5), (false, false, 0.95), (false, true, 0.7), (true, true, 0)] {
      for n in [1, 15, 16, 129, 300] {
        let spec = GEMMCase(
          transA: tA, transB: tB, m: 9, n: n, k: 40, alpha: 1.5, beta: 0.5, padA: 1, padB: 3, padC: 2,
          bias: true, relu: true, zeros: zeros)
        let fixture = GEMMFixture(spec, seed: 9)
        let expected = fixture.run(reference: true)
        for kernels in KernelPaths.all {
          let out = fixture.run(kernels: kernels, narrow: false, sparse: true)
          assertWithinBounds(
            out, expected, fixture.tolerances(), fixture, "\(kernels.isa) sparse \(spec)", #filePath,
            #line)
        }
      }
    }
  }

  func testManyColumnBlocks() {
    // n > NC exercises more than one packed-B block.
    assertMatchesReference(GEMMCase(m: 7, n: 4100, k: 5, beta: 1, bias: true))
    assertMatchesReference(GEMMCase(transB: true, m: 13, n: 8200, k: 3))
  }

  func testThreadCountsMatchOneThreadBitForBit() {
    let shapes = [
      (200, 50, 900), (50, 200, 300), (7, 40, 9), (13, 17, 1), (100, 500, 784), (1000, 37, 20),
      (37, 1000, 20),
    ]
    for (tA, tB) in Self.transposes {
      for (m, n, k) in shapes {
        let spec = GEMMCase(
          transA: tA, transB: tB, m: m, n: n, k: k, alpha: 1.3, beta: 0.3, padC: 2,
          bias: true, relu: true, threads: 2)
        assertMatchesReference(spec)
        for kernels in KernelPaths.all {
          let fixture = GEMMFixture(spec, seed: 1)
          let one = fixture.run(threads: 1, kernels: kernels)
          let two = fixture.run(threads: 2, kernels: kernels)
          let five = fixture.run(threads: 5, kernels: kernels)
          XCTAssertEqual(one, two, "\(kernels.isa) \(spec): one and two threads differ")
          XCTAssertEqual(one, five, "\(kernels.isa) \(spec): one and five threads differ")
        }
      }
    }
  }

  func testAutomaticThreadCountOnALargeProduct() {
    assertMatchesReference(GEMMCase(m: 300, n: 260, k: 300, beta: 1, bias: true, threads: 0))
    assertMatchesReference(GEMMCase(m: 3, n: 5, k: 7, threads: 0))
  }

  func testThreadPlanCoversCOnceWithAtMostTheThreadsAllowed() {
    let a = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    defer { a.deallocate() }
    for (m, n, threads) in [(5000, 500, 0), (100, 500, 0), (100, 500, 2), (3, 5, 2), (512, 512, 8)] {
      let op = GEMMOperands(
        transA: false, transB: false, m: m, n: n, k: 100, alpha: 1, beta: 0, a: a, lda: 100,
        b: a, ldb: n, c: a, ldc: n, bias: nil, relu: false, narrow: false)
      let (workers, slabs) = GEMMThreading.plan(op, threads: threads, columnGranule: 16)
      XCTAssertLessThanOrEqual(workers, threads == 0 ? Parallelism.threads : threads)
      XCTAssertLessThanOrEqual(workers, slabs.count)
      let splitRows = slabs.allSatisfy { $0.n == n }
      let covered = slabs.map { splitRows ? $0.m : $0.n }.reduce(0, +)
      XCTAssertEqual(covered, splitRows ? m : n, "m=\(m) n=\(n): slabs must tile C exactly")
      var expectedStart = a
      for slab in slabs {
        XCTAssertEqual(slab.c, expectedStart, "slabs must be contiguous and in order")
        expectedStart = splitRows ? slab.c + slab.m * n : slab.c + slab.n
      }
    }
    let small = GEMMOperands(
      transA: false, transB: false, m: 3, n: 5, k: 7, alpha: 1, beta: 0, a: a, lda: 7, b: a,
      ldb: 5, c: a, ldc: 5, bias: nil, relu: false, narrow: false)
    XCTAssertEqual(GEMMThreading.plan(small, threads: 0, columnGranule: 16).workers, 1)
  }

  func testZeroDepthGivesBetaCPlusBias() {
    for beta in [Float(0), 2] {
      assertMatchesReference(
        GEMMCase(m: 9, n: 21, k: 0, beta: beta, padC: 2, bias: true, relu: true))
      assertMatchesReference(GEMMCase(transA: true, transB: true, m: 4, n: 3, k: 0, beta: beta))
    }
  }

  func testZeroAlphaSkipsTheProduct() {
    assertMatchesReference(GEMMCase(m: 9, n: 21, k: 5, alpha: 0, beta: 0.5, bias: true))
  }

  func testEmptyAndInvalidSizesLeaveMemoryAlone() {
    var c = [Float](repeating: 7, count: 16)
    let a = [Float](repeating: 1, count: 16)
    let b = [Float](repeating: 1, count: 16)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          guard let ap = a.baseAddress, let bp = b.baseAddress, let cp = c.baseAddress else {
            return
          }
          let calls: [(Int, Int, Int, Int, Int, Int)] = [
            (0, 4, 4, 4, 4, 4), (4, 0, 4, 4, 4, 4),  // empty
            (-1, 4, 4, 4, 4, 4), (4, -1, 4, 4, 4, 4), (4, 4, -3, 4, 4, 4),  // negative
            (4, 4, 4, 3, 4, 4), (4, 4, 4, 4, 3, 4), (4, 4, 4, 4, 4, 3),  // short rows
          ]
          for (m, n, k, lda, ldb, ldc) in calls {
            for kernels in KernelPaths.all {
              GEMM.sgemm(
                transA: false, transB: false, m: m, n: n, k: k, a: ap, lda: lda, b: bp, ldb: ldb,
                beta: 0, c: cp, ldc: ldc, kernels: kernels)
            }
          }
        }
      }
    }
    XCTAssertEqual(c, [Float](repeating: 7, count: 16))
  }

  func testInterruptStopsBeforeWriting() {
    let spec = GEMMCase(m: 64, n: 64, k: 64, beta: 1)
    let fixture = GEMMFixture(spec, seed: 3)
    Interrupt.request()
    defer { Interrupt.clear() }
    for kernels in KernelPaths.all {
      XCTAssertEqual(fixture.run(kernels: kernels), fixture.c, "\(kernels.isa)")
    }
  }

  func testBlockSizesAreBalanced() {
    XCTAssertEqual(GEMMBlocking.balancedBlock(total: 784, limit: 256, granule: 1), 196)
    XCTAssertEqual(GEMMBlocking.balancedBlock(total: 100, limit: 256, granule: 1), 100)
    XCTAssertEqual(GEMMBlocking.balancedBlock(total: 5000, limit: 144, granule: 6), 144)
    XCTAssertEqual(GEMMBlocking.balancedBlock(total: 200, limit: 144, granule: 6), 102)
    XCTAssertEqual(GEMMBlocking.balancedBlock(total: 1000, limit: 800, granule: 1), 500)
  }
}
