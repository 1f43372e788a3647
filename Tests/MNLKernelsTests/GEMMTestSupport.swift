import XCTest

@testable import MNLKernels
import MNLKernelsGeneric

/// A reproducible uniform [-1, 1) generator (SplitMix64), so failures can be replayed.
struct SplitMix64 {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func nextFloat() -> Float {
    Float(next() >> 40) / Float(1 << 24) * 2 - 1
  }
}

/// One sgemm call to check: sizes, flags, and how much each leading dimension exceeds its row.
struct GEMMCase: CustomStringConvertible {
  var transA = false
  var transB = false
  var m: Int
  var n: Int
  var k: Int
  var alpha: Float = 1
  var beta: Float = 0
  var padA = 0
  var padB = 0
  var padC = 0
  var bias = false
  var relu = false
  var threads = 1
  /// Fraction of A's entries set to zero (the sparse path's input), 0 for none.
  var zeros: Float = 0

  var description: String {
    "m=\(m) n=\(n) k=\(k) tA=\(transA) tB=\(transB) alpha=\(alpha) beta=\(beta) "
      + "pads=\(padA),\(padB),\(padC) bias=\(bias) relu=\(relu) threads=\(threads) zeros=\(zeros)"
  }
}

/// Operands laid out as stored in memory; padding of A and B is NaN (it must never be read),
/// padding of C is a sentinel that must survive.
struct GEMMFixture {
  static let cSentinel: Float = 12345
  let spec: GEMMCase
  let lda: Int
  let ldb: Int
  let ldc: Int
  var a: [Float]
  var b: [Float]
  var c: [Float]
  var bias: [Float]

  init(_ spec: GEMMCase, seed: UInt64) {
    self.spec = spec
    var rng = SplitMix64(state: seed)
    let (rowsA, colsA) = spec.transA ? (spec.k, spec.m) : (spec.m, spec.k)
    let (rowsB, colsB) = spec.transB ? (spec.n, spec.k) : (spec.k, spec.n)
    lda = colsA + spec.padA
    ldb = colsB + spec.padB
    ldc = spec.n + spec.padC
    a = Self.matrix(rows: rowsA, cols: colsA, ld: lda, padding: .nan, &rng)
    if spec.zeros > 0 {
      for i in 0..<rowsA {
        for j in 0..<colsA where (rng.nextFloat() + 1) / 2 < spec.zeros { a[i * lda + j] = 0 }
      }
    }
    b = Self.matrix(rows: rowsB, cols: colsB, ld: ldb, padding: .nan, &rng)
    c = Self.matrix(rows: spec.m, cols: spec.n, ld: ldc, padding: Self.cSentinel, &rng)
    if spec.beta == 0 {
      // beta = 0 must not read C: poison the logical part.
      for i in 0..<spec.m { for j in 0..<spec.n { c[i * ldc + j] = .nan } }
    }
    bias = (0..<max(spec.n, 1)).map { _ in rng.nextFloat() }
  }

  private static func matrix(
    rows: Int, cols: Int, ld: Int, padding: Float, _ rng: inout SplitMix64
  ) -> [Float] {
    var values = [Float](repeating: padding, count: max(rows * ld, 1))
    for i in 0..<rows { for j in 0..<cols { values[i * ld + j] = rng.nextFloat() } }
    return values
  }

