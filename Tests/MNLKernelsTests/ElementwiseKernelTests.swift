/// Elementwise kernels against scalar loops.
import Foundation
import XCTest
@testable import MNLKernels

/// Elementwise kernels against scalar loops at sizes that hit every SIMD tail and the
/// two-thread split.
final class ElementwiseKernelTests: XCTestCase {
  let sizes = [0, 1, 3, 7, 8, 9, 17, 33, 257, 785, (1 << 18) + 5]

  func randomValues(_ n: Int, seed: UInt64) -> [Float] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1
    return (0..<n).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 24) * 8 - 4
    }
  }

  func testBinaryStepsMatchScalarDefinition() {
    for kernels in KernelPaths.all {
      let kinds: [ElementwiseBinaryKind] = [
        .add, .subtract, .multiply, .divide, .power, .maximum, .minimum, .equal, .notEqual, .less,
        .lessEqual, .greater, .greaterEqual,
      ]
      for n in sizes {
        let a = randomValues(n, seed: 1).map { $0.rounded() }
        let b = randomValues(n, seed: 2).map { $0.rounded() }
        var out = [Float](repeating: -99, count: n)
        for kind in kinds {
          for (aStep, bStep) in [(1, 1), (0, 1), (1, 0), (0, 0)] {
            guard n > 0 else { continue }
            a.withUnsafeBufferPointer { pa in
              b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                  Elementwise.binary(
                    kind, pa.baseAddress!, aStep: aStep, pb.baseAddress!, bStep: bStep,
                    po.baseAddress!, count: n, kernels: kernels)
                }
              }
            }
            for i in 0..<n {
              let expected = Elementwise.binaryScalar(kind, a[i * aStep], b[i * bStep])
              if !(expected == out[i] || (expected.isNaN && out[i].isNaN)) {
                XCTFail("\(kernels.isa) \(kind) steps (\(aStep), \(bStep)) n=\(n) i=\(i): \(out[i]) vs \(expected)")
                break
              }
            }
          }
        }
      }
    }
  }

  func testExpIsAccurateAcrossTheRange() {
    for kernels in KernelPaths.all {
      let n = 200_001
      let x = (0..<n).map { Float(-87 + 175.5 * Double($0) / Double(n - 1)) }
      var out = [Float](repeating: 0, count: n)
      Elementwise.unary(.exp, x, &out, count: n, kernels: kernels)
      var worst: Double = 0
      for i in 0..<n {
        let exact = Foundation.exp(Double(x[i]))
        worst = max(worst, abs(Double(out[i]) - exact) / exact)
      }
      XCTAssertLessThan(worst, 4e-7, "worst relative error of exp, \(kernels.isa)")
    }
  }

  func testLogIsAccurateAcrossTheRange() {
    for kernels in KernelPaths.all {
      // Log-spaced from subnormals to the largest floats, plus the special values.
      var x = (0..<200_001).map { Float(Foundation.exp(-103 + 191.7 * Double($0) / 200_000)) }
      x += [1, 2, 0.5, 1.414_213_5, 1.414_213_6, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
      var out = [Float](repeating: 0, count: x.count)
      Elementwise.unary(.log, x, &out, count: x.count, kernels: kernels)
      var worst: Double = 0
      for i in 0..<x.count {
        let exact = Foundation.log(Double(x[i]))
        let error = Swift.abs(Double(out[i]) - exact) / Swift.max(Swift.abs(exact), 1e-3)
        worst = max(worst, error)
      }
      XCTAssertLessThan(worst, 5e-7, "worst relative error of log, \(kernels.isa)")
      XCTAssertEqual(out[200_001], 0)
      let special: [Float] = [0, -0.0, -1, .infinity, -.infinity, .nan, 1, 1, 1]
      var result = [Float](repeating: 0, count: special.count)
      Elementwise.unary(.log, special, &result, count: special.count, kernels: kernels)
      XCTAssertEqual(Array(result[0..<2]), [-.infinity, -.infinity])
      XCTAssertTrue(result[2].isNaN && result[4].isNaN && result[5].isNaN)
      XCTAssertEqual(result[3], .infinity)
    }
  }

  func testTanhIsAccurateAcrossTheRange() {
    for kernels in KernelPaths.all {
      let n = 200_001
      var x = (0..<n).map { Float(-12 + 24 * Double($0) / Double(n - 1)) }
      x += [0, -0.0, 1e-20, -1e-7, 0.2499, 0.25, -0.2501, 50, -50, .infinity, -.infinity]
      var out = [Float](repeating: 0, count: x.count)
      Elementwise.unary(.tanh, x, &out, count: x.count, kernels: kernels)
      var worst: Double = 0
      for i in 0..<x.count {
        let exact = Foundation.tanh(Double(x[i]))
        let error = exact == 0 ? Swift.abs(Double(out[i])) : Swift.abs(Double(out[i]) - exact) / Swift.abs(exact)
        worst = max(worst, error)
      }
      XCTAssertLessThan(worst, 5e-7, "worst relative error of tanh, \(kernels.isa)")
      var nan: [Float] = [.nan]
      Elementwise.unary(.tanh, nan, &nan, count: 1, kernels: kernels)
      XCTAssertTrue(nan[0].isNaN)
    }
  }

  func testUnaryKernelsMatchScalarLoops() {
    for kernels in KernelPaths.all {
      for n in sizes {
        let x = randomValues(n, seed: 3)
        var out = [Float](repeating: 0, count: n)
        let cases: [(ElementwiseUnaryKind, (Float) -> Float)] = [
          (.negate, { -$0 }), (.abs, { Swift.abs($0) }), (.relu, { Swift.max($0, 0) }),
          (.square, { $0 * $0 }), (.floor, { $0.rounded(.down) }), (.reciprocal, { 1 / $0 }),
          (.sign, { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }), (.sqrt, { Swift.abs($0).squareRoot() }),
        ]
        for (kind, f) in cases {
          let input = kind == .sqrt ? x.map { Swift.abs($0) } : x
          Elementwise.unary(kind, input, &out, count: n, kernels: kernels)
          XCTAssertEqual(out, input.map(f), "\(kernels.isa) \(kind) n=\(n)")
        }
      }
    }
  }

  func testUpdatesMatchScalarLoops() {
    for kernels in KernelPaths.all {
      for n in sizes {
        let x = randomValues(n, seed: 4)
        let y0 = randomValues(n, seed: 5)
        var y = y0
        Elementwise.addScaled(x, scale: 0.25, into: &y, count: n, kernels: kernels)
        XCTAssertEqual(y, zip(y0, x).map { madd(kernels, $0, $1, 0.25) }, "\(kernels.isa) axpy n=\(n)")
        y = y0
        Elementwise.movingAverage(&y, toward: x, decay: 0.9, count: n, kernels: kernels)
        XCTAssertEqual(y, zip(y0, x).map { madd(kernels, $1 * (1 - 0.9), $0, 0.9) }, "\(kernels.isa) ema n=\(n)")
        y = y0
        Elementwise.scale(&y, by: -2, count: n, kernels: kernels)
        XCTAssertEqual(y, y0.map { $0 * -2 })
        var out = [Float](repeating: 0, count: n)
        Elementwise.reluGradient(y0, input: x, &out, count: n, kernels: kernels)
        XCTAssertEqual(out, zip(y0, x).map { $1 > 0 ? $0 : 0 })
        Elementwise.select(x.map { $0 > 0 ? 1 : 0 }, y0, x, &out, count: n, kernels: kernels)
        XCTAssertEqual(out, zip(y0, x).map { $1 > 0 ? $0 : $1 })
      }
    }
  }

  func testStridedCopyAndTranspose() {
    // A 3×4 matrix read transposed through strides.
    let m = (0..<12).map(Float.init)
    var out = [Float](repeating: 0, count: 12)
    Elementwise.copyStrided(m, srcStrides: [1, 4], &out, dstStrides: [3, 1], shape: [4, 3])
    XCTAssertEqual(out, [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
    var t = [Float](repeating: 0, count: 12)
    Elementwise.transpose2D(m, rows: 3, columns: 4, &t)
    XCTAssertEqual(t, out)
    // Broadcast (stride 0) and reversed (negative stride) reads.
    var row = [Float](repeating: 0, count: 6)
    m.withUnsafeBufferPointer { p in
      Elementwise.copyStrided(p.baseAddress! + 3, srcStrides: [0, -1], &row, dstStrides: [3, 1], shape: [2, 3])
    }
    XCTAssertEqual(row, [3, 2, 1, 3, 2, 1])
  }

  func testTruncateClamped() {
    for kernels in KernelPaths.all {
      let x: [Float] = [-1.5, -0.5, 0.5, 254.9, 300, .nan, -300, 7.99, 1]
      var out = [Float](repeating: 0, count: x.count)
      Elementwise.truncateClamped(x, &out, count: x.count, lower: 0, upper: 255, kernels: kernels)
      XCTAssertEqual(out, [0, 0, 0, 254, 255, 0, 0, 7, 1])
    }
  }
}
