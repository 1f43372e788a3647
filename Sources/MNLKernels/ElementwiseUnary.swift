/// Unary elementwise kernels (exp, log, relu, sigmoid, …) over contiguous Float32 buffers.
#if canImport(Glibc)
  import Glibc
#endif

/// The unary operations the kernels implement.
public enum ElementwiseUnaryKind: Sendable {
  case negate, exp, log, sqrt, abs, tanh, sigmoid, relu, square, sign, floor, reciprocal
}

extension Elementwise {
  /// out[i] = f(x[i]) for i in 0..<count; `out` may alias `x`. Large counts use two threads.
  public static func unary(
    _ kind: ElementwiseUnaryKind, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    let ptrs = SendablePointers(a: x, b: x, out: out)
    splitInTwo(count) { start, end in
      unaryRun(kind, ptrs.a + start, ptrs.out + start, end - start)
    }
  }

  static func unaryRun(
    _ kind: ElementwiseUnaryKind, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    _ count: Int
  ) {
    let zero = Vec8(repeating: 0)
    let one = Vec8(repeating: 1)
    switch kind {
    case .negate: map1(x, out, count, { -$0 }, { -$0 })
    case .exp: map1(x, out, count, exp8, exp1)
    case .log: map1(x, out, count, log8, { log8(Vec8(repeating: $0))[0] })
    case .sqrt: map1(x, out, count, { $0.squareRoot() }, { $0.squareRoot() })
    case .abs:
      map1(x, out, count, { $0.replacing(with: -$0, where: $0 .< 0) }, { Swift.abs($0) })
    case .tanh: map1(x, out, count, tanh8, { tanh8(Vec8(repeating: $0))[0] })
    case .sigmoid:
      // 1 / (1 + e^−x); for very negative x, e^−x = inf gives 0 as it should.
      map1(x, out, count, { one / (one + exp8(-$0)) }, { 1 / (1 + exp1(-$0)) })
    case .relu:
      // NaN stays NaN: only lanes that compare below zero are replaced.
      map1(x, out, count, { $0.replacing(with: zero, where: $0 .< zero) }, { $0 < 0 ? 0 : $0 })
    case .square: map1(x, out, count, { $0 * $0 }, { $0 * $0 })
    case .sign:
      map1(
        x, out, count,
        { v in
          var s = v.replacing(with: one, where: v .> zero)
          s.replace(with: -one, where: v .< zero)
          return s  // zeros and NaNs keep their value
        }, { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) })
    case .floor: map1(x, out, count, { $0.rounded(.down) }, { $0.rounded(.down) })
    case .reciprocal: map1(x, out, count, { one / $0 }, { 1 / $0 })
    }
  }

  @inline(__always)
  static func map1(
    _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int,
    _ vector: (Vec8) -> Vec8, _ scalar: (Float) -> Float
  ) {
    var i = 0
    while i + 8 <= count {
      store8(vector(load8(x + i)), out + i)
      i += 8
    }
    while i < count {
      out[i] = scalar(x[i])
      i += 1
    }
  }
}
