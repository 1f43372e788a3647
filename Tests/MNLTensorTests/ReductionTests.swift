/// Reductions over every axis subset with keepDims, argmax/argmin ties, variance,
/// broadcast(to:) and sumToShape.
import XCTest
@testable import MNLTensor

final class ReductionTests: XCTestCase {
  /// Plain reduction of `x` over `axes` (sorted, non-negative), keeping dims.
  func referenceReduce(_ x: Tensor, axes: [Int], _ op: ReductionOp) -> [Float] {
    var outShape = x.shape
    for a in axes { outShape[a] = 1 }
    let values = x.values
    var groups = [[Double]](repeating: [], count: shapeCount(outShape))
    for flat in 0..<x.count {
      var index = multiIndex(flat, x.shape)
      for a in axes { index[a] = 0 }
      var o = 0
      for axis in 0..<index.count { o = o * outShape[axis] + index[axis] }
      groups[o].append(Double(values[flat]))
    }
    return groups.map { g in
      switch op {
      case .sum: Float(g.reduce(0, +))
      case .mean: Float(g.reduce(0, +) / Double(g.count))
      case .max: Float(g.max() ?? .nan)
      case .min: Float(g.min() ?? .nan)
      }
    }
  }

  func testEveryAxisCombinationWithKeepDims() throws {
    let shapes: [[Int]] = [[7], [3, 17], [33, 7], [2, 3, 5], [2, 3, 4, 5], [785, 3], [3, 785]]
    for (n, shape) in shapes.enumerated() {
      let x = randomTensor(shape, seed: UInt64(n + 10))
      let rank = shape.count
      // All subsets of axes.
      for mask in 0..<(1 << rank) {
        let axes = (0..<rank).filter { mask & (1 << $0) != 0 }
        for op in ReductionOp.allCases {
          for keepDims in [false, true] {
            let result = try reduce(op, x, axes: axes, keepDims: keepDims)
            var expectedShape: [Int] = []
            for (axis, size) in shape.enumerated() {
              if !axes.contains(axis) { expectedShape.append(size) } else if keepDims { expectedShape.append(1) }
            }
            XCTAssertEqual(result.shape, expectedShape, "\(op) \(shape) \(axes)")
            assertValuesClose(
              result.values, referenceReduce(x, axes: axes, op), relative: 1e-5, absolute: 1e-4,
              "\(op) \(shape) axes \(axes)")
          }
        }
      }
    }
  }

  func testNegativeAxesAndFullReduction() throws {
    let x = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
    XCTAssertEqual(try reduce(.sum, x, axes: [-1]).values, [6, 15])
    XCTAssertEqual(try reduce(.max, x, axes: [-2]).values, [4, 5, 6])
    let total = try reduce(.mean, x)
    XCTAssertEqual(total.shape, [])
    XCTAssertEqual(total.scalarValue, 3.5)
    XCTAssertEqual(try reduce(.sum, x, keepDims: true).shape, [1, 1])
    assertThrowsMessage("axis 2 is out of range for a tensor of rank 2 in sum") {
      _ = try reduce(.sum, x, axes: [2])
    }
    assertThrowsMessage("axis -1 is repeated in sum") { _ = try reduce(.sum, x, axes: [1, -1]) }
  }

  func testIntegerSumsAndEmptyReductions() throws {
    let i = try Tensor(shape: [3], values: [1, 2, 3], dtype: .uint8)
    XCTAssertEqual(try reduce(.sum, i).dtype, .int64)  // NumPy: integer sums widen
    XCTAssertEqual(try reduce(.max, i).dtype, .uint8)
    XCTAssertEqual(try reduce(.mean, i).dtype, .float32)
    let empty = Tensor(shape: [0, 3], repeating: 0)
    XCTAssertEqual(try reduce(.sum, empty, axes: [0]).values, [0, 0, 0])
    XCTAssertTrue(try reduce(.mean, empty).scalarValue?.isNaN ?? false)
    XCTAssertEqual(try reduce(.max, empty, axes: [1]).shape, [0])
    assertThrowsContaining("max of an empty selection") { _ = try reduce(.max, empty, axes: [0]) }
  }

  func testLargeSumIsAccurate() throws {
    let x = Tensor(shape: [3_000_000], repeating: 0.1)
    let total = try reduce(.sum, x).scalarValue ?? 0
    XCTAssertEqual(total, 300_000, accuracy: 1)
  }

