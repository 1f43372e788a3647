/// Binary/unary ops against plain references over every broadcasting pattern, dtype rules,
/// exp edge cases, where, in-place updates and operators.
import Foundation
import XCTest
@testable import MNLTensor

final class ElementwiseOpsTests: XCTestCase {
  /// Plain definitions of every binary op.
  func reference(_ op: BinaryOp) -> (Float, Float) -> Float {
    switch op {
    case .add: { $0 + $1 }
    case .subtract: { $0 - $1 }
    case .multiply: { $0 * $1 }
    case .divide: { $0 / $1 }
    case .power: { Float(Foundation.pow(Double($0), Double($1))) }
    case .maximum: { Swift.max($0, $1) }
    case .minimum: { Swift.min($0, $1) }
    case .equal: { $0 == $1 ? 1 : 0 }
    case .notEqual: { $0 != $1 ? 1 : 0 }
    case .less: { $0 < $1 ? 1 : 0 }
    case .lessEqual: { $0 <= $1 ? 1 : 0 }
    case .greater: { $0 > $1 ? 1 : 0 }
    case .greaterEqual: { $0 >= $1 ? 1 : 0 }
    }
  }

  /// Shape pairs covering every broadcasting pattern.
  let patterns: [([Int], [Int])] = [
    ([17], [17]),  // same shape
    ([], [33]), ([33], []),  // scalar either side
    ([1], [7, 3]),  // one-element vector
    ([7, 33], [33]), ([33], [7, 33]),  // row vector (rank mismatch)
    ([7, 33], [7, 1]), ([7, 1], [7, 33]),  // column
    ([7, 1], [1, 17]),  // both sides expand (outer product)
    ([3, 1, 5], [4, 1]),  // rank mismatch, middle axis
    ([2, 3, 4, 5], [3, 1, 5]),  // 4-D
    ([257, 785], [785]),  // large row broadcast
    ([785, 1], [785, 3]),
  ]

  func testEveryBinaryOpEveryPattern() throws {
    var seed: UInt64 = 1
    for op in BinaryOp.allCases {
      for (sa, sb) in patterns {
        seed += 1
        var a = randomTensor(sa, seed: seed)
        var b = randomTensor(sb, seed: seed + 1000)
        if op == .power { a = unary(.abs, a) + 0.1 }  // real results only
        if [.equal, .notEqual, .lessEqual, .greaterEqual].contains(op) {
          // Make ties likely.
          a = unary(.floor, a)
          b = unary(.floor, b)
        }
        let result = try binary(op, a, b)
        let shape = try broadcastShapes(sa, sb, op: op.symbol)
        XCTAssertEqual(result.shape, shape)
        assertValuesClose(
          result.values, referenceBinary(a, b, shape, reference(op)), relative: 2e-6,
          "\(op) \(sa) \(sb)")
      }
    }
  }

  func testAwkwardSizesAndLargeThreadedCounts() throws {
    for n in awkwardSizes + [300_001] {
      let a = randomTensor([n], seed: UInt64(n))
      let b = randomTensor([n], seed: UInt64(n) + 7)
      for op in [BinaryOp.add, .multiply, .maximum, .less] {
        let result = try binary(op, a, b)
        assertValuesClose(result.values, referenceBinary(a, b, [n], reference(op)), "\(op) \(n)")
      }
      let scaled = try binary(.multiply, a, Tensor(scalar: 2))
      XCTAssertEqual(scaled.values, a.values.map { $0 * 2 })
    }
    // Large column broadcast takes the two-thread path of the broadcast driver.
    let a = randomTensor([600, 500], seed: 3)
    let c = randomTensor([600, 1], seed: 4)
    assertValuesClose(
      try binary(.subtract, a, c).values, referenceBinary(a, c, [600, 500], { $0 - $1 }))
  }

