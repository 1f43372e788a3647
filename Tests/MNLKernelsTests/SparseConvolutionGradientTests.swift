import XCTest

@testable import MNLKernels

/// The sparse backward products of a convolution (dy mostly zeros) against the dense direct
/// kernels — equal bit for bit where both apply (stride 1; same sums in the same order) — and
/// against loops in Double for strides above 1, for every instruction set this CPU runs: odd
/// sizes, batch 1, SAME and VALID, all-zero and fully dense dy, NaN in dy, and the dispatch
/// that keeps an infinite operand on the dense path (0·Inf is NaN there).
final class SparseConvolutionGradientTests: XCTestCase {
  /// (batch, height, width, channels, kernel h, kernel w, out channels, stride, SAME?); every
  /// KW·C is a multiple of 16 floats (one AVX-512 vector), so each path takes them.
  static let shapes: [(Int, Int, Int, Int, Int, Int, Int, Int, Bool)] = [
    (2, 14, 14, 32, 5, 5, 64, 1, true),  // the MNIST network's second layer, batch 2
    (1, 5, 7, 8, 3, 2, 32, 1, true),
    (3, 7, 5, 16, 2, 1, 33, 1, false),
    (1, 9, 11, 16, 3, 3, 7, 2, true),
    (2, 6, 7, 48, 3, 1, 16, 2, false),
    (1, 3, 3, 192, 3, 1, 5, 1, true),  // 192 floats a kernel row: 2 to 6 tiles of ≤ 8 vectors
  ]

  /// Fractions of nonzero dy entries: none, sparse, fully dense.
  static let densities: [Double] = [0, 0.2, 1]

  func testInputGradientEqualsDenseDirect() {
    for kernels in KernelPaths.all {
      for shape in Self.shapes {
        let g = geometry(shape)
        for density in Self.densities {
          var random = SplitMix(seed: UInt64(g.height * 13 + g.channels) &+ UInt64(density * 100))
          let dy = random.sparse(g.rows * g.outChannels, density: density)
          let w = random.floats(g.patch * g.outChannels)
          let sparse = inputGradient(g, dy, w) { dy, w, dx in
            Convolution.backwardInputSparse(g, outputGradient: dy, filter: w, inputGradient: dx, kernels: kernels)
          }
          if let t = Convolution.inputGradientAsForward(g) {
            let dense = inputGradient(g, dy, w) { dy, w, dx in
              Convolution.backwardInputDirect(g, as: t, outputGradient: dy, filter: w, inputGradient: dx, kernels: kernels)
            }
            for i in 0..<g.inputCount {
              XCTAssertEqual(sparse[i], dense[i], "\(kernels.isa) \(shape) density \(density) at \(i)")
            }
          } else {
            let reference = inputGradientLoops(g, dy, w)
            for i in 0..<g.inputCount {
              XCTAssertEqual(Double(sparse[i]), reference[i].value, accuracy: 1e-5 * max(1, reference[i].magnitude), "\(kernels.isa) \(shape) density \(density) at \(i)")
            }
          }
        }
      }
    }
  }

  func testFilterGradientEqualsDenseDirect() {
    for kernels in KernelPaths.all {
      for shape in Self.shapes {
        let g = geometry(shape)
        for density in Self.densities {
          var random = SplitMix(seed: UInt64(g.width * 7 + g.outChannels) &+ UInt64(density * 100))
          let x = random.floats(g.inputCount)
          let dy = random.sparse(g.rows * g.outChannels, density: density)
          let sparse = filterGradient(g, x, dy) { x, dy, dw in
            Convolution.backwardFilterSparse(g, input: x, outputGradient: dy, filterGradient: dw, kernels: kernels)
          }
          if g.outChannels % kernels.gemmColumns == 0 {
            let dense = filterGradient(g, x, dy) { x, dy, dw in
              Convolution.backwardFilterDirect(g, input: x, outputGradient: dy, filterGradient: dw, kernels: kernels)
            }
            for i in 0..<sparse.count {
              XCTAssertEqual(sparse[i], dense[i], "\(kernels.isa) \(shape) density \(density) at \(i)")
            }
          }
          let reference = filterGradientLoops(g, x, dy)
          for i in 0..<sparse.count {
            XCTAssertEqual(Double(sparse[i]), reference[i].value, accuracy: 1e-5 * max(1, reference[i].magnitude), "\(kernels.isa) \(shape) density \(density) at \(i)")
          }
        }
      }
    }
  }