  func testMaxPropagatesNaN() throws {
    var values = [Float](repeating: 1, count: 40)
    values[37] = .nan
    let x = try Tensor(shape: [40], values: values)
    XCTAssertTrue(try reduce(.max, x).scalarValue?.isNaN ?? false)
    let columns = try Tensor(shape: [4, 10], values: values)
    let m = try reduce(.min, columns, axes: [0]).values
    XCTAssertTrue(m[7].isNaN)
    XCTAssertEqual(m[6], 1)
  }

  func testArgmaxArgminTiesAndAxes() throws {
    let x = try Tensor(shape: [2, 4], values: [1, 3, 3, 0, 5, 5, -1, -1])
    XCTAssertEqual(try argmax(x).values, [4])
    XCTAssertEqual(try argmax(x).shape, [])
    XCTAssertEqual(try argmax(x).dtype, .int64)
    XCTAssertEqual(try argmax(x, axis: 1).values, [1, 0])
    XCTAssertEqual(try argmin(x, axis: -1).values, [3, 2])
    XCTAssertEqual(try argmax(x, axis: 0).values, [1, 1, 0, 0])
    XCTAssertEqual(try argmax(x, axis: 0, keepDims: true).shape, [1, 4])
    XCTAssertEqual(try argmax(x, keepDims: true).shape, [1, 1])
    // Against a reference on every axis of a 3-D tensor with ties.
    let t = unary(.floor, randomTensor([3, 17, 5], seed: 9))
    for axis in 0..<3 {
      for isMax in [true, false] {
        let result = try isMax ? argmax(t, axis: axis) : argmin(t, axis: axis)
        var expected: [Float] = []
        let v = t.values
        var outShape = t.shape
        outShape.remove(at: axis)
        for flat in 0..<shapeCount(outShape) {
          var index = multiIndex(flat, outShape)
          index.insert(0, at: axis)
          var best = 0
          var bestValue: Float = 0
          for i in 0..<t.shape[axis] {
            index[axis] = i
            var f = 0
            for d in 0..<3 { f = f * t.shape[d] + index[d] }
            if i == 0 || (isMax ? v[f] > bestValue : v[f] < bestValue) {
              best = i
              bestValue = v[f]
            }
          }
          expected.append(Float(best))
        }
        XCTAssertEqual(result.values, expected, "axis \(axis) max \(isMax)")
      }
    }
    assertThrowsContaining("argmax of an empty tensor") { _ = try argmax(Tensor(shape: [0], repeating: 0)) }
  }

  func testVarianceAndStandardDeviation() throws {
    let x = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 6, 8])
    assertValuesClose(try variance(x, axes: [1]).values, [2.0 / 3.0, 8.0 / 3.0])
    assertValuesClose(try standardDeviation(x, axes: [0]).values, [1.5, 2, 2.5])
    let all = try variance(x)
    XCTAssertEqual(all.shape, [])
    let mean: Float = 4
    let expected = [1, 2, 3, 4, 6, 8].map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
    XCTAssertEqual(all.scalarValue ?? 0, expected, accuracy: 1e-5)
  }

  func testSumToShapeUnbroadcasts() throws {
    let g = randomTensor([4, 3, 5], seed: 2)
    let toRow = try g.sumToShape([5])
    assertValuesClose(toRow.values, try reduce(.sum, g, axes: [0, 1]).values)
    let toColumn = try g.sumToShape([3, 1])
    XCTAssertEqual(toColumn.shape, [3, 1])
    assertValuesClose(toColumn.values, try reduce(.sum, g, axes: [0, 2]).values)
    XCTAssertEqual(try g.sumToShape([]).shape, [])
    XCTAssertEqual(try g.sumToShape([4, 3, 5]), g)
    assertThrowsMessage("cannot sum [4, 3, 5] to shape [2, 5]") { _ = try g.sumToShape([2, 5]) }
  }

  func testBroadcastTo() throws {
    let r = try Tensor(shape: [3], values: [1, 2, 3])
    let b = try r.broadcast(to: [2, 3])
    XCTAssertEqual(b.values, [1, 2, 3, 1, 2, 3])
    let c = try Tensor(shape: [2, 1], values: [1, 2]).broadcast(to: [2, 2, 3])
    XCTAssertEqual(c.values, [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
    assertThrowsMessage("cannot broadcast [3] to [2, 4]") { _ = try r.broadcast(to: [2, 4]) }
    assertThrowsMessage("cannot broadcast [3] to []") { _ = try r.broadcast(to: []) }
  }
}