  /// Runs the optimised kernel of one path (or, with `reference`, the triple loop) on a copy of C.
  func run(
    reference: Bool = false, threads: Int? = nil, kernels: KernelTable = .active,
    precision: MatmulPrecision = .highest, bf16Path: BF16Path? = nil
  ) -> [Float] {
    var out = c
    let s = spec
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        bias.withUnsafeBufferPointer { bias in
          out.withUnsafeMutableBufferPointer { out in
            guard let ap = a.baseAddress, let bp = b.baseAddress, let cp = out.baseAddress else {
              return
            }
            let biasPointer = s.bias ? bias.baseAddress : nil
            if reference {
              GEMMReference.sgemm(
                transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: s.alpha,
                a: ap, lda: lda, b: bp, ldb: ldb, beta: s.beta, c: cp, ldc: ldc,
                bias: biasPointer, relu: s.relu)
            } else {
              GEMM.sgemm(
                transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: s.alpha,
                a: ap, lda: lda, b: bp, ldb: ldb, beta: s.beta, c: cp, ldc: ldc,
                bias: biasPointer, relu: s.relu, threads: threads ?? s.threads, kernels: kernels,
                precision: precision, bf16Path: bf16Path)
            }
          }
        }
      }
    }
    return out
  }

  /// Runs one path's kernel directly with the given path flags (forcing the narrow or sparse
  /// path, or keeping a product off them) on a copy of C.
  func run(kernels: KernelTable, narrow: Bool, sparse: Bool) -> [Float] {
    let s = spec
    var out = c
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        bias.withUnsafeBufferPointer { bias in
          out.withUnsafeMutableBufferPointer { c in
            let op = GEMMOperands(
              transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: s.alpha,
              beta: s.beta, a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
              c: c.baseAddress!, ldc: ldc, bias: s.bias ? bias.baseAddress : nil, relu: s.relu,
              narrow: narrow, sparse: sparse)
            kernels.gemm(op, GEMMWorkspace())
          }
        }
      }
    }
    return out
  }

  /// Per-element error bound of fp32 accumulation: γ(k+4)·(|alpha|·Σ|a||b| + |beta·c| + |bias|).
  func tolerances() -> [Float] {
    var absolute = self
    absolute.a = a.map { abs($0) }
    absolute.b = b.map { abs($0) }
    absolute.bias = bias.map { abs($0) }
    var s = spec
    s.alpha = abs(s.alpha)
    s.relu = false
    s.beta = 0
    absolute = GEMMFixture(copying: absolute, spec: s)
    let magnitude = absolute.run(reference: true)
    // 2u per step: room for the reference's own final roundings as well.
    let unit = Float.ulpOfOne
    var bounds = [Float](repeating: 0, count: magnitude.count)
    for i in 0..<spec.m {
      for j in 0..<spec.n {
        var scale = magnitude[i * ldc + j]
        if spec.beta != 0 { scale += abs(spec.beta * c[i * ldc + j]) }
        bounds[i * ldc + j] = unit * Float(spec.k + 4) * scale + 1e-30
      }
    }
    return bounds
  }

  private init(copying other: GEMMFixture, spec: GEMMCase) {
    self.spec = spec
    lda = other.lda
    ldb = other.ldb
    ldc = other.ldc
    a = other.a
    b = other.b
    c = other.c
    bias = other.bias
  }
}

extension XCTestCase {
  /// Checks the kernel of every path the CPU supports against the reference within the
  /// accumulation bound, and that C's padding is untouched. Returns the active path's result
  /// for further comparisons.
  @discardableResult
  func assertMatchesReference(
    _ spec: GEMMCase, seed: UInt64 = 1, file: StaticString = #filePath, line: UInt = #line
  ) -> [Float] {
    let fixture = GEMMFixture(spec, seed: seed)
    let expected = fixture.run(reference: true)
    let bounds = fixture.tolerances()
    for kernels in KernelPaths.all {
      let got = fixture.run(kernels: kernels)
      assertWithinBounds(got, expected, bounds, fixture, "\(kernels.isa) \(spec)", file, line)
    }
    return fixture.run()
  }

  func assertWithinBounds(
    _ got: [Float], _ expected: [Float], _ bounds: [Float], _ fixture: GEMMFixture,
    _ label: String, _ file: StaticString, _ line: UInt
  ) {
    let spec = fixture.spec
    var failures = 0
    for i in 0..<spec.m {
      for j in 0..<spec.n {
        let index = i * fixture.ldc + j
        let ok = abs(got[index] - expected[index]) <= bounds[index]
        if !ok && failures < 3 {
          XCTFail(
            "\(label): C[\(i), \(j)] = \(got[index]), expected \(expected[index]) ± \(bounds[index])",
            file: file, line: line)
        }
        if !ok { failures += 1 }
      }
      for j in spec.n..<fixture.ldc where got[i * fixture.ldc + j] != GEMMFixture.cSentinel {
        XCTFail("\(label): padding C[\(i), \(j)] was overwritten", file: file, line: line)
        return
      }
    }
    if failures > 3 {
      XCTFail("\(label): \(failures) elements wrong in all", file: file, line: line)
    }
  }
}