  /// A NaN in dy is a nonzero: it reaches every element its term touches, as on the dense path.
  func testNaNInOutputGradientPropagates() {
    let g = geometry(Self.shapes[1])
    for kernels in KernelPaths.all {
      var random = SplitMix(seed: 5)
      var dy = random.sparse(g.rows * g.outChannels, density: 0.2)
      dy[3 * g.outChannels + 1] = .nan
      let w = random.floats(g.patch * g.outChannels)
      let x = random.floats(g.inputCount)
      let t = Convolution.inputGradientAsForward(g)!
      let sparseDx = inputGradient(g, dy, w) { Convolution.backwardInputSparse(g, outputGradient: $0, filter: $1, inputGradient: $2, kernels: kernels) }
      let denseDx = inputGradient(g, dy, w) { Convolution.backwardInputDirect(g, as: t, outputGradient: $0, filter: $1, inputGradient: $2, kernels: kernels) }
      XCTAssertEqual(sparseDx.map(\.isNaN), denseDx.map(\.isNaN), "\(kernels.isa)")
      XCTAssertTrue(sparseDx.contains { $0.isNaN }, "\(kernels.isa)")
      let sparseDw = filterGradient(g, x, dy) { Convolution.backwardFilterSparse(g, input: $0, outputGradient: $1, filterGradient: $2, kernels: kernels) }
      let denseDw = filterGradient(g, x, dy) { Convolution.backwardFilterDirect(g, input: $0, outputGradient: $1, filterGradient: $2, kernels: kernels) }
      XCTAssertEqual(sparseDw.map(\.isNaN), denseDw.map(\.isNaN), "\(kernels.isa)")
      XCTAssertTrue(sparseDw.contains { $0.isNaN }, "\(kernels.isa)")
    }
  }

  /// The public entry points pick the sparse path for sparse dy with finite operands only: an
  /// infinity in w (or x) times a skipped zero must still give NaN.
  func testDispatchKeepsInfinitiesOnTheDensePath() {
    let g = geometry(Self.shapes[0])
    var random = SplitMix(seed: 9)
    let sparseDy = random.sparse(g.rows * g.outChannels, density: 0.2)
    let denseDy = random.sparse(g.rows * g.outChannels, density: 1)
    sparseDy.withUnsafeBufferPointer { dy in
      XCTAssertTrue(Convolution.prefersSparseGradient(g, outputGradient: dy.baseAddress!, kernels: .active))
    }
    denseDy.withUnsafeBufferPointer { dy in
      XCTAssertFalse(Convolution.prefersSparseGradient(g, outputGradient: dy.baseAddress!, kernels: .active))
    }
    var w = random.floats(g.patch * g.outChannels)
    w[17] = .infinity
    let dx = inputGradient(g, sparseDy, w) { Convolution.backwardInput(g, outputGradient: $0, filter: $1, inputGradient: $2) }
    let t = Convolution.inputGradientAsForward(g)!
    let denseDx = inputGradient(g, sparseDy, w) { Convolution.backwardInputDirect(g, as: t, outputGradient: $0, filter: $1, inputGradient: $2) }
    XCTAssertEqual(dx.map(\.isNaN), denseDx.map(\.isNaN))
    XCTAssertTrue(dx.contains { $0.isNaN })
    var x = random.floats(g.inputCount)
    x[40] = -.infinity
    let dw = filterGradient(g, x, sparseDy) { Convolution.backwardFilter(g, input: $0, outputGradient: $1, filterGradient: $2) }
    let denseDw = filterGradient(g, x, sparseDy) { Convolution.backwardFilterDirect(g, input: $0, outputGradient: $1, filterGradient: $2) }
    XCTAssertEqual(dw.map(\.isNaN), denseDw.map(\.isNaN))
    XCTAssertTrue(dw.contains { $0.isNaN })
  }