  func testIncompatibleShapesThrowNamedErrors() {
    assertThrowsMessage("cannot broadcast [3, 4] with [5] in +") {
      _ = try binary(.add, Tensor(shape: [3, 4], repeating: 0), Tensor(shape: [5], repeating: 0))
    }
    assertThrowsMessage("cannot broadcast [2, 3] with [3, 2] in maximum") {
      _ = try binary(.maximum, Tensor(shape: [2, 3], repeating: 0), Tensor(shape: [3, 2], repeating: 0))
    }
    assertThrowsMessage("cannot broadcast [4, 1] with [2, 3] in where") {
      _ = try whereSelect(
        Tensor(shape: [4, 1], repeating: 0), Tensor(shape: [2, 3], repeating: 0), Tensor(scalar: 1))
    }
  }

  func testDtypeRules() throws {
    let i = try Tensor(shape: [3], values: [1, 2, 3], dtype: .int32)
    let f = try Tensor(shape: [3], values: [1, 2, 3])
    XCTAssertEqual(try binary(.add, i, i).dtype, .int32)
    XCTAssertEqual(try binary(.maximum, i, i).dtype, .int32)
    XCTAssertEqual(try binary(.add, i, f).dtype, .float32)
    let quotient = try binary(.divide, i, try Tensor(shape: [], values: [2], dtype: .int32))
    XCTAssertEqual(quotient.dtype, .float32)
    XCTAssertEqual(quotient.values, [0.5, 1, 1.5])
    let comparison = try binary(.less, i, i)
    XCTAssertEqual(comparison.dtype, .bool)
    XCTAssertEqual(comparison.integerValues, [0, 0, 0])
  }

  func testNaNPropagatesThroughMaximumLikeNumPy() throws {
    let a = try Tensor(shape: [9], values: [1, .nan, 3, 4, 5, 6, 7, 8, .nan])
    let b = Tensor(shape: [9], repeating: 2)
    let m = try binary(.maximum, a, b).values
    XCTAssertTrue(m[1].isNaN && m[8].isNaN)
    XCTAssertEqual(m[0], 2)
    XCTAssertEqual(m[2], 3)
  }

