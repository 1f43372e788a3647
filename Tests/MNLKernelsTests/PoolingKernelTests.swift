import XCTest

@testable import MNLKernels

/// Max-pool's forward pass against a plain loop: the max, the index of the first max on ties,
/// NaN winning (the first NaN), at odd sizes, several channel counts, strides 1 and 2, SAME
/// and VALID windows, batch 1 — for every instruction set this CPU runs (channel counts below,
/// at and above a vector's width take the SIMD lanes and the scalar tail).
final class PoolingKernelTests: XCTestCase {
  func testMaxForwardMatchesPlainLoop() {
    for kernels in KernelPaths.all { maxForwardMatchesPlainLoop(kernels) }
  }

  private func maxForwardMatchesPlainLoop(_ kernels: KernelTable) {
    // (batch, height, width, channels, window, stride, SAME?)
    let shapes = [(1, 5, 7, 3, 2, 2, true), (2, 7, 5, 8, 3, 2, true), (1, 6, 6, 11, 2, 2, false),
                  (3, 5, 4, 17, 3, 1, true), (1, 4, 9, 16, 2, 1, false), (2, 8, 6, 35, 2, 2, true)]
    var state: UInt64 = 12345
    for (n, h, w, c, k, s, same) in shapes {
      func axis(_ extent: Int) -> (Int, Int) {
        if same {
          let out = (extent + s - 1) / s
          return (out, max(0, (out - 1) * s + k - extent) / 2)
        }
        return ((extent - k) / s + 1, 0)
      }
      let (oh, top) = axis(h)
      let (ow, left) = axis(w)
      let g = ConvGeometry(
        batch: n, height: h, width: w, channels: c, kernelHeight: k, kernelWidth: k, outChannels: c,
        strideH: s, strideW: s, padTop: top, padLeft: left, outHeight: oh, outWidth: ow)
      // Few distinct values, so windows hold ties; a few NaNs.
      let x: [Float] = (0..<g.inputCount).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let r = Int(state >> 33) % 23
        return r == 0 ? .nan : Float(r % 5) - 2
      }
      var out = [Float](repeating: 9, count: g.rows * c)
      var index = [Int32](repeating: 9, count: g.rows * c)
      x.withUnsafeBufferPointer { xp in
        out.withUnsafeMutableBufferPointer { op in
          index.withUnsafeMutableBufferPointer { ip in
            Pooling.maxForward(g, input: xp.baseAddress!, output: op.baseAddress!, argmax: ip.baseAddress!, kernels: kernels)
          }
        }
      }
      for b in 0..<n {
        for y in 0..<oh {
          for z in 0..<ow {
            for ch in 0..<c {
              var best = -Float.infinity
              var at: Int32 = -1
              for ih in max(0, y * s - top)..<min(h, y * s - top + k) {
                for iw in max(0, z * s - left)..<min(w, z * s - left + k) {
                  let i = ((b * h + ih) * w + iw) * c + ch
                  if at < 0 || x[i] > best || (x[i].isNaN && !best.isNaN) {
                    best = x[i]
                    at = Int32(i)
                  }
                }
              }
              let o = ((b * oh + y) * ow + z) * c + ch
              XCTAssertEqual(index[o], at, "\(kernels.isa) \((n, h, w, c, k, s, same)) output \(o)")
              XCTAssertTrue(out[o] == best || (out[o].isNaN && best.isNaN), "\((n, h, w, c, k, s, same)) output \(o): \(out[o]) vs \(best)")
            }
          }
        }
      }
    }
  }
}
