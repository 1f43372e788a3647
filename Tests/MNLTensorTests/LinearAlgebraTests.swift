/// matmul (2-D, vectors, batched, transposed) and linear against a triple-loop reference.
import XCTest
@testable import MNLTensor

final class LinearAlgebraTests: XCTestCase {
  /// Plain product of row-major m×k and k×n value lists.
  func referenceProduct(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var acc: Double = 0
        for p in 0..<k { acc += Double(a[i * k + p]) * Double(b[p * n + j]) }
        c[i * n + j] = Float(acc)
      }
    }
    return c
  }

  func testMatrixProductsAtAwkwardSizes() throws {
    for (m, k, n) in [(1, 1, 1), (3, 7, 17), (17, 33, 3), (33, 1, 7), (7, 257, 5), (2, 785, 10)] {
      let a = randomTensor([m, k], seed: UInt64(m * 1000 + k))
      let b = randomTensor([k, n], seed: UInt64(k * 1000 + n))
      let c = try matmul(a, b)
      XCTAssertEqual(c.shape, [m, n])
      let expected = referenceProduct(a.values, b.values, m: m, k: k, n: n)
      assertValuesClose(c.values, expected, relative: 1e-4, absolute: 1e-4, "\(m)x\(k)x\(n)")
      // Transposed operands give the same product.
      let ct = try matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true)
      assertValuesClose(ct.values, expected, relative: 1e-4, absolute: 1e-4)
    }
  }

  /// Sizes past the GEMM's blocking, with every transpose combination and the fused epilogue.
  func testLargerProductsThroughTheGEMM() throws {
    let (m, k, n) = (67, 301, 45)
    let a = randomTensor([m, k], seed: 21)
    let b = randomTensor([k, n], seed: 22)
    let bias = randomTensor([n], seed: 23)
    var expected = referenceProduct(a.values, b.values, m: m, k: k, n: n)
    let at = try a.transposed()
    let bt = try b.transposed()
    for (x, y, ta, tb) in [(a, b, false, false), (at, b, true, false), (a, bt, false, true), (at, bt, true, true)] {
      let c = try matmul(x, y, transposeA: ta, transposeB: tb)
      assertValuesClose(c.values, expected, relative: 1e-4, absolute: 1e-3, "ta \(ta) tb \(tb)")
    }
    for i in 0..<m {
      for j in 0..<n { expected[i * n + j] = max(expected[i * n + j] + bias.values[j], 0) }
    }
    assertValuesClose(try linear(a, b, bias, relu: true).values, expected, relative: 1e-4, absolute: 1e-3)
  }

  func testVectorOperandsLikeNumPy() throws {
    let m = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
    let v3 = try Tensor(shape: [3], values: [1, 0, -1])
    let v2 = try Tensor(shape: [2], values: [1, 1])
    let mv = try matmul(m, v3)
    XCTAssertEqual(mv.shape, [2])
    XCTAssertEqual(mv.values, [-2, -2])
    let vm = try matmul(v2, m)
    XCTAssertEqual(vm.shape, [3])
    XCTAssertEqual(vm.values, [5, 7, 9])
    let dot = try matmul(v3, v3)
    XCTAssertEqual(dot.shape, [])
    XCTAssertEqual(dot.scalarValue, 2)
  }

  func testBatchedProducts() throws {
    let a = randomTensor([3, 4, 5], seed: 1)
    let b = randomTensor([3, 5, 2], seed: 2)
    let w = randomTensor([5, 2], seed: 3)
    let c = try matmul(a, b)
    XCTAssertEqual(c.shape, [3, 4, 2])
    let shared = try matmul(a, w)
    XCTAssertEqual(shared.shape, [3, 4, 2])
    for i in 0..<3 {
      let ai = try a.indexed([.index(i)])
      let bi = try b.indexed([.index(i)])
      assertValuesClose(try c.indexed([.index(i)]).values, try matmul(ai, bi).values)
      assertValuesClose(try shared.indexed([.index(i)]).values, try matmul(ai, w).values)
    }
    let left = try matmul(w, b, transposeA: true)  // [5, 2]ᵀ @ [3, 5, 2]
    XCTAssertEqual(left.shape, [3, 2, 2])
    for i in 0..<3 {
      let expected = try matmul(w.transposed(), b.indexed([.index(i)]))
      assertValuesClose(try left.indexed([.index(i)]).values, expected.values)
    }
    let at = try matmul(a.transposed([0, 2, 1]), w, transposeA: true)
    assertValuesClose(at.values, shared.values, relative: 1e-5, absolute: 1e-5)
  }

  func testShapeMismatchMessages() {
    assertThrowsMessage("shape mismatch in @: [100, 784] @ [500, 10]") {
      _ = try matmul(Tensor(shape: [100, 784], repeating: 0), Tensor(shape: [500, 10], repeating: 0))
    }
    assertThrowsMessage("shape mismatch in @: [2, 3, 4] @ [3, 4, 5]") {
      _ = try matmul(Tensor(shape: [2, 3, 4], repeating: 0), Tensor(shape: [3, 4, 5], repeating: 0))
    }
    assertThrowsMessage("@ needs operands with at least one axis: [] @ [3]") {
      _ = try matmul(Tensor(scalar: 1), Tensor(shape: [3], repeating: 0))
    }
  }

  func testEmptyInnerDimensionGivesZeros() throws {
    let c = try matmul(Tensor(shape: [2, 0], repeating: 0), Tensor(shape: [0, 3], repeating: 0))
    XCTAssertEqual(c.values, [Float](repeating: 0, count: 6))
  }

  func testLinearFusesBiasAndRelu() throws {
    let x = randomTensor([33, 17], seed: 5)
    let w = randomTensor([17, 7], seed: 6)
    let b = randomTensor([7], seed: 7)
    let plain = try binary(.add, matmul(x, w), b)
    assertValuesClose(try linear(x, w, b).values, plain.values, relative: 1e-5, absolute: 1e-5)
    assertValuesClose(
      try linear(x, w, b, relu: true).values, unary(.relu, plain).values, relative: 1e-5,
      absolute: 1e-5)
    assertValuesClose(try linear(x, w, nil).values, try matmul(x, w).values, relative: 1e-5, absolute: 1e-5)
    assertThrowsMessage("shape mismatch in linear: [33, 17] @ [7, 17]") {
      _ = try linear(x, w.transposed(), b)
    }
    assertThrowsContaining("bias shape [3]") { _ = try linear(x, w, Tensor(shape: [3], repeating: 0)) }
  }

  func testIntegerProductsStayInteger() throws {
    let a = try Tensor(shape: [2, 2], values: [1, 2, 3, 4], dtype: .int32)
    let c = try matmul(a, a)
    XCTAssertEqual(c.dtype, .int32)
    XCTAssertEqual(c.values, [7, 10, 15, 22])
  }
}