  func testUnaryOpsAgainstFoundation() throws {
    let references: [(UnaryOp, (Double) -> Double)] = [
      (.negate, { -$0 }), (.exp, { Foundation.exp($0) }), (.log, { Foundation.log($0) }),
      (.sqrt, { $0.squareRoot() }), (.abs, { Swift.abs($0) }), (.tanh, { Foundation.tanh($0) }),
      (.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }), (.relu, { Swift.max($0, 0) }),
      (.square, { $0 * $0 }), (.sign, { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
      (.floor, { $0.rounded(.down) }), (.reciprocal, { 1 / $0 }),
    ]
    for n in awkwardSizes {
      let x = randomTensor([n], seed: UInt64(n), low: -20, high: 20)
      let positive = unary(.abs, x) + 0.01
      for (op, f) in references {
        let input = [.log, .sqrt].contains(op) ? positive : x
        let result = unary(op, input)
        let expected = input.values.map { Float(f(Double($0))) }
        let tolerance: Float = 4e-7
        assertValuesClose(result.values, expected, relative: tolerance, absolute: 1e-30, "\(op) n=\(n)")
      }
    }
  }

  func testExpEdgeCases() {
    let x = (try? Tensor(shape: [10], values: [0, 1, -1, 88.7, 89, -87, -88, -200, .infinity, .nan]))
      ?? Tensor(scalar: 0)
    let e = unary(.exp, x).values
    XCTAssertEqual(e[0], 1)
    XCTAssertEqual(e[1], Float(M_E), accuracy: 3e-7)
    XCTAssertEqual(e[3], Foundation.exp(Float(88.7)), accuracy: Foundation.exp(Float(88.7)) * 1e-5)
    XCTAssertEqual(e[4], .infinity)
    XCTAssertEqual(e[5], Foundation.exp(Float(-87)), accuracy: Foundation.exp(Float(-87)) * 1e-5)
    XCTAssertEqual(e[6], 0)  // flushed below ≈ −87.7 instead of a subnormal
    XCTAssertEqual(e[7], 0)
    XCTAssertEqual(e[8], .infinity)
    XCTAssertTrue(e[9].isNaN)
    let s = unary(.sigmoid, x).values
    XCTAssertEqual(s[7], 0)
    XCTAssertEqual(s[8], 1)
  }

  func testUnaryDtypes() throws {
    let i = try Tensor(shape: [3], values: [-1, 0, 2], dtype: .int32)
    XCTAssertEqual(unary(.relu, i).dtype, .int32)
    XCTAssertEqual(unary(.relu, i).values, [0, 0, 2])
    XCTAssertEqual(unary(.exp, i).dtype, .float32)
    let u = try Tensor(shape: [2], values: [0, 200], dtype: .uint8)
    XCTAssertThrowsError(try checkedUnary(.negate, u))  // -200 is not a uint8
    XCTAssertEqual(try checkedUnary(.negate, i).integerValues, [1, 0, -2])
  }

  func testWhereSelectBroadcasts() throws {
    let cond = try Tensor(shape: [3, 1], values: [1, 0, 1])
    let a = try Tensor(shape: [4], values: [1, 2, 3, 4])
    let result = try whereSelect(cond, a, Tensor(scalar: -1))
    XCTAssertEqual(result.shape, [3, 4])
    XCTAssertEqual(result.values, [1, 2, 3, 4, -1, -1, -1, -1, 1, 2, 3, 4])
  }

  func testInPlaceUpdates() throws {
    for n in awkwardSizes + [300_000] {
      let x = randomTensor([n], seed: UInt64(n))
      var y = randomTensor([n], seed: UInt64(n) + 1)
      let original = y.values
      try y.addScaled(x, scale: -0.5)
      assertValuesClose(y.values, zip(original, x.values).map { $0 - 0.5 * $1 }, "axpy \(n)")
      var shadow = try Tensor(shape: [n], values: original)
      try shadow.movingAverage(toward: x, decay: 0.99)
      assertValuesClose(
        shadow.values, zip(original, x.values).map { 0.99 * $0 + 0.01 * $1 }, "ema \(n)")
      var z = x
      z.scale(by: 3)
      XCTAssertEqual(z.values, x.values.map { $0 * 3 })
      XCTAssertNotEqual(x.values, z.values, "copy-on-write must leave the original alone")
    }
    var y = Tensor(shape: [2], repeating: 1)
    assertThrowsMessage("shape mismatch in a scaled in-place add: [2] vs [3]") {
      try y.addScaled(Tensor(shape: [3], repeating: 1), scale: 1)
    }
  }

  func testInPlaceUpdatesMakeIntegerTensorsFloat() throws {
    var i = try Tensor(shape: [2], values: [1, 2], dtype: .int32)
    i.scale(by: 0.5)
    XCTAssertEqual(i.dtype, .float32)
    XCTAssertEqual(i.values, [0.5, 1])
  }

  func testAddScaledOntoItself() throws {
    var y = try Tensor(shape: [3], values: [1, 2, 3])
    try y.addScaled(y, scale: 1)
    XCTAssertEqual(y.values, [2, 4, 6])
  }

  func testReluGradient() throws {
    let x = try Tensor(shape: [4], values: [-1, 0, 2, 3])
    let g = try Tensor(shape: [4], values: [10, 20, 30, 40])
    XCTAssertEqual(try reluGradient(g, input: x).values, [0, 0, 30, 40])
  }

  func testOperators() throws {
    let a = try Tensor(shape: [2], values: [1, 2])
    XCTAssertEqual(try (a + a).values, [2, 4])
    XCTAssertEqual((a * 2).values, [2, 4])
    XCTAssertEqual((1 - a).values, [0, -1])
    XCTAssertEqual((-a).values, [-1, -2])
  }
}
