/// Constructors, equality helpers, and hostile sizes/values that must throw instead of trapping.
import XCTest
@testable import MNLTensor

final class CreationTests: XCTestCase {
  func testConstructors() throws {
    XCTAssertEqual(try Tensor.zeros([2, 3]).values, [Float](repeating: 0, count: 6))
    XCTAssertEqual(try Tensor.ones([2], dtype: .int32).dtype, .int32)
    XCTAssertEqual(try Tensor.full([2], value: 2.5).values, [2.5, 2.5])
    XCTAssertThrowsError(try Tensor.full([2], value: 2.5, dtype: .int32))  // not an int32 value
    XCTAssertEqual(try Tensor.full([2], integer: 16_777_217, dtype: .int64).integerValues, [16_777_217, 16_777_217])
    XCTAssertEqual(try Tensor.eye(3).values, [1, 0, 0, 0, 1, 0, 0, 0, 1])
    assertThrowsMessage("negative dimension in shape [2, -1]") { _ = try Tensor.zeros([2, -1]) }
    assertThrowsMessage("cannot allocate shape [4294967296, 4294967296]: too large (more than 2147483647 elements)") {
      _ = try Tensor.zeros([1 << 32, 1 << 32])
    }
  }

  func testArange() throws {
    let a = try Tensor.arange(end: 5)
    XCTAssertEqual(a.values, [0, 1, 2, 3, 4])
    XCTAssertEqual(a.dtype, .int64)
    let b = try Tensor.arange(start: 1, end: 2, step: 0.25)
    XCTAssertEqual(b.values, [1, 1.25, 1.5, 1.75])
    XCTAssertEqual(b.dtype, .float32)
    XCTAssertEqual(try Tensor.arange(start: 5, end: 0, step: -2).values, [5, 3, 1])
    XCTAssertEqual(try Tensor.arange(start: 5, end: 0).count, 0)
    assertThrowsContaining("non-zero step") { _ = try Tensor.arange(end: 3, step: 0) }
  }

  func testEqualityAndAllClose() throws {
    let a = try Tensor(shape: [2], values: [1, 2])
    XCTAssertEqual(a, try Tensor(shape: [2], values: [1, 2]))
    XCTAssertNotEqual(a, try Tensor(shape: [2], values: [1, 2], dtype: .int32))
    XCTAssertNotEqual(a, try Tensor(shape: [1, 2], values: [1, 2]))
    XCTAssertTrue(allClose(a, a + 1e-7))
    XCTAssertFalse(allClose(a, a + 1e-3))
  }
}

final class HostileInputTests: XCTestCase {
  /// Sizes and values from users must give errors, never traps.
  func testHugeOrInvalidRequestsThrow() {
    assertThrowsContaining("too many elements") { _ = try Tensor.arange(start: 0, end: 3e38, step: 1e-30) }
    assertThrowsContaining("too large") { _ = try Tensor.eye(1 << 20) }
    assertThrowsContaining("too large") {
      _ = try matmul(Tensor(shape: [1 << 20, 0], repeating: 0), Tensor(shape: [0, 1 << 20], repeating: 0))
    }
    let x = Tensor(shape: [3], repeating: 1)
    assertThrowsContaining("out of range") { _ = try x.indexed([.index(Int.min)]) }
    assertThrowsContaining("out of range") { _ = try x.indexed([.index(Int.max)]) }
    XCTAssertEqual(try x.indexed([.range(start: Int.min, end: Int.max, step: Int.max)]).count, 1)
    XCTAssertEqual(try x.indexed([.range(start: Int.max, end: Int.min, step: Int.min)]).count, 1)
    assertThrowsContaining("too large") { _ = try x.reshaped([Int.max, -1]) }
    assertThrowsContaining("integer indices") { _ = try take(x, indices: Tensor(scalar: .nan)) }
    assertThrowsContaining("out of range") { _ = try take(x, indices: Tensor(integer: .max)) }
    assertThrowsContaining("out of range") { _ = try take(x, indices: Tensor(integer: .min)) }
    assertThrowsContaining("integer labels") { _ = try oneHot(Tensor(scalar: .infinity), depth: 3) }
    assertThrowsContaining("out of range") { _ = try oneHot(Tensor(integer: .max), depth: 3) }
    XCTAssertFalse(x.format(edgeItems: -5, threshold: -1, precision: 1000).isEmpty)
  }
}
