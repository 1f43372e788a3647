/// Printing: exact expected text for small, integer, scientific, 0-d, 3-D, wrapped and
/// summarised tensors.
import XCTest
@testable import MNLTensor

final class FormattingTests: XCTestCase {
  func testSmallFloatMatrix() throws {
    let x = try Tensor(shape: [2, 3], values: [0.5, 1.25, -2, 1, 0, 3])
    XCTAssertEqual(
      x.description,
      """
      Tensor[2, 3] f32
      [[ 0.5 ,  1.25, -2.  ],
       [ 1.  ,  0.  ,  3.  ]]
      """)
  }

  func testWholeFloatsAndIntegers() throws {
    XCTAssertEqual(try Tensor(shape: [3], values: [1, 2, 3]).description, "Tensor[3] f32\n[1., 2., 3.]")
    XCTAssertEqual(
      try Tensor(shape: [3], values: [1, -20, 300], dtype: .int32).description,
      "Tensor[3] i32\n[  1, -20, 300]")
    XCTAssertEqual(
      try Tensor(shape: [2], values: [0, 255], dtype: .uint8).description, "Tensor[2] u8\n[  0, 255]")
  }

  func testPrecisionTrimmingAndSpecialValues() throws {
    XCTAssertEqual(try Tensor(shape: [2], values: [1.0 / 3, 0.5]).description, "Tensor[2] f32\n[0.3333, 0.5   ]")
    XCTAssertEqual(
      try Tensor(shape: [2], values: [1.0 / 3, 0.5]).format(precision: 2), "Tensor[2] f32\n[0.33, 0.5 ]")
    XCTAssertEqual(
      try Tensor(shape: [3], values: [.nan, -.infinity, 1.5]).description,
      "Tensor[3] f32\n[ nan, -inf,  1.5]")
  }

  func testScientificWhenTheRangeIsHuge() throws {
    XCTAssertEqual(
      try Tensor(shape: [3], values: [1e-5, 1, 1000]).description, "Tensor[3] f32\n[1.e-05, 1.e+00, 1.e+03]")
    XCTAssertEqual(
      try Tensor(shape: [2], values: [1.5e9, -2]).description, "Tensor[2] f32\n[ 1.5e+09, -2.0e+00]")
  }

  func testZeroDimensionalPrintsTheNumber() {
    XCTAssertEqual(Tensor(scalar: 3).description, "3.0")
    XCTAssertEqual(Tensor(scalar: 0.1).description, "0.1")
    XCTAssertEqual(Tensor(scalar: 7, dtype: .int32).description, "7")
    XCTAssertEqual(Tensor(integer: 1, dtype: .bool).description, "true")
    XCTAssertEqual(Tensor(scalar: -.infinity).description, "-inf")
  }

  func testThreeDimensionalBlocksAreSeparatedByBlankLines() throws {
    let x = try Tensor.arange(end: 8).reshaped([2, 2, 2])
    XCTAssertEqual(
      x.description,
      """
      Tensor[2, 2, 2] i64
      [[[0, 1],
        [2, 3]],

       [[4, 5],
        [6, 7]]]
      """)
  }

  func testSummarisedLargeTensor() throws {
    let x = try Tensor.arange(end: 2000).reshaped([40, 50])
    XCTAssertEqual(
      x.description,
      """
      Tensor[40, 50] i64
      [[   0,    1,    2, ...,   47,   48,   49],
       [  50,   51,   52, ...,   97,   98,   99],
       [ 100,  101,  102, ...,  147,  148,  149],
       ...,
       [1850, 1851, 1852, ..., 1897, 1898, 1899],
       [1900, 1901, 1902, ..., 1947, 1948, 1949],
       [1950, 1951, 1952, ..., 1997, 1998, 1999]]
      """)
    let long = try Tensor.arange(end: 1001)
    XCTAssertEqual(long.description, "Tensor[1001] i64\n[   0,    1,    2, ...,  998,  999, 1000]")
  }

  func testLongRowsWrapAtTheLineWidth() throws {
    let x = try Tensor.arange(end: 30, dtype: .float32)
    let lines = x.format(lineWidth: 40).split(separator: "\n")
    XCTAssertGreaterThan(lines.count, 2)
    XCTAssertTrue(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
    XCTAssertEqual(lines[1], "[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,")
    XCTAssertEqual(lines[2], "  8.,  9., 10., 11., 12., 13., 14., 15.,")
  }

  func testEmptyTensor() {
    XCTAssertEqual(Tensor(shape: [0, 3], repeating: 0).description, "Tensor[0, 3] f32\n[]")
  }
}

final class IntegerAndBoolFormattingTests: XCTestCase {
  func testInt64ExtremesPrintExactly() {
    let x = Tensor(shape: [2], integers: [.min, .max], dtype: .int64)
    XCTAssertEqual(x.description, "Tensor[2] i64\n[-9223372036854775808,  9223372036854775807]")
    XCTAssertEqual(Tensor(integer: 16_777_217).description, "16777217")
  }

  func testBoolsPrintAsTrueAndFalseInColumns() {
    let mask = Tensor(shape: [2, 2], integers: [1, 0, 0, 1], dtype: .bool)
    XCTAssertEqual(mask.description, "Tensor[2, 2] bool\n[[ true, false],\n [false,  true]]")
    XCTAssertEqual(mask.inlineDescription, "tensor([[ true, false], [false,  true]])")
    XCTAssertEqual(Tensor(integer: 0, dtype: .bool).description, "false")
  }
}
