import XCTest

@testable import MNLKernels

/// The direct convolution kernel (forward, and the stride-1 input gradient run as a forward
/// convolution of dy) against loops in Double, for every instruction set this CPU runs, at
/// awkward sizes: odd heights and widths, positions not a multiple of the 6-row tile, channel
/// counts that leave a partial column panel, strides 1 and 2, SAME and VALID padding, batch 1.
final class DirectConvolutionTests: XCTestCase {
  /// (batch, height, width, channels, kernel h, kernel w, out channels, stride, SAME?)
  static let shapes: [(Int, Int, Int, Int, Int, Int, Int, Int, Bool)] = [
    (1, 5, 7, 3, 3, 2, 32, 1, true),
    (2, 7, 5, 2, 5, 5, 37, 1, true),
    (1, 9, 11, 1, 5, 5, 16, 2, true),
    (3, 6, 7, 4, 3, 3, 64, 2, false),
    (1, 5, 5, 6, 5, 3, 8, 1, false),
    (2, 4, 9, 33, 2, 2, 33, 1, true),
  ]

  func testForwardMatchesDirectLoops() {
    for kernels in KernelPaths.all {
      for shape in Self.shapes {
        let g = geometry(shape)
        var random = SplitMix(seed: UInt64(g.height * 31 + g.outChannels))
        let x = random.floats(g.inputCount)
        let w = random.floats(g.patch * g.outChannels)
        let b = random.floats(g.outChannels)
        for relu in [false, true] {
          var out = [Float](repeating: .nan, count: g.rows * g.outChannels + 1)
          out[g.rows * g.outChannels] = -7  // a sentinel past the end
          x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
              b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                  Convolution.forwardDirect(
                    g, input: x.baseAddress!, filter: w.baseAddress!, bias: b.baseAddress!, relu: relu,
                    output: o.baseAddress!, kernels: kernels)
                }
              }
            }
          }
          let reference = directLoops(x, w, b, g, relu: relu)
          for i in 0..<reference.count {
            XCTAssertEqual(Double(out[i]), reference[i].value, accuracy: 1e-5 * max(1, reference[i].magnitude), "\(kernels.isa) \(shape) relu \(relu) at \(i)")
          }
          XCTAssertEqual(out[g.rows * g.outChannels], -7, "\(kernels.isa) \(shape): wrote past the end")
        }
      }
    }
  }

  /// The input gradient by the direct kernel equals the im2col + GEMM one (col2im of dy·wᵀ).
  func testInputGradientAsForwardMatchesIm2col() {
    for kernels in KernelPaths.all {
      for shape in Self.shapes where shape.7 == 1 {
        let g = geometry(shape)
        guard let t = Convolution.inputGradientAsForward(g) else {
          XCTFail("stride 1 \(shape) has no forward form")
          continue
        }
        var random = SplitMix(seed: UInt64(g.width * 17 + g.channels))
        let dy = random.floats(g.rows * g.outChannels)
        let w = random.floats(g.patch * g.outChannels)
        var direct = [Float](repeating: .nan, count: g.inputCount)
        var im2col = [Float](repeating: .nan, count: g.inputCount)
        dy.withUnsafeBufferPointer { dy in
          w.withUnsafeBufferPointer { w in
            direct.withUnsafeMutableBufferPointer { d in
              let flipped = UnsafeMutablePointer<Float>.allocate(capacity: g.patch * g.outChannels)
              defer { flipped.deallocate() }
              // backwardInputDirect with this table's kernel: flip, then forwardDirect.
              Convolution.flipForInputGradient(g, w.baseAddress!, into: flipped)
              Convolution.forwardDirect(
                t, input: dy.baseAddress!, filter: flipped, bias: nil, relu: false, output: d.baseAddress!,
                kernels: kernels)
            }
            im2col.withUnsafeMutableBufferPointer { d in
              Convolution.backwardInputIm2col(g, outputGradient: dy.baseAddress!, filter: w.baseAddress!, inputGradient: d.baseAddress!)
            }
          }
        }
        for i in 0..<g.inputCount {
          XCTAssertEqual(direct[i], im2col[i], accuracy: 1e-4 * max(1, abs(im2col[i])), "\(kernels.isa) \(shape) at \(i)")
        }
      }
    }
  }

  /// The filter gradient (6 taps × 2 vectors of dy per tile, summed over positions) against loops.
  func testFilterGradientMatchesDirectLoops() {
    for kernels in KernelPaths.all {
      var tested = 0
      for shape in Self.shapes where shape.6 % kernels.gemmColumns == 0 {
        let g = geometry(shape)
        var random = SplitMix(seed: UInt64(g.height * 7 + g.channels))
        let x = random.floats(g.inputCount)
        let dy = random.floats(g.rows * g.outChannels)
        var dw = [Float](repeating: .nan, count: g.patch * g.outChannels)
        x.withUnsafeBufferPointer { x in
          dy.withUnsafeBufferPointer { dy in
            dw.withUnsafeMutableBufferPointer { d in
              Convolution.backwardFilterDirect(g, input: x.baseAddress!, outputGradient: dy.baseAddress!, filterGradient: d.baseAddress!, kernels: kernels)
            }
          }
        }
        for kh in 0..<g.kernelHeight {
          for kw in 0..<g.kernelWidth {
            for c in 0..<g.channels {
              for o in 0..<g.outChannels {
                var s = 0.0
                var m = 0.0
                for n in 0..<g.batch {
                  for oh in 0..<g.outHeight {
                    for ow in 0..<g.outWidth {
                      let ih = oh * g.strideH - g.padTop + kh
                      let iw = ow * g.strideW - g.padLeft + kw
                      guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                      let t = Double(x[((n * g.height + ih) * g.width + iw) * g.channels + c])
                        * Double(dy[((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + o])
                      s += t
                      m += abs(t)
                    }
                  }
                }
                let i = ((kh * g.kernelWidth + kw) * g.channels + c) * g.outChannels + o
                XCTAssertEqual(Double(dw[i]), s, accuracy: 1e-5 * max(1, m), "\(kernels.isa) \(shape) at \(i)")
              }
            }
          }
        }
        tested += 1
      }
      XCTAssertGreaterThan(tested, 1, "\(kernels.isa): too few shapes with channels a multiple of \(kernels.gemmColumns)")
    }
  }

  func testStridesAboveOneHaveNoForwardForm() {
    XCTAssertNil(Convolution.inputGradientAsForward(geometry((1, 9, 11, 1, 5, 5, 16, 2, true))))
  }

  // MARK: - helpers

  /// Each output's value and the sum of its terms' magnitudes (the scale of its rounding error).
  private func directLoops(_ x: [Float], _ w: [Float], _ b: [Float], _ g: ConvGeometry, relu: Bool) -> [(value: Double, magnitude: Double)] {
    var out: [(value: Double, magnitude: Double)] = []
    for n in 0..<g.batch {
      for oh in 0..<g.outHeight {
        for ow in 0..<g.outWidth {
          for o in 0..<g.outChannels {
            var s = Double(b[o])
            var m = abs(s)
            for kh in 0..<g.kernelHeight {
              for kw in 0..<g.kernelWidth {
                let ih = oh * g.strideH - g.padTop + kh
                let iw = ow * g.strideW - g.padLeft + kw
                guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                for c in 0..<g.channels {
                  let t = Double(x[((n * g.height + ih) * g.width + iw) * g.channels + c])
                    * Double(w[((kh * g.kernelWidth + kw) * g.channels + c) * g.outChannels + o])
                  s += t
                  m += abs(t)
                }
              }
            }
            out.append((relu ? max(0, s) : s, m))
          }
        }
      }
    }
    return out
  }
}
