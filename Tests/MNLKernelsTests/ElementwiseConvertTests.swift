import XCTest

@testable import MNLKernels

final class ElementwiseConvertTests: XCTestCase {
  /// Every byte value, at every SIMD tail length, matches Float(byte) · scale exactly.
  func testBytesToFloatMatchesScalarConversion() {
    for kernels in KernelPaths.all {
      for count in [0, 1, 7, 8, 9, 15, 16, 17, 255, 256, 784, 785] {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var out = [Float](repeating: -1, count: count + 1)  // one sentinel past the end
        let scale: Float = 1 / 255
        bytes.withUnsafeBufferPointer { src in
          out.withUnsafeMutableBufferPointer { dst in
            if let s = src.baseAddress, let d = dst.baseAddress {
              Elementwise.bytesToFloat(s, scale: scale, into: d, count: count, kernels: kernels)
            } else if let d = dst.baseAddress {
              var zero: UInt8 = 0
              Elementwise.bytesToFloat(&zero, scale: scale, into: d, count: 0, kernels: kernels)
            }
          }
        }
        for i in 0..<count { XCTAssertEqual(out[i], Float(bytes[i]) * scale, "\(kernels.isa) count \(count), index \(i)") }
        XCTAssertEqual(out[count], -1, "wrote past the end for count \(count)")
      }
    }
  }
}
