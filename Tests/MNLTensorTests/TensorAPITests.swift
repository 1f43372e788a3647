/// sort/argsort/topk, cumsum/cumprod, unique, tile/repeat/flip/pad/diag/outer, einsum and
/// batch-broadcast matmul against plain loop references (NumPy itself: Tests/differential).
import XCTest
@testable import MNLTensor

final class TensorAPITests: XCTestCase {
  func tensor(_ shape: [Int], _ values: [Float]) throws -> Tensor { try Tensor(shape: shape, values: values) }

  func testArgsortIsStableAndPutsNaNLargest() throws {
    let x = try tensor([6], [3, .nan, 1, 3, -0.0, 0])
    XCTAssertEqual(try argsort(x).integerValues, [4, 5, 2, 0, 3, 1])
    XCTAssertEqual(try argsort(x, descending: true).integerValues, [1, 0, 3, 2, 4, 5])
    let sorted = try sort(x).values
    XCTAssertEqual(Array(sorted[..<5]), [-0.0, 0, 1, 3, 3])
    XCTAssertTrue(sorted[5].isNaN)
  }

  func testSortAlongEachAxisMatchesSortingEachLane() throws {
    for shape in [[3, 7], [5, 1, 4], [2, 17, 3]] {
      let x = randomTensor(shape, seed: UInt64(shape.count * 31 + shape[1]))
      for axis in -shape.count..<shape.count {
        let a = axis < 0 ? axis + shape.count : axis
        let s = try sort(x, axis: axis)
        let order = try argsort(x, axis: axis)
        XCTAssertEqual(try takeAlongAxis(x, indices: order, axis: axis), s)
        // Every lane is non-decreasing and holds the lane's values.
        let lanes = AxisLanes(shape: shape, axis: a)
        let (sv, xv) = (s.values, x.values)
        for l in 0..<lanes.count {
          let lane = (0..<lanes.length).map { sv[lanes.start(l) + $0 * lanes.inner] }
          let original = (0..<lanes.length).map { xv[lanes.start(l) + $0 * lanes.inner] }
          XCTAssertEqual(lane, original.sorted(), "shape \(shape) axis \(axis) lane \(l)")
        }
      }
    }
    let flat = try sort(randomTensor([3, 4], seed: 9), axis: nil)
    XCTAssertEqual(flat.shape, [12])
  }

  func testIntegerSortAndTopk() throws {
    let x = Tensor(shape: [2, 4], integers: [5, -2, 5, 9, 0, 0, 7, -9], dtype: .int32)
    XCTAssertEqual(try sort(x).integerValues, [-2, 5, 5, 9, -9, 0, 0, 7])
    XCTAssertEqual(try sort(x).dtype, .int32)
    let indices = try topkIndices(x, k: 2)
    XCTAssertEqual(indices.integerValues, [3, 0, 2, 0])
    XCTAssertEqual(try takeAlongAxis(x, indices: indices, axis: -1).integerValues, [9, 5, 7, 0])
    XCTAssertThrowsError(try topkIndices(x, k: 5))
    XCTAssertEqual(try topkIndices(x, k: 0).shape, [2, 0])
  }

  func testScansAgainstRunningLoops() throws {
    let x = randomTensor([3, 5, 2], seed: 4)
    let v = x.values
    let sums = try scan(.cumsum, x, axis: 1).values
    let products = try scan(.cumprod, x, axis: 1).values
    for o in 0..<3 {
      for i in 0..<2 {
        var (s, p): (Float, Float) = (0, 1)
        for j in 0..<5 {
          let at = (o * 5 + j) * 2 + i
          s += v[at]
          p *= v[at]
          XCTAssertEqual(sums[at], s, accuracy: 1e-5)
          XCTAssertEqual(products[at], p, accuracy: 1e-5)
        }
      }
    }
    XCTAssertEqual(try scan(.cumsum, x, axis: nil).shape, [30])
    XCTAssertEqual(try scan(.cumsum, x, axis: 0, reverse: true).values[0], v[0] + v[10] + v[20], accuracy: 1e-5)
    let ints = Tensor(shape: [3], integers: [200, 100, 1], dtype: .uint8)
    let s = try scan(.cumsum, ints, axis: 0)
    XCTAssertEqual(s.dtype, .int64)
    XCTAssertEqual(s.integerValues, [200, 300, 301])
    let big = Tensor(shape: [2], integers: [Int64.max, 1], dtype: .int64)
    XCTAssertThrowsError(try scan(.cumsum, big, axis: 0))
    // A 0-d input acts as 1-D, as in NumPy (np.cumsum(5, axis=0) is [5]); axis 1 is out of range.
    XCTAssertEqual(try scan(.cumsum, Tensor(scalar: 5), axis: 0).values, [5])
    XCTAssertThrowsError(try scan(.cumsum, Tensor(scalar: 1), axis: 1))
  }

