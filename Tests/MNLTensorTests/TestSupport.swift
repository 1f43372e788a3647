/// Helpers shared by the tensor tests: random inputs and plain (index-by-index) references.
import XCTest
@testable import MNLTensor

/// Sizes that exercise SIMD tails and odd strides.
let awkwardSizes = [1, 3, 7, 17, 33, 257, 785]

func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -3, high: Float = 3) -> Tensor {
  var rng = MNLRandom(seed: seed)
  return (try? Tensor.randomUniform(shape, low: low, high: high, using: &rng))
    ?? Tensor(shape: [], repeating: 0)
}

/// Multi-index of flat position `flat` in `shape`.
func multiIndex(_ flat: Int, _ shape: [Int]) -> [Int] {
  var index = [Int](repeating: 0, count: shape.count)
  var rest = flat
  for axis in stride(from: shape.count - 1, through: 0, by: -1) {
    index[axis] = rest % shape[axis]
    rest /= shape[axis]
  }
  return index
}

/// Element of `x` read at the right-aligned broadcast of `index` (size-1 axes read index 0).
func broadcastElement(_ values: [Float], _ shape: [Int], _ index: [Int]) -> Float {
  let lead = index.count - shape.count
  var flat = 0
  for axis in 0..<shape.count {
    let i = shape[axis] == 1 ? 0 : index[axis + lead]
    flat = flat * shape[axis] + i
  }
  return values[flat]
}

/// The plain definition of a broadcasting binary op.
func referenceBinary(_ a: Tensor, _ b: Tensor, _ shape: [Int], _ f: (Float, Float) -> Float) -> [Float] {
  let av = a.values
  let bv = b.values
  return (0..<shapeCount(shape)).map { flat in
    let index = multiIndex(flat, shape)
    return f(broadcastElement(av, a.shape, index), broadcastElement(bv, b.shape, index))
  }
}

func assertValuesClose(
  _ actual: [Float], _ expected: [Float], relative: Float = 1e-5, absolute: Float = 1e-5,
  _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(actual.count, expected.count, "count \(message)", file: file, line: line)
  for (i, (x, y)) in zip(actual, expected).enumerated() {
    if x.isNaN && y.isNaN { continue }
    if x == y { continue }
    if !(abs(x - y) <= absolute + relative * abs(y)) {
      XCTFail("element \(i): \(x) vs expected \(y) \(message)", file: file, line: line)
      return
    }
  }
}

/// Asserts that `body` throws a TensorError whose message is exactly `message`.
func assertThrowsMessage(
  _ message: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) {
  do {
    try body()
    XCTFail("expected error: \(message)", file: file, line: line)
  } catch let error as TensorError {
    XCTAssertEqual(error.message, message, file: file, line: line)
  } catch {
    XCTFail("unexpected error \(error)", file: file, line: line)
  }
}

/// Asserts that `body` throws a TensorError containing `fragment`.
func assertThrowsContaining(
  _ fragment: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) {
  do {
    try body()
    XCTFail("expected error containing: \(fragment)", file: file, line: line)
  } catch let error as TensorError {
    XCTAssertTrue(error.message.contains(fragment), "\(error.message)", file: file, line: line)
  } catch {
    XCTFail("unexpected error \(error)", file: file, line: line)
  }
}
