import MNLKernelsGeneric
import XCTest

@testable import MNLKernels

/// bf16-precision GEMM on every path this CPU has (the portable path under each instruction
/// set's kernels, and AVX512_BF16 where cpuid reports it) against an fp64 reference of the
/// bf16-rounded inputs, within the fp32 accumulation bound: the result must be the product of
/// the rounded inputs, which the plain fp32 product is not (checked too).
final class GEMMBF16Tests: XCTestCase {
  /// (kernels, bf16 path) pairs this machine can run.
  static var paths: [(KernelTable, BF16Path)] {
    KernelPaths.all.flatMap { kernels in
      BF16Path.allCases.filter { path in
        path == .portable || (kernels.isa == .avx512 && BF16Dispatch.supported.contains(path))
      }.map { (kernels, $0) }
    }
  }

  /// The fixture with A and B rounded to bfloat16 (NaN padding stays NaN).
  private func rounded(_ fixture: GEMMFixture) -> GEMMFixture {
    var copy = fixture
    copy.a = fixture.a.map { BFloat16.rounded($0) }
    copy.b = fixture.b.map { BFloat16.rounded($0) }
    return copy
  }

  private func assertRoundedInputProduct(
    _ spec: GEMMCase, seed: UInt64 = 3, paths: [(KernelTable, BF16Path)] = GEMMBF16Tests.paths,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    let fixture = GEMMFixture(spec, seed: seed)
    let reference = rounded(fixture)
    let expected = reference.run(reference: true)
    let bounds = reference.tolerances()
    for (kernels, path) in paths {
      let got = fixture.run(kernels: kernels, precision: .bf16, bf16Path: path)
      assertWithinBounds(got, expected, bounds, fixture, "\(kernels.isa)/\(path.rawValue) \(spec)", file, line)
    }
  }

  func testAwkwardSizesAllTransposes() {
    let sizes: [(Int, Int, Int)] = [
      (1, 1, 1), (1, 40, 3), (13, 37, 29), (12, 32, 2), (12, 32, 1), (25, 70, 33), (7, 5, 300),
      (31, 65, 17), (49, 97, 801),
    ]
    for (m, n, k) in sizes {
      for transA in [false, true] {
        for transB in [false, true] {
          assertRoundedInputProduct(GEMMCase(transA: transA, transB: transB, m: m, n: n, k: k))
        }
      }
    }
  }

  func testEpiloguesScalesAndPadding() {
    for (m, n, k) in [(13, 37, 29), (24, 64, 64), (9, 100, 51)] {
      for relu in [false, true] {
        assertRoundedInputProduct(GEMMCase(m: m, n: n, k: k, bias: true, relu: relu))
      }
      assertRoundedInputProduct(
        GEMMCase(transA: true, m: m, n: n, k: k, alpha: 0.5, beta: 1, padA: 3, padB: 1, padC: 2))
      assertRoundedInputProduct(
        GEMMCase(transB: true, m: m, n: n, k: k, alpha: -2, beta: 0.5, padC: 5, bias: true, relu: true))
    }
  }

  /// Several depth blocks (KC = 800, the last of odd length), several NC blocks, two threads.
  func testLargeAndThreadedProducts() {
    assertRoundedInputProduct(GEMMCase(m: 100, n: 500, k: 784, bias: true, relu: true, threads: 2))
    assertRoundedInputProduct(GEMMCase(transA: true, m: 784, n: 50, k: 100, threads: 2))
    assertRoundedInputProduct(GEMMCase(transB: true, m: 60, n: 130, k: 1601, beta: 1, threads: 2))
    assertRoundedInputProduct(GEMMCase(m: 30, n: 2100, k: 40, threads: 2))
  }

  /// MNIST-like inputs (mostly zeros) take the zero-skipping path, which rounds too (B
  /// transposed or not).
  func testSparseFirstLayerPath() {
    assertRoundedInputProduct(GEMMCase(m: 100, n: 500, k: 784, bias: true, relu: true, zeros: 0.85))
    assertRoundedInputProduct(GEMMCase(transA: true, m: 784, n: 500, k: 100, zeros: 0.85))
    // dH·Wᵀ: B copied transposed, then rounded in place.
    assertRoundedInputProduct(GEMMCase(transB: true, m: 50, n: 400, k: 300, padB: 2, threads: 2, zeros: 0.8))
  }

  /// The bound is tight enough to tell: the unrounded fp32 product falls outside it.
  func testPlainFP32ProductIsNotWithinTheBound() {
    let fixture = GEMMFixture(GEMMCase(m: 20, n: 40, k: 300), seed: 5)
    let reference = rounded(fixture)
    let expected = reference.run(reference: true)
    let bounds = reference.tolerances()
    let fp32 = fixture.run(precision: .highest)
    let outside = (0..<fp32.count).filter { abs(fp32[$0] - expected[$0]) > bounds[$0] }.count
    XCTAssertGreaterThan(outside, fp32.count / 2)
  }

  /// The vdpbf16ps path, named: skipped with the reason on CPUs without AVX512_BF16.
  func testAVX512BF16PathRunsWhereTheCPUHasIt() throws {
    guard BF16Dispatch.supported.contains(.avx512bf16),
      let kernels = KernelDispatch.table(for: .avx512)
    else {
      throw XCTSkip("this CPU has no AVX512_BF16 (cpuid leaf 7.1 eax bit 5) or the OS does not save zmm state: the vdpbf16ps path cannot run here")
    }
    XCTAssertEqual(BF16Dispatch.best(for: .avx512), .avx512bf16)
    XCTAssertEqual(BF16Dispatch.best(for: .avx2), .portable)
    assertRoundedInputProduct(
      GEMMCase(m: 37, n: 75, k: 45, beta: 0.5, bias: true, relu: true), paths: [(kernels, .avx512bf16)])
  }
}
