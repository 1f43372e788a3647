/// Indexing and slice assignment against Python slicing semantics.
import XCTest
@testable import MNLTensor

final class IndexingTests: XCTestCase {
  let m = (try? Tensor.arange(end: 12).reshaped([3, 4])) ?? Tensor(scalar: 0)

  func testIntegerIndicesDropAxes() throws {
    let row = try m.indexed([.index(1)])
    XCTAssertEqual(row.shape, [4])
    XCTAssertEqual(row.values, [4, 5, 6, 7])
    let element = try m.indexed([.index(-1), .index(-2)])
    XCTAssertEqual(element.shape, [])
    XCTAssertEqual(element.scalarValue, 10)
    XCTAssertEqual(element.dtype, .int64)
    let column = try m.indexed([.all, .index(0)])
    XCTAssertEqual(column.values, [0, 4, 8])
    assertThrowsMessage("index 3 is out of range for axis 0 with size 3 (shape [3, 4])") {
      _ = try m.indexed([.index(3)])
    }
    assertThrowsMessage("index -5 is out of range for axis 1 with size 4 (shape [3, 4])") {
      _ = try m.indexed([.index(0), .index(-5)])
    }
    assertThrowsMessage("too many indices for a tensor of shape [3, 4]: 3 given") {
      _ = try m.indexed([.index(0), .index(0), .index(0)])
    }
  }

  /// Python's list slicing as the reference for one axis.
  func pythonSlice(_ n: Int, _ start: Int?, _ end: Int?, _ step: Int?) -> [Int] {
    let step = step ?? 1
    var result: [Int] = []
    if step > 0 {
      var s = start ?? 0
      var e = end ?? n
      if s < 0 { s = max(s + n, 0) }
      if e < 0 { e = max(e + n, 0) }
      s = min(s, n)
      e = min(e, n)
      var i = s
      while i < e { result.append(i); i += step }
    } else {
      var s = start ?? n - 1
      var e = end ?? -n - 1
      if s < 0 { s = s + n } else if s >= n { s = n - 1 }
      if e < 0 { e = e + n } else if e >= n { e = n - 1 }
      if s < -1 { s = -1 }
      if e < -1 { e = -1 }
      var i = s
      while i > e { result.append(i); i += step }
    }
    return result
  }

  func testRangesAgainstPythonSemantics() throws {
    let n = 7
    let x = try Tensor.arange(end: Float(n))
    let bounds: [Int?] = [nil, -9, -7, -3, -1, 0, 2, 5, 7, 10]
    for step in [nil, 1, 2, 3, -1, -2, -3, 100, -100] as [Int?] {
      for start in bounds {
        for end in bounds {
          let result = try x.indexed([.range(start: start, end: end, step: step)])
          let expected = pythonSlice(n, start, end, step).map(Float.init)
          XCTAssertEqual(result.values, expected, "\(String(describing: start)):\(String(describing: end)):\(String(describing: step))")
        }
      }
    }
    assertThrowsMessage("slice step cannot be zero") { _ = try x.indexed([.range(start: nil, end: nil, step: 0)]) }
  }

  func testMixedSpecsAndNewAxis() throws {
    let sub = try m.indexed([.range(start: 1, end: nil, step: nil), .range(start: nil, end: nil, step: -2)])
    XCTAssertEqual(sub.shape, [2, 2])
    XCTAssertEqual(sub.values, [7, 5, 11, 9])
    let expanded = try m.indexed([.newAxis, .index(0)])
    XCTAssertEqual(expanded.shape, [1, 4])
    let trailing = try m.indexed([.all, .newAxis])
    XCTAssertEqual(trailing.shape, [3, 1, 4])
    let empty = try m.indexed([.range(start: 2, end: 1, step: nil)])
    XCTAssertEqual(empty.shape, [0, 4])
  }

  func testAssignBroadcastsIntoRegion() throws {
    var x = try Tensor.zeros([3, 4])
    try x.assign([.index(1)], Tensor(scalar: 5))
    XCTAssertEqual(x.values, [0, 0, 0, 0, 5, 5, 5, 5, 0, 0, 0, 0])
    try x.assign([.all, .range(start: nil, end: nil, step: -3)], Tensor(shape: [2], values: [1, 2]))
    XCTAssertEqual(x.values, [2, 0, 0, 1, 2, 5, 5, 1, 2, 0, 0, 1])
    try x.assign([.index(-1), .index(-1)], Tensor(scalar: 9))
    XCTAssertEqual(x.values[11], 9)
    try x.assign([.range(start: 0, end: 2, step: nil), .range(start: 1, end: 3, step: nil)],
      Tensor(shape: [2, 1], values: [7, 8]))
    XCTAssertEqual(x.values, [2, 7, 7, 1, 2, 8, 8, 1, 2, 0, 0, 9])
    assertThrowsMessage("cannot assign a value of shape [3] to a region of shape [2, 2]") {
      try x.assign([.range(start: 0, end: 2, step: nil), .range(start: 1, end: 3, step: nil)],
        Tensor(shape: [3], repeating: 0))
    }
  }

  func testAssignLeavesCopiesAloneAndConvertsDtype() throws {
    var x = try Tensor.arange(end: 4)
    let copy = x
    try x.assign([.index(0)], Tensor(scalar: 2.7))
    XCTAssertEqual(x.values, [2, 1, 2, 3])  // an integer tensor truncates, like NumPy
    XCTAssertEqual(copy.values, [0, 1, 2, 3])
    try x.assign([], x + 1)  // whole tensor from itself
    XCTAssertEqual(x.values, [3, 2, 3, 4])
  }

  /// Slicing then assigning back the slice (+1) changes exactly the selected elements.
  func testRandomSliceAssignRoundTrip() throws {
    var rng = MNLRandom(seed: 42)
    let shape = [5, 6, 7]
    for _ in 0..<50 {
      let base = randomTensor(shape, seed: rng.next())
      var specs: [IndexSpec] = []
      var selected: [[Int]] = []
      for size in shape {
        switch rng.next(below: 3) {
        case 0:
          let i = rng.next(below: 2 * size) - size
          specs.append(.index(i))
          selected.append([i < 0 ? i + size : i])
        case 1:
          let start = rng.next(below: 2 * size + 1) - size
          let step = [1, 2, -1, -3][rng.next(below: 4)]
          specs.append(.range(start: start, end: nil, step: step))
          selected.append(pythonSlice(size, start, nil, step))
        default:
          specs.append(.all)
          selected.append(Array(0..<size))
        }
      }
      let slice = try base.indexed(specs)
      var updated = base
      try updated.assign(specs, slice + 1)
      var expected = base.values
      for i in selected[0] {
        for j in selected[1] {
          for k in selected[2] { expected[(i * 6 + j) * 7 + k] += 1 }
        }
      }
      assertValuesClose(updated.values, expected, "\(specs)")
    }
  }
}
