/// Exact integer and bool dtypes: storage, promotion, overflow, floor division, casts, masks.
import XCTest

@testable import MNLTensor

final class DTypeTests: XCTestCase {
  func ints(_ values: [Int64], _ dtype: DType = .int64) -> Tensor {
    Tensor(shape: [values.count], integers: values, dtype: dtype)
  }

  func bools(_ values: [Bool]) -> Tensor { ints(values.map { $0 ? 1 : 0 }, .bool) }

  func testIntegersAbove2To24StayExact() throws {
    let x = ints([16_777_216, 16_777_217, -16_777_219])
    XCTAssertEqual(try binary(.add, x, ints([1])).integerValues, [16_777_217, 16_777_218, -16_777_218])
    XCTAssertEqual(try binary(.multiply, x, ints([3])).integerValues, [50_331_648, 50_331_651, -50_331_657])
    XCTAssertEqual(try reduce(.max, x).integerValues, [16_777_217])
    // As Floats 16777216 and 16777217 are equal, and the float kernel would answer 0.
    XCTAssertEqual(try argmax(ints([16_777_216, 16_777_217])).integerValues, [1])
    XCTAssertEqual(x.description, "Tensor[3] i64\n[ 16777216,  16777217, -16777219]")
    XCTAssertEqual(try take(x, indices: ints([2, 0], .uint8)).integerValues, [-16_777_219, 16_777_216])
  }

  func testInt64Near2To62() throws {
    let big: Int64 = 1 << 62
    let x = ints([big, big + 1, -big])
    XCTAssertEqual(try reduce(.sum, x).integerValues, [big + 1])
    XCTAssertEqual(try binary(.subtract, x, ints([1])).integerValues, [big - 1, big, -big - 1])
    XCTAssertEqual(try binary(.add, ints([big]), ints([big - 1])).integerValues, [Int64.max])
    XCTAssertEqual(try cast(x, to: .int64), x)
    XCTAssertThrowsError(try binary(.add, ints([big]), ints([big])))
    XCTAssertThrowsError(try reduce(.sum, ints([big, big])))
  }

  /// The overflow rule: a result outside the result dtype is an error; anything inside is exact.
  func testOverflowIsAnErrorForEveryIntegerDtype() throws {
    for dtype in [DType.uint8, .int32, .int64] {
      let range = dtype.integerRange
      let edges = [range.lowerBound, range.lowerBound + 1, -2, -1, 0, 1, 2, range.upperBound - 1, range.upperBound]
        .filter { range.contains($0) }
      for p in edges {
        for q in edges {
          for (op, exact) in [(BinaryOp.add, Int128(p) + Int128(q)), (.subtract, Int128(p) - Int128(q)), (.multiply, Int128(p) * Int128(q))] {
            let result = try? binary(op, ints([p], dtype), ints([q], dtype))
            if exact >= Int128(range.lowerBound) && exact <= Int128(range.upperBound) {
              XCTAssertEqual(result?.integerValues, [Int64(exact)], "\(p) \(op.symbol) \(q) in \(dtype)")
              XCTAssertEqual(result?.dtype, dtype)
            } else {
              XCTAssertNil(result, "\(p) \(op.symbol) \(q) in \(dtype) must be an error")
            }
          }
        }
      }
    }
    XCTAssertThrowsError(try checkedUnary(.negate, ints([Int64(Int32.min)], .int32)))
    XCTAssertThrowsError(try checkedUnary(.abs, ints([.min])))
    XCTAssertThrowsError(try checkedUnary(.square, ints([16], .uint8)))
    XCTAssertEqual(try checkedUnary(.square, ints([15], .uint8)).integerValues, [225])
    XCTAssertThrowsError(try binary(.power, ints([2]), ints([63])))
    XCTAssertEqual(try binary(.power, ints([2]), ints([62])).integerValues, [1 << 62])
    XCTAssertEqual(try binary(.power, ints([-1]), ints([Int64.max])).integerValues, [-1])
  }