  // MARK: - helpers

  private func inputGradient(
    _ g: ConvGeometry, _ dy: [Float], _ w: [Float],
    _ run: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) -> [Float] {
    var dx = [Float](repeating: .nan, count: g.inputCount)
    dy.withUnsafeBufferPointer { dy in
      w.withUnsafeBufferPointer { w in
        dx.withUnsafeMutableBufferPointer { run(dy.baseAddress!, w.baseAddress!, $0.baseAddress!) }
      }
    }
    return dx
  }

  private func filterGradient(
    _ g: ConvGeometry, _ x: [Float], _ dy: [Float],
    _ run: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) -> [Float] {
    var dw = [Float](repeating: .nan, count: g.patch * g.outChannels)
    x.withUnsafeBufferPointer { x in
      dy.withUnsafeBufferPointer { dy in
        dw.withUnsafeMutableBufferPointer { run(x.baseAddress!, dy.baseAddress!, $0.baseAddress!) }
      }
    }
    return dw
  }

  /// dx[n, ih, iw, c] = Σ dy[n, oh, ow, o]·w[kh, kw, c, o] over the windows that cover it.
  private func inputGradientLoops(_ g: ConvGeometry, _ dy: [Float], _ w: [Float]) -> [(value: Double, magnitude: Double)] {
    var out = [(value: Double, magnitude: Double)](repeating: (0, 0), count: g.inputCount)
    for n in 0..<g.batch {
      for oh in 0..<g.outHeight {
        for ow in 0..<g.outWidth {
          for kh in 0..<g.kernelHeight {
            for kw in 0..<g.kernelWidth {
              let ih = oh * g.strideH - g.padTop + kh
              let iw = ow * g.strideW - g.padLeft + kw
              guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
              for c in 0..<g.channels {
                let i = ((n * g.height + ih) * g.width + iw) * g.channels + c
                for o in 0..<g.outChannels {
                  let t = Double(dy[((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + o])
                    * Double(w[((kh * g.kernelWidth + kw) * g.channels + c) * g.outChannels + o])
                  out[i].value += t
                  out[i].magnitude += abs(t)
                }
              }
            }
          }
        }
      }
    }
    return out
  }

  /// dw[kh, kw, c, o] = Σ x[window tap]·dy over every output position.
  private func filterGradientLoops(_ g: ConvGeometry, _ x: [Float], _ dy: [Float]) -> [(value: Double, magnitude: Double)] {
    var out = [(value: Double, magnitude: Double)](repeating: (0, 0), count: g.patch * g.outChannels)
    for n in 0..<g.batch {
      for oh in 0..<g.outHeight {
        for ow in 0..<g.outWidth {
          for kh in 0..<g.kernelHeight {
            for kw in 0..<g.kernelWidth {
              let ih = oh * g.strideH - g.padTop + kh
              let iw = ow * g.strideW - g.padLeft + kw
              guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
              for c in 0..<g.channels {
                let xv = Double(x[((n * g.height + ih) * g.width + iw) * g.channels + c])
                for o in 0..<g.outChannels {
                  let t = xv * Double(dy[((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + o])
                  let i = ((kh * g.kernelWidth + kw) * g.channels + c) * g.outChannels + o
                  out[i].value += t
                  out[i].magnitude += abs(t)
                }
              }
            }
          }
        }
      }
    }
    return out
  }
}
