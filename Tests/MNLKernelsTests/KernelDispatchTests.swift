import XCTest

@testable import MNLKernels

/// The choice of path and thread count, products compared across paths, and size checks.
final class KernelDispatchTests: XCTestCase {
  func testBaselineIsAlwaysThereAndTheActivePathIsSupported() {
    XCTAssertEqual(KernelDispatch.supported.first, .baseline)
    XCTAssertTrue(KernelDispatch.supported.contains(KernelDispatch.active.isa))
    XCTAssertEqual(KernelPaths.all.map(\.isa), KernelDispatch.supported)
    for kernels in KernelPaths.all {
      XCTAssertEqual(kernels.gemmColumns, 2 * kernels.lanes)
    }
    #if arch(x86_64)
      XCTAssertEqual(KernelDispatch.table(for: .baseline)?.lanes, 4)
      XCTAssertEqual(KernelDispatch.table(for: .avx2)?.lanes ?? 8, 8)
      XCTAssertEqual(KernelDispatch.table(for: .avx512)?.lanes ?? 16, 16)
    #else
      XCTAssertNil(KernelDispatch.table(for: .avx2))
    #endif
  }

  func testISARequestsAreCheckedAgainstTheCPU() {
    for isa in KernelDispatch.supported {
      XCTAssertEqual(try KernelDispatch.select(requested: isa.rawValue).get(), isa)
    }
    XCTAssertEqual(try KernelDispatch.select(requested: nil).get(), KernelDispatch.supported.last)
    XCTAssertEqual(try KernelDispatch.select(requested: "").get(), KernelDispatch.supported.last)
    guard case .failure(let error) = KernelDispatch.select(requested: "sse9") else {
      return XCTFail("an unknown path must be refused")
    }
    XCTAssertTrue(error.message.contains("baseline, avx2, avx512"), error.message)
    for isa in KernelISA.allCases where !KernelDispatch.supported.contains(isa) {
      guard case .failure(let error) = KernelDispatch.select(requested: isa.rawValue) else {
        return XCTFail("\(isa) is not supported here and must be refused")
      }
      XCTAssertTrue(error.message.contains("cannot run"), error.message)
    }
  }

  func testThreadRequestsAreChecked() {
    XCTAssertEqual(try Parallelism.select(requested: "3").get(), 3)
    XCTAssertEqual(try Parallelism.select(requested: nil).get(), Parallelism.availableCPUs())
    for bad in ["0", "-2", "two", "100000"] {
      guard case .failure = Parallelism.select(requested: bad) else {
        return XCTFail("MNL_THREADS=\(bad) must be refused")
      }
    }
    XCTAssertGreaterThanOrEqual(Parallelism.availableCPUs(), 1)
    XCTAssertGreaterThanOrEqual(Parallelism.threads, 1)
  }

  /// The same products on every path agree with each other to rounding (each is also checked
  /// against the reference elsewhere; this catches a path that drifts in the same direction).
  func testEveryPathComputesTheSameProducts() {
    let specs = [
      GEMMCase(m: 100, n: 500, k: 784, bias: true, relu: true, threads: 0),
      GEMMCase(transA: true, m: 784, n: 500, k: 100, beta: 1, threads: 2),
      GEMMCase(transB: true, m: 100, n: 784, k: 500),
      GEMMCase(m: 100, n: 10, k: 500, bias: true),
      GEMMCase(m: 37, n: 45, k: 1001, alpha: -0.5, beta: 0.25, padA: 3, padB: 5, padC: 1),
    ]
    for spec in specs {
      let fixture = GEMMFixture(spec, seed: 7)
      let bounds = fixture.tolerances()
      let results = KernelPaths.all.map { ($0.isa, fixture.run(kernels: $0)) }
      for (isaA, a) in results {
        for (isaB, b) in results where isaA < isaB {
          // Each is within `bounds` of the exact product, so within twice of each other.
          assertWithinBounds(
            b, a, bounds.map { 2 * $0 }, fixture, "\(isaA) vs \(isaB) \(spec)", #filePath, #line)
        }
      }
    }
  }

  func testInvalidSizesLeaveMemoryAlone() {
    let x: [Float] = [1, 2, 3, 4]
    var out: [Float] = [7, 7, 7, 7]
    for kernels in KernelPaths.all {
      Elementwise.unary(.exp, x, &out, count: -1, kernels: kernels)
      Elementwise.binary(.add, x, aStep: 2, x, bStep: 1, &out, count: 4, kernels: kernels)
      Elementwise.addScaled(x, scale: 2, into: &out, count: -5, kernels: kernels)
      Elementwise.scale(&out, by: 2, count: -1, kernels: kernels)
      Elementwise.select(x, x, x, &out, count: -1, kernels: kernels)
      Elementwise.binaryBroadcast(
        .add, x, aStrides: [1], x, bStrides: [1, 0], &out, shape: [2, 2], kernels: kernels)
      Reduction.rows(.sum, x, rows: 2, length: 0, &out, kernels: kernels)
      Reduction.columns(.max, x, rows: 0, columns: 4, &out, kernels: kernels)
      Softmax.rows(x, rows: -1, length: 4, &out, log: false, kernels: kernels)
      XCTAssertEqual(Reduction.sum(x, count: -3, kernels: kernels), 0)
      XCTAssertTrue(Reduction.extremum(.max, x, count: 0, kernels: kernels).isNaN)
      var loss: [Float] = [7]
      let badLabel = [10]
      Softmax.sparseCrossEntropy(
        x, labels: badLabel, rows: 1, classes: 4, loss: &loss, gradient: &out, kernels: kernels)
      XCTAssertEqual(loss, [7])
    }
    Elementwise.copyStrided(x, srcStrides: [1], &out, dstStrides: [1, 1], shape: [2, 2])
    Elementwise.transpose2D(x, rows: -2, columns: 2, &out)
    XCTAssertEqual(out, [7, 7, 7, 7])
  }
}
