import XCTest
@testable import MNLTensor

final class CreationTests: XCTestCase {
  func testConstructors() throws {
    XCTAssertEqual(try Tensor.zeros([2, 3]).values, [Float](repeating: 0, count: 6))
    XCTAssertEqual(try Tensor.ones([2], dtype: .int32).dtype, .int32)
    XCTAssertEqual(try Tensor.full([2], value: 2.5).values, [2.5, 2.5])
    XCTAssertEqual(try Tensor.full([2], value: 2.5, dtype: .int32).values, [2, 2])
    XCTAssertEqual(try Tensor.eye(3).values, [1, 0, 0, 0, 1, 0, 0, 0, 1])
    assertThrowsMessage("negative dimension in shape [2, -1]") { _ = try Tensor.zeros([2, -1]) }
    assertThrowsMessage("shape [4294967296, 4294967296] is too large") {
      _ = try Tensor.zeros([1 << 32, 1 << 32])
    }
  }

  func testArange() throws {
    let a = try Tensor.arange(end: 5)
    XCTAssertEqual(a.values, [0, 1, 2, 3, 4])
    XCTAssertEqual(a.dtype, .int32)
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
