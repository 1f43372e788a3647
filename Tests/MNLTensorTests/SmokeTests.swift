import XCTest
@testable import MNLTensor

final class SmokeTests: XCTestCase {
  func testPrintAndOps() throws {
    let a = try Tensor(shape: [2, 3], values: [0.5, 1.25, -2, 1, 0, 3])
    print(a)
    let b = try Tensor(shape: [3], values: [1, 2, 3])
    print(try binary(.add, a, b))
    print(try reduce(.sum, a, axes: [0]))
    print(try matmul(a, b))
    print(try a.indexed([.range(start: nil, end: nil, step: -1)]))
    print(try Tensor.arange(end: 2000).reshaped([40, -1]))
    print(try softmax(a))
    print(Tensor(scalar: 3))
    print(try Tensor.arange(end: 12, dtype: .int32).reshaped([2, 2, 3]))
    print(try Tensor(shape: [3], values: [1e-5, 1, 1000]))
    var rng = MNLRandom(seed: 1)
    print(try Tensor.truncatedNormal([3, 4], stddev: 0.1, using: &rng))
  }
}