  /// The exact cumprod gradient against Σ_{i≥j} g_i Π_{k≤i, k≠j} x_k term by term.
  func testCumprodGradientWithZeros() throws {
    for values: [Float] in [[2, 0, 3, -1, 0.5], [0, 2, 3], [1.5, -2, 0], [0, 0, 4], [3, 0.5, 2]] {
      let x = try tensor([values.count], values)
      let g = randomTensor([values.count], seed: 3)
      let gv = g.values
      let got = try cumprodGradient(x, g, axis: 0).values
      for j in values.indices {
        var expected: Double = 0
        for i in j..<values.count {
          var p: Double = 1
          for k in 0...i where k != j { p *= Double(values[k]) }
          expected += Double(gv[i]) * p
        }
        XCTAssertEqual(Double(got[j]), expected, accuracy: 1e-5, "\(values) position \(j)")
      }
    }
  }

  func testUniqueCountsWithNaN() throws {
    let (values, counts) = try unique(try tensor([7], [2, .nan, 1, 2, .nan, -1, 2]))
    XCTAssertEqual(Array(values.values[..<3]), [-1, 1, 2])
    XCTAssertTrue(values.values[3].isNaN)
    XCTAssertEqual(counts.integerValues, [1, 1, 3, 2])
    let (empty, none) = try unique(Tensor(shape: [0, 3], repeating: 0))
    XCTAssertEqual(empty.shape, [0])
    XCTAssertEqual(none.shape, [0])
  }

  func testTileRepeatFlipPad() throws {
    let x = Tensor(shape: [2, 2], integers: [1, 2, 3, 4], dtype: .int64)
    XCTAssertEqual(try tile(x, reps: [2]).integerValues, [1, 2, 1, 2, 3, 4, 3, 4])
    XCTAssertEqual(try tile(x, reps: [2, 1, 1]).shape, [2, 2, 2])
    XCTAssertEqual(try repeatElements(x, repeats: [2], axis: nil).integerValues, [1, 1, 2, 2, 3, 3, 4, 4])
    XCTAssertEqual(try repeatElements(x, repeats: [1, 2], axis: 0).integerValues, [1, 2, 3, 4, 3, 4])
    XCTAssertEqual(try repeatElements(x, repeats: [2], axis: -1).integerValues, [1, 1, 2, 2, 3, 3, 4, 4])
    XCTAssertThrowsError(try repeatElements(x, repeats: [1, 2, 3], axis: 0))
    XCTAssertEqual(try flip(x, axes: nil).integerValues, [4, 3, 2, 1])
    XCTAssertEqual(try flip(x, axes: [1]).integerValues, [2, 1, 4, 3])
    XCTAssertThrowsError(try flip(x, axes: [2]))
    let padded = try pad(x, widths: padWidths([[1, 0], [0, 2]], rank: 2), value: Tensor(integer: 9))
    XCTAssertEqual(padded.shape, [3, 4])
    XCTAssertEqual(padded.integerValues, [9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9])
    XCTAssertThrowsError(try pad(x, widths: padWidths([[1]], rank: 2), value: Tensor(scalar: 0.5)))
    XCTAssertThrowsError(try padWidths([[1, -1]], rank: 2))
  }

  func testDiagBothWaysAndOuter() throws {
    let v = try tensor([3], [1, 2, 3])
    for k in -2...2 {
      let m = try diag(v, k: k)
      let n = 3 + abs(k)
      XCTAssertEqual(m.shape, [n, n])
      let mv = m.values
      for i in 0..<n {
        for j in 0..<n {
          let expected: Float = j - i == k ? v.values[min(i, j)] : 0
          XCTAssertEqual(mv[i * n + j], expected, "k \(k) at \(i), \(j)")
        }
      }
      XCTAssertEqual(try diag(m, k: k), v)
    }
    // diag of an infinite element keeps the zeros zero (no inf·0 = NaN).
    XCTAssertEqual(try diag(try tensor([2], [.infinity, 1])).values, [.infinity, 0, 0, 1])
    let rect = try tensor([2, 3], [1, 2, 3, 4, 5, 6])
    XCTAssertEqual(try diag(rect, k: 1).values, [2, 6])
    XCTAssertEqual(try diag(rect, k: -1).values, [4])
    XCTAssertEqual(try diag(rect, k: 5).shape, [0])
    XCTAssertEqual(try diag(rect, k: Int.min).shape, [0])
    XCTAssertThrowsError(try diag(Tensor(scalar: 1)))
    XCTAssertEqual(try outer(v, rect).shape, [3, 6])
    XCTAssertEqual(try outer(v, v).values, [1, 2, 3, 2, 4, 6, 3, 6, 9])
  }

