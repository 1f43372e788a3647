/// Unary elementwise kernels (exp, log, relu, sigmoid, …) over one contiguous run.

/// The unary operations the kernels implement.
public enum ElementwiseUnaryKind: Sendable {
  case negate, exp, log, sqrt, abs, tanh, sigmoid, relu, square, sign, floor, reciprocal
}

/// Elementwise kernels over one contiguous run of a target's vectors (single-threaded: the
/// caller splits long runs between threads).
public enum ElementwiseKernels<T: KernelTarget> {
  public typealias V = T.Vector
  public typealias Math = VectorMath<T>

  /// out[i] = f(x[i]) for i in 0..<count; `out` may alias `x`.
  @inlinable
  public static func unary(
    _ kind: ElementwiseUnaryKind, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    _ count: Int
  ) {
    let zero = V(repeating: 0)
    let one = V(repeating: 1)
    switch kind {
    case .negate: map1(x, out, count, { -$0 }, { -$0 })
    case .exp: map1(x, out, count, Math.exp, Math.exp1)
    case .log: map1(x, out, count, Math.log, Math.log1)
    case .sqrt: map1(x, out, count, { $0.squareRoot() }, { $0.squareRoot() })
    case .abs:
      map1(x, out, count, { $0.replacing(with: -$0, where: $0 .< 0) }, { Swift.abs($0) })
    case .tanh: map1(x, out, count, Math.tanh, Math.tanh1)
    case .sigmoid:
      // 1 / (1 + e^−x); for very negative x, e^−x = inf gives 0 as it should.
      map1(x, out, count, { one / (one + Math.exp(-$0)) }, { 1 / (1 + Math.exp1(-$0)) })
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

  @inlinable @inline(__always)
  static func map1(
    _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int,
    _ vector: (V) -> V, _ scalar: (Float) -> Float
  ) {
    let lanes = V.lanes
    var i = 0
    while i + lanes <= count {
      vector(V.load(x + i)).store(out + i)
      i += lanes
    }
    while i < count {
      out[i] = scalar(x[i])
      i += 1
    }
  }
}