  /// NumPy 2's result dtypes (computed with numpy 2.4 when this test was written) with its
  /// float64 read as float32, since there is no float64 here. Rows and columns are
  /// bool, uint8, int32, int64, float32.
  func testPromotionTableMatchesNumPy() throws {
    let order: [DType] = [.bool, .uint8, .int32, .int64, .float32]
    let numpyAdd: [[DType]] = [
      [.bool, .uint8, .int32, .int64, .float32],
      [.uint8, .uint8, .int32, .int64, .float32],
      [.int32, .int32, .int32, .int64, .float32],
      [.int64, .int64, .int64, .int64, .float32],
      [.float32, .float32, .float32, .float32, .float32],
    ]
    for (i, a) in order.enumerated() {
      for (j, b) in order.enumerated() {
        let (x, y) = (try cast(ints([1, 0]), to: a), try cast(ints([1, 1]), to: b))
        var expected = numpyAdd[i][j]
        // The one documented difference: bools add as 0/1 integers (true + true == 2, as in
        // Python), where NumPy's bool + bool is a logical or.
        if a == .bool && b == .bool { expected = .int64 }
        XCTAssertEqual(try binary(.add, x, y).dtype, expected, "\(a) + \(b)")
        XCTAssertEqual(try binary(.multiply, x, y).dtype, expected, "\(a) * \(b)")
        XCTAssertEqual(try binary(.maximum, x, y).dtype, numpyAdd[i][j], "maximum(\(a), \(b))")
        XCTAssertEqual(try binary(.divide, x, y).dtype, .float32, "\(a) / \(b)")
        XCTAssertEqual(try binary(.less, x, y).dtype, .bool, "\(a) < \(b)")
        XCTAssertEqual(try floorDivision(.floorDivide, x, y).dtype, expected, "\(a) // \(b)")
      }
      // Weak script ints take the tensor's dtype (NumPy: uint8 + 1 is uint8, bool + 1 int64).
      XCTAssertEqual(try a.dtypeForWeakInteger(1, comparison: false, op: "+"), [.int64, .uint8, .int32, .int64, .float32][i])
    }
    XCTAssertThrowsError(try DType.uint8.dtypeForWeakInteger(300, comparison: false, op: "+"))
    XCTAssertEqual(try DType.uint8.dtypeForWeakInteger(300, comparison: true, op: "<"), .int64)
  }

  /// Python's rule: a == (a // b) * b + a % b, with the remainder taking b's sign and |a % b| < |b|.
  func testFloorDivisionAndModuloFollowPythonsRule() throws {
    let values: [Int64] = [.min, .min + 1, -7, -2, -1, 0, 1, 2, 7, .max - 1, .max]
    for a in values {
      for b in values where b != 0 {
        if a == .min && b == -1 {
          XCTAssertThrowsError(try floorDivision(.floorDivide, ints([a]), ints([b])))
          XCTAssertEqual(try floorDivision(.modulo, ints([a]), ints([b])).integerValues, [0])
          continue
        }
        let q = try floorDivision(.floorDivide, ints([a]), ints([b])).integerValues[0]
        let r = try floorDivision(.modulo, ints([a]), ints([b])).integerValues[0]
        XCTAssertEqual(Int128(q) * Int128(b) + Int128(r), Int128(a), "\(a) // \(b)")
        XCTAssertTrue(r == 0 || (r < 0) == (b < 0), "\(a) % \(b) = \(r) has the divisor's sign")
        XCTAssertLessThan(r.magnitude, b.magnitude)
      }
      XCTAssertThrowsError(try floorDivision(.floorDivide, ints([a]), ints([0])))
      XCTAssertThrowsError(try floorDivision(.modulo, ints([a]), ints([0])))
    }
    // float32: the same rule, and IEEE results for a zero divisor.
    let x = try Tensor(shape: [4], values: [-7.5, 7.5, -0.5, 3])
    let y = try Tensor(shape: [4], values: [2, -2, 2, -0.75])
    let q = try floorDivision(.floorDivide, x, y).values
    let r = try floorDivision(.modulo, x, y).values
    for i in 0..<4 {
      XCTAssertEqual(q[i] * y.values[i] + r[i], x.values[i], accuracy: 1e-6)
      XCTAssertEqual(q[i], q[i].rounded(.down))
      XCTAssertTrue(r[i] == 0 || (r[i] < 0) == (y.values[i] < 0))
    }
    XCTAssertEqual(try floorDivision(.floorDivide, Tensor(scalar: 1), Tensor(scalar: 0)).values, [.infinity])
    XCTAssertTrue(try floorDivision(.modulo, Tensor(scalar: 1), Tensor(scalar: 0)).values[0].isNaN)
  }

  func testCastsNeverTrap() throws {
    for bad: Float in [.nan, .infinity, -.infinity, 2_147_483_648, -2_147_483_904] {
      XCTAssertThrowsError(try cast(Tensor(scalar: bad), to: .int32), "\(bad)")
    }
    for bad: Float in [.nan, .infinity, 9.3e18] {
      XCTAssertThrowsError(try cast(Tensor(scalar: bad), to: .int64), "\(bad)")
    }
    XCTAssertEqual(try cast(Tensor(scalar: 2_147_483_520), to: .int32).integerValues, [2_147_483_520])
    XCTAssertThrowsError(try cast(ints([3_000_000_000]), to: .int32))
    XCTAssertThrowsError(try cast(ints([-1]), to: .uint8))
    XCTAssertEqual(try cast(ints([255]), to: .uint8).integerValues, [255])
    let toBool = try cast(try Tensor(shape: [4], values: [0, -0.0, 0.5, .nan]), to: .bool)
    XCTAssertEqual(toBool.dtype, .bool)
    XCTAssertEqual(toBool.integerValues, [0, 0, 1, 1])
    XCTAssertEqual(try cast(bools([true, false]), to: .float32).values, [1, 0])
    XCTAssertThrowsError(try Tensor(shape: [1], values: [.nan], dtype: .int64))
    XCTAssertThrowsError(try Tensor.full([1], value: .infinity, dtype: .int32))
  }

