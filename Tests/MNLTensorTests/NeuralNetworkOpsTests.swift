/// softmax, log-softmax, sparse cross-entropy (+ gradient), oneHot, l2Loss and casts.
import Foundation
import XCTest
@testable import MNLTensor

final class NeuralNetworkOpsTests: XCTestCase {
  func referenceSoftmax(_ row: [Float]) -> [Float] {
    let m = row.max() ?? 0
    let e = row.map { Foundation.exp(Double($0 - m)) }
    let s = e.reduce(0, +)
    return e.map { Float($0 / s) }
  }

  func testSoftmaxRowsAtAwkwardWidths() throws {
    for n in awkwardSizes {
      let x = randomTensor([3, n], seed: UInt64(n), low: -30, high: 30)
      let s = try softmax(x)
      let ls = try logSoftmax(x)
      for r in 0..<3 {
        let row = Array(x.values[(r * n)..<((r + 1) * n)])
        let expected = referenceSoftmax(row)
        assertValuesClose(Array(s.values[(r * n)..<((r + 1) * n)]), expected, relative: 1e-5, absolute: 1e-7)
        assertValuesClose(
          Array(ls.values[(r * n)..<((r + 1) * n)]), expected.map { Foundation.log($0) },
          relative: 1e-5, absolute: 1e-4)
      }
    }
  }

  func testSoftmaxIsStableForHugeLogits() throws {
    let x = try Tensor(shape: [1, 3], values: [1000, 1001, 999])
    let s = try softmax(x).values
    XCTAssertFalse(s.contains { $0.isNaN })
    XCTAssertEqual(s.reduce(0, +), 1, accuracy: 1e-6)
    let loss = try sparseSoftmaxCrossEntropy(
      logits: x, labels: Tensor(shape: [1], values: [0], dtype: .int32))
    XCTAssertEqual(loss.scalarValue ?? 0, 1.4076059, accuracy: 1e-4)
  }

  func testSoftmaxAlongOtherAxes() throws {
    let x = randomTensor([4, 5, 3], seed: 8)
    let s0 = try softmax(x, axis: 0)
    let viaTranspose = try softmax(x.transposed([2, 1, 0]), axis: -1).transposed([2, 1, 0])
    assertValuesClose(s0.values, viaTranspose.values)
    let sums = try reduce(.sum, s0, axes: [0]).values
    assertValuesClose(sums, [Float](repeating: 1, count: 15))
    assertThrowsContaining("axis 3 is out of range") { _ = try softmax(x, axis: 3) }
  }

  func testSparseCrossEntropyAndGradient() throws {
    let n = 17
    let classes = 10
    let logits = randomTensor([n, classes], seed: 11, low: -5, high: 5)
    let labels = try Tensor(shape: [n], values: (0..<n).map { Float($0 % classes) }, dtype: .int32)
    let (loss, gradient) = try sparseSoftmaxCrossEntropyWithGradient(logits: logits, labels: labels)
    let plain = try sparseSoftmaxCrossEntropy(logits: logits, labels: labels)
    XCTAssertEqual(loss.shape, [n])
    assertValuesClose(plain.values, loss.values)
    for r in 0..<n {
      let row = Array(logits.values[(r * classes)..<((r + 1) * classes)])
      let p = referenceSoftmax(row)
      let label = r % classes
      XCTAssertEqual(loss.values[r], -Foundation.log(p[label]), accuracy: 1e-5)
      var expected = p
      expected[label] -= 1
      assertValuesClose(
        Array(gradient.values[(r * classes)..<((r + 1) * classes)]), expected, relative: 1e-5,
        absolute: 1e-6)
    }
  }

  func testCrossEntropyValidatesLabels() {
    let logits = Tensor(shape: [2, 10], repeating: 0)
    assertThrowsMessage("label 12 at index 1 is out of range for 10 classes in sparse_softmax_cross_entropy") {
      _ = try sparseSoftmaxCrossEntropy(logits: logits, labels: Tensor(shape: [2], values: [3, 12], dtype: .int64))
    }
    assertThrowsMessage("label -1 at index 0 is out of range for 10 classes in sparse_softmax_cross_entropy") {
      _ = try sparseSoftmaxCrossEntropy(logits: logits, labels: Tensor(shape: [2], values: [-1, 0], dtype: .int32))
    }
    assertThrowsContaining("needs integer labels, got a float32 tensor") {
      _ = try sparseSoftmaxCrossEntropy(logits: logits, labels: Tensor(shape: [2], values: [1.5, 0]))
    }
    assertThrowsMessage(
      "sparse_softmax_cross_entropy needs logits [n, classes] and labels [n]: got logits [2, 10] and labels [3]"
    ) {
      _ = try sparseSoftmaxCrossEntropy(logits: logits, labels: Tensor(shape: [3], repeating: 0))
    }
  }

  func testOneHot() throws {
    let labels = try Tensor(shape: [3], values: [2, 0, 1], dtype: .int32)
    let h = try oneHot(labels, depth: 3)
    XCTAssertEqual(h.shape, [3, 3])
    XCTAssertEqual(h.values, [0, 0, 1, 1, 0, 0, 0, 1, 0])
    XCTAssertEqual(h.dtype, .float32)
    assertThrowsContaining("label 3 at index 0 is out of range for 3 classes in one_hot") {
      _ = try oneHot(Tensor(shape: [1], values: [3], dtype: .uint8), depth: 3)
    }
    assertThrowsContaining("positive depth") { _ = try oneHot(labels, depth: 0) }
  }

  func testL2Loss() throws {
    let x = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
    let l = l2Loss(x)
    XCTAssertEqual(l.shape, [])
    XCTAssertEqual(l.scalarValue, 15)
  }

  func testCastsTruncateTowardZeroAndRejectWhatDoesNotFit() throws {
    let x = try Tensor(shape: [4], values: [-1.7, -0.5, 0.5, 2.9])
    XCTAssertEqual(try cast(x, to: .int32).integerValues, [-1, 0, 0, 2])
    XCTAssertEqual(try cast(x, to: .int32).dtype, .int32)
    for bad: Float in [.nan, .infinity, 3e9] {
      XCTAssertThrowsError(try cast(Tensor(scalar: bad), to: .int32))
    }
    XCTAssertThrowsError(try cast(Tensor(scalar: 300), to: .uint8))
    XCTAssertThrowsError(try cast(Tensor(scalar: -1), to: .uint8))
    let i = try cast(x, to: .int32)
    XCTAssertEqual(try cast(i, to: .float32).dtype, .float32)
    XCTAssertEqual(try cast(i, to: .float32).values, i.values)
  }
}