  /// Einsum by brute force: every assignment of every label, products summed into the output.
  func referenceEinsum(_ inputs: [String], _ output: String, _ operands: [Tensor]) -> [Float] {
    var sizes: [Character: Int] = [:]
    for (term, t) in zip(inputs, operands) { for (c, s) in zip(term, t.shape) { sizes[c] = s } }
    let labels = Array(sizes.keys)
    let outShape = output.map { sizes[$0]! }
    var out = [Float](repeating: 0, count: shapeCount(outShape))
    let total = labels.reduce(1) { $0 * sizes[$1]! }
    let values = operands.map(\.values)
    for flat in 0..<total {
      let index = multiIndex(flat, labels.map { sizes[$0]! })
      let at = Dictionary(uniqueKeysWithValues: zip(labels, index))
      var product: Float = 1
      for (o, term) in inputs.enumerated() {
        let position = term.reduce(0) { acc, c in acc * sizes[c]! + at[c]! }
        product *= values[o][position]
      }
      let target = output.reduce(0) { acc, c in acc * sizes[c]! + at[c]! }
      out[target] += product
    }
    return out
  }

  func testEinsumAgainstBruteForce() throws {
    let cases: [(String, [[Int]])] = [
      ("ij,jk->ik", [[3, 5], [5, 7]]), ("ij->ji", [[2, 3]]), ("ii->", [[4, 4]]), ("ii->i", [[3, 3]]),
      ("bij,bjk->bik", [[2, 3, 4], [2, 4, 5]]), ("i,j->ij", [[3], [4]]), ("ij,ij->ij", [[2, 3], [2, 3]]),
      ("ijk,jl->kil", [[2, 3, 4], [3, 5]]), ("bi,bi->b", [[6, 7], [6, 7]]), ("ij,jk,kl->il", [[2, 3], [3, 4], [4, 2]]),
      ("iij->j", [[3, 3, 2]]), ("ij->", [[3, 4]]), ("i,i->", [[5], [5]]), ("ijk->kji", [[2, 3, 4]]),
    ]
    for (index, (subscripts, shapes)) in cases.enumerated() {
      let operands = shapes.enumerated().map { randomTensor($1, seed: UInt64(index * 10 + $0)) }
      let sides = subscripts.components(separatedBy: "->")
      let got = try einsum(subscripts, operands)
      let expected = referenceEinsum(sides[0].components(separatedBy: ","), sides[1], operands)
      XCTAssertEqual(got.count, expected.count, subscripts)
      for (g, e) in zip(got.values, expected) { XCTAssertEqual(g, e, accuracy: 1e-4 * max(1, abs(e)), subscripts) }
    }
    // Implicit output: the labels used once, alphabetically.
    let a = randomTensor([3, 4], seed: 1)
    let b = randomTensor([4, 2], seed: 2)
    XCTAssertEqual(try einsum("ij,jk", [a, b]).values, try einsum("ij,jk->ik", [a, b]).values)
    XCTAssertEqual(try einsum("ba", [a]).shape, [4, 3])
    // Ellipsis: broadcast batch axes.
    let x = randomTensor([2, 1, 3, 4], seed: 5)
    let y = randomTensor([5, 4, 2], seed: 6)
    let viaEllipsis = try einsum("...ij,...jk->...ik", [x, y])
    XCTAssertEqual(viaEllipsis.shape, [2, 5, 3, 2])
    let viaMatmul = try matmul(x, y)
    for (p, q) in zip(viaEllipsis.values, viaMatmul.values) { XCTAssertEqual(p, q, accuracy: 1e-5) }
    XCTAssertThrowsError(try einsum("ij,jk->ik", [a, a]))
    XCTAssertThrowsError(try einsum("ij->ix", [a]))
    XCTAssertThrowsError(try einsum("ijk", [a]))
    XCTAssertThrowsError(try einsum("i1", [a]))
    XCTAssertThrowsError(try einsum("ij,jk", [a]))
  }