  func testComparisonsGiveBoolAndPromoteInArithmetic() throws {
    let x = try Tensor(shape: [3], values: [1, 2, 3])
    let y = try Tensor(shape: [3], values: [3, 2, 1])
    let greater = try binary(.greater, x, y)
    XCTAssertEqual(greater.dtype, .bool)
    XCTAssertEqual(greater.description, "Tensor[3] bool\n[false, false,  true]")
    // The autodiff rule for maximum: wins + ties * 0.5 is float32.
    let share = try greater + binary(.equal, x, y) * 0.5
    XCTAssertEqual(share.dtype, .float32)
    XCTAssertEqual(share.values, [0, 0.5, 1])
    // Integers compare exactly, also against floats.
    XCTAssertEqual(try binary(.equal, ints([16_777_217]), ints([16_777_216])).integerValues, [0])
    XCTAssertEqual(try binary(.less, ints([16_777_217]), Tensor(scalar: 16_777_218)).integerValues, [1])
    XCTAssertEqual(try whereSelect(greater, ints([1, 2, 3]), ints([0], .int32)).integerValues, [0, 0, 3])
    XCTAssertEqual(try whereSelect(greater, x, ints([0])).dtype, .float32)
  }

  func testMasksSelectAndAssignLikeNumPy() throws {
    let m = try Tensor(shape: [2, 3], values: [1, -2, 3, -4, 5, -6])
    let positive = try binary(.greater, m, Tensor(scalar: 0))
    XCTAssertEqual(try maskedSelect(m, mask: positive).values, [1, 3, 5])
    XCTAssertEqual(try maskedSelect(m, mask: bools([false, true])).shape, [1, 3])
    XCTAssertThrowsError(try maskedSelect(m, mask: bools([true, false, true])))
    XCTAssertThrowsError(try maskedSelect(m, mask: ints([1, 0])))
    var copy = m
    try copy.assign(mask: logicalNot(positive), Tensor(scalar: 0))
    XCTAssertEqual(copy.values, [1, 0, 3, 0, 5, 0])
    XCTAssertEqual(m.values, [1, -2, 3, -4, 5, -6], "copy-on-write")
    try copy.assign(mask: bools([true, false]), try Tensor(shape: [3], values: [7, 8, 9]))
    XCTAssertEqual(copy.values, [7, 8, 9, 0, 5, 0])
    XCTAssertEqual(try reduce(.sum, positive).integerValues, [3])
    XCTAssertEqual(try reduce(.sum, positive).dtype, .int64)
    XCTAssertEqual(try reduce(.mean, positive).values, [0.5])
    XCTAssertEqual(nonzero(positive).map(\.integerValues), [[0, 0, 1], [0, 2, 1]])
    XCTAssertEqual(try logical(.xor, positive, bools([true, true, false])).integerValues, [0, 1, 1, 1, 0, 0])
    XCTAssertTrue(positive.anyNonZero)
    XCTAssertFalse(positive.allNonZero)
  }

  func testIntegerTensorsMoveThroughShapeOps() throws {
    let x = Tensor(shape: [2, 3], integers: [1, 2, 3, 4, 5, 1 << 40], dtype: .int64)
    XCTAssertEqual(try x.transposed().integerValues, [1, 4, 2, 5, 3, 1 << 40])
    XCTAssertEqual(try x.indexed([.all, .range(start: nil, end: nil, step: -1)]).integerValues, [3, 2, 1, 1 << 40, 5, 4])
    XCTAssertEqual(try x.broadcast(to: [2, 2, 3]).integerValues, [1, 2, 3, 4, 5, 1 << 40, 1, 2, 3, 4, 5, 1 << 40])
    let joined = try concat([ints([1], .uint8), ints([1 << 40])])
    XCTAssertEqual(joined.dtype, .int64)
    XCTAssertEqual(joined.integerValues, [1, 1 << 40])
    var y = x
    try y.assign([.index(1)], ints([7, 8, 9], .int32))
    XCTAssertEqual(y.integerValues, [1, 2, 3, 7, 8, 9])
    // x @ xᵀ against the sums of products written out; its last entry overflows int64.
    let small = Tensor(shape: [2, 3], integers: [1, 2, 3, 4, 5, 1 << 30], dtype: .int64)
    let rows = [[Int64(1), 2, 3], [4, 5, 1 << 30]]
    let expected = rows.flatMap { r in rows.map { s in zip(r, s).map { $0 * $1 }.reduce(0, +) } }
    XCTAssertEqual(try matmul(small, try small.transposed()).integerValues, expected)
    XCTAssertThrowsError(try matmul(x, try x.transposed()))
    let extreme = ints([.max, .max])
    XCTAssertThrowsError(try matmul(extreme, extreme))  // 2·(2^63 − 1)² passes even Int128
  }
}
