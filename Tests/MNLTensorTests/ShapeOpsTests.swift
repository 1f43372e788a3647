/// reshape, transpose, concat/stack, squeeze/expandDims and take.
import XCTest
@testable import MNLTensor

final class ShapeOpsTests: XCTestCase {
  func testReshapeInfersOneDimension() throws {
    let x = try Tensor.arange(end: 12)
    XCTAssertEqual(try x.reshaped([3, -1]).shape, [3, 4])
    XCTAssertEqual(try x.reshaped([-1]).shape, [12])
    XCTAssertEqual(try x.reshaped([2, 2, 3]).values, x.values)
    assertThrowsMessage("cannot reshape [12] (12 elements) to [5, -1]: the other dimensions do not divide the element count") {
      _ = try x.reshaped([5, -1])
    }
    assertThrowsMessage("cannot reshape [12] (12 elements) to [-1, -1]: only one dimension can be -1") {
      _ = try x.reshaped([-1, -1])
    }
    assertThrowsMessage("cannot reshape [12] (12 elements) to [5, 2]: element counts differ") {
      _ = try x.reshaped([5, 2])
    }
    assertThrowsMessage("cannot reshape [12] (12 elements) to [-3, -4]: negative dimension") {
      _ = try x.reshaped([-3, -4])
    }
  }

  func testTransposeMatchesReference() throws {
    for (rows, cols) in [(1, 1), (3, 7), (33, 17), (257, 35)] {
      let x = randomTensor([rows, cols], seed: UInt64(rows * cols))
      let t = try x.transposed()
      XCTAssertEqual(t.shape, [cols, rows])
      let v = x.values
      XCTAssertEqual(t.values, (0..<(rows * cols)).map { f in v[(f % rows) * cols + f / rows] })
    }
    let x = randomTensor([2, 3, 4], seed: 1)
    let t = try x.transposed([1, 2, 0])
    XCTAssertEqual(t.shape, [3, 4, 2])
    let v = x.values
    for flat in 0..<t.count {
      let i = multiIndex(flat, t.shape)  // (j, k, i0) = x[i0, j, k]
      XCTAssertEqual(t.values[flat], v[i[2] * 12 + i[0] * 4 + i[1]])
    }
    XCTAssertEqual(try x.transposed().shape, [4, 3, 2])
    assertThrowsContaining("transpose needs a permutation of 0..3") { _ = try x.transposed([0, 0, 1]) }
  }

  func testConcatAndStack() throws {
    let a = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
    let b = try Tensor(shape: [2, 1], values: [5, 6])
    let c = try concat([a, b], axis: 1)
    XCTAssertEqual(c.shape, [2, 3])
    XCTAssertEqual(c.values, [1, 2, 5, 3, 4, 6])
    XCTAssertEqual(try concat([a, a], axis: 0).values, [1, 2, 3, 4, 1, 2, 3, 4])
    assertThrowsMessage("concat along axis 0 needs matching shapes: [2, 2], [2, 1]") {
      _ = try concat([a, b], axis: 0)
    }
    let s = try stack([a, a + 10], axis: 1)
    XCTAssertEqual(s.shape, [2, 2, 2])
    XCTAssertEqual(s.values, [1, 2, 11, 12, 3, 4, 13, 14])
    XCTAssertEqual(try stack([a, a], axis: -1).shape, [2, 2, 2])
    assertThrowsContaining("stack needs equal shapes") { _ = try stack([a, b], axis: 0) }
  }

  func testSqueezeAndExpandDims() throws {
    let x = Tensor(shape: [1, 3, 1], repeating: 2)
    XCTAssertEqual(try x.squeezed().shape, [3])
    XCTAssertEqual(try x.squeezed(axes: [-1]).shape, [1, 3])
    assertThrowsContaining("cannot squeeze axis 1 of size 3") { _ = try x.squeezed(axes: [1]) }
    XCTAssertEqual(try x.expandingDims(at: 0).shape, [1, 1, 3, 1])
    XCTAssertEqual(try x.expandingDims(at: -1).shape, [1, 3, 1, 1])
  }

  func testTakeBatchesRowsWithNegativeIndices() throws {
    let x = try Tensor.arange(end: 12).reshaped([4, 3])
    let rows = try take(x, indices: Tensor(shape: [3], values: [3, 0, -1], dtype: .int32))
    XCTAssertEqual(rows.shape, [3, 3])
    XCTAssertEqual(rows.values, [9, 10, 11, 0, 1, 2, 9, 10, 11])
    let columns = try take(x, indices: Tensor(shape: [2, 1], values: [2, 0], dtype: .int64), axis: 1)
    XCTAssertEqual(columns.shape, [4, 2, 1])
    XCTAssertEqual(columns.values, [2, 0, 5, 3, 8, 6, 11, 9])
    assertThrowsMessage("index 4 is out of range for axis 0 with size 4 in take") {
      _ = try take(x, indices: Tensor(shape: [1], values: [4], dtype: .int64))
    }
    assertThrowsMessage("index -5 is out of range for axis 0 with size 4 in take") {
      _ = try take(x, indices: Tensor(shape: [1], values: [-5], dtype: .int32))
    }
  }
}