  func testMatmulBroadcastsAnyNumberOfBatchAxes() throws {
    func check(_ aShape: [Int], _ bShape: [Int], _ outShape: [Int], seed: UInt64) throws {
      let a = randomTensor(aShape, seed: seed)
      let b = randomTensor(bShape, seed: seed + 1)
      let c = try matmul(a, b)
      XCTAssertEqual(c.shape, outShape, "\(aShape) @ \(bShape)")
      // Reference: the same product through einsum's brute force after explicit broadcasting.
      let aM = aShape.count == 1 ? [1] + aShape : aShape
      let bM = bShape.count == 1 ? bShape + [1] : bShape
      let batch = try broadcastShapes(Array(aM.dropLast(2)), Array(bM.dropLast(2)), op: "@")
      let ab = try a.reshaped(aM).broadcast(to: batch + aM.suffix(2)).reshaped([-1] + aM.suffix(2))
      let bb = try b.reshaped(bM).broadcast(to: batch + bM.suffix(2)).reshaped([-1] + bM.suffix(2))
      let expected = referenceEinsum(["bij", "bjk"], "bik", [ab, bb])
      for (p, q) in zip(c.values, expected) { XCTAssertEqual(p, q, accuracy: 1e-4, "\(aShape) @ \(bShape)") }
      // Integer operands follow the same shape rules, exactly.
      let ai = try cast(binary(.multiply, a, Tensor(scalar: 3)), to: .int64)
      let bi = try cast(binary(.multiply, b, Tensor(scalar: 3)), to: .int32)
      XCTAssertEqual(try matmul(ai, bi).shape, outShape)
    }
    try check([4, 3, 3, 5], [5, 2], [4, 3, 3, 2], seed: 1)
    try check([2, 1, 3, 4], [5, 4, 2], [2, 5, 3, 2], seed: 3)
    try check([1, 2, 3], [2, 3, 2], [2, 2, 2], seed: 5)
    try check([3, 4], [2, 2, 4, 5], [2, 2, 3, 5], seed: 7)
    try check([4], [2, 3, 4, 5], [2, 3, 5], seed: 9)
    try check([2, 3, 1, 4], [4], [2, 3, 1], seed: 11)
    try check([0, 2, 3], [1, 3, 2], [0, 2, 2], seed: 13)
    XCTAssertThrowsError(try matmul(randomTensor([2, 3, 3, 4], seed: 1), randomTensor([2, 4, 2], seed: 2)))
    XCTAssertThrowsError(try matmul(randomTensor([2, 2, 3, 4], seed: 1), randomTensor([5, 2], seed: 2)))
    let transposed = try matmul(
      randomTensor([2, 1, 4, 3], seed: 1), randomTensor([5, 2, 4], seed: 2), transposeA: true, transposeB: true)
    XCTAssertEqual(transposed.shape, [2, 5, 3, 2])
  }

  func testElementTestsClipLinspaceAllclose() throws {
    let x = try tensor([4], [.nan, .infinity, -1, 2])
    XCTAssertEqual(elementTest(.isnan, x).integerValues, [1, 0, 0, 0])
    XCTAssertEqual(elementTest(.isinf, x).integerValues, [0, 1, 0, 0])
    XCTAssertEqual(elementTest(.isfinite, x).integerValues, [0, 0, 1, 1])
    XCTAssertEqual(elementTest(.isfinite, Tensor(integer: 3)).integerValues, [1])
    let clipped = try clip(x, lo: Tensor(scalar: 0), hi: Tensor(scalar: 1)).values
    XCTAssertTrue(clipped[0].isNaN)
    XCTAssertEqual(Array(clipped[1...]), [1, 0, 1])
    XCTAssertEqual(try clip(x, lo: Tensor(scalar: 3), hi: Tensor(scalar: 1)).values[2], 1)
    XCTAssertEqual(try linspace(0, 1, count: 5).values, [0, 0.25, 0.5, 0.75, 1])
    XCTAssertEqual(try linspace(0, 1, count: 4, endpoint: false).values, [0, 0.25, 0.5, 0.75])
    XCTAssertEqual(try linspace(2, 3, count: 1).values, [2])
    XCTAssertThrowsError(try linspace(0, 1, count: -1))
    XCTAssertTrue(try allClose(try tensor([2], [1, 2]), try tensor([2], [1, 2.00001]), rtol: 1e-5, atol: 1e-8))
    XCTAssertFalse(try allClose(try tensor([2], [1, .nan]), try tensor([2], [1, .nan]), rtol: 1e-5, atol: 1e-8))
    XCTAssertTrue(try allClose(try tensor([1], [.nan]), try tensor([1], [.nan]), rtol: 0, atol: 0, equalNaN: true))
    XCTAssertThrowsError(try allClose(try tensor([2], [1, 2]), try tensor([3], [1, 2, 3]), rtol: 0, atol: 0))
  }
}
