/// Binary elementwise kernels (arithmetic, min/max, comparisons) over one contiguous run
/// (each operand contiguous or one broadcast value).
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The binary operations the kernels implement. Comparisons write 1 or 0.
public enum ElementwiseBinaryKind: Sendable {
  case add, subtract, multiply, divide, power, maximum, minimum
  case equal, notEqual, less, lessEqual, greater, greaterEqual
}

/// The scalar definition of each operation (also used for loop tails).
@inlinable @inline(__always)
public func binaryScalar(_ kind: ElementwiseBinaryKind, _ x: Float, _ y: Float) -> Float {
  switch kind {
  case .add: x + y
  case .subtract: x - y
  case .multiply: x * y
  case .divide: x / y
  case .power: powf(x, y)
  case .maximum: x.isNaN || y.isNaN ? .nan : Swift.max(x, y)
  case .minimum: x.isNaN || y.isNaN ? .nan : Swift.min(x, y)
  case .equal: x == y ? 1 : 0
  case .notEqual: x != y ? 1 : 0
  case .less: x < y ? 1 : 0
  case .lessEqual: x <= y ? 1 : 0
  case .greater: x > y ? 1 : 0
  case .greaterEqual: x >= y ? 1 : 0
  }
}

extension ElementwiseKernels {
  /// out[i] = a[i·aStep] ∘ b[i·bStep]; each step is 0 (broadcast) or 1 (contiguous).
  @inlinable
  public static func binary(
    _ kind: ElementwiseBinaryKind, _ a: UnsafePointer<Float>, _ aStep: Int,
    _ b: UnsafePointer<Float>, _ bStep: Int, _ out: UnsafeMutablePointer<Float>, _ count: Int
  ) {
    let one = V(repeating: 1)
    let zero = V(repeating: 0)
    switch kind {
    case .add: map2(a, aStep, b, bStep, out, count, { $0 + $1 }, { $0 + $1 })
    case .subtract: map2(a, aStep, b, bStep, out, count, { $0 - $1 }, { $0 - $1 })
    case .multiply: map2(a, aStep, b, bStep, out, count, { $0 * $1 }, { $0 * $1 })
    case .divide: map2(a, aStep, b, bStep, out, count, { $0 / $1 }, { $0 / $1 })
    case .power:
      if bStep == 0 && b[0] == 2 {
        map2(a, aStep, b, bStep, out, count, { x, _ in x * x }, { x, _ in x * x })
      } else {
        for i in 0..<count { out[i] = powf(a[i * aStep], b[i * bStep]) }
      }
    case .maximum:
      map2(
        a, aStep, b, bStep, out, count,
        { x, y in
          var m = x.replacing(with: y, where: y .> x)
          m.replace(with: .nan, where: (x .!= x) .| (y .!= y))
          return m
        }, { binaryScalar(.maximum, $0, $1) })
    case .minimum:
      map2(
        a, aStep, b, bStep, out, count,
        { x, y in
          var m = x.replacing(with: y, where: y .< x)
          m.replace(with: .nan, where: (x .!= x) .| (y .!= y))
          return m
        }, { binaryScalar(.minimum, $0, $1) })
    case .equal:
      map2(a, aStep, b, bStep, out, count, { zero.replacing(with: one, where: $0 .== $1) }, { $0 == $1 ? 1 : 0 })
    case .notEqual:
      map2(a, aStep, b, bStep, out, count, { zero.replacing(with: one, where: $0 .!= $1) }, { $0 != $1 ? 1 : 0 })
    case .less:
      map2(a, aStep, b, bStep, out, count, { zero.replacing(with: one, where: $0 .< $1) }, { $0 < $1 ? 1 : 0 })
    case .lessEqual:
      map2(a, aStep, b, bStep, out, count, { zero.replacing(with: one, where: $0 .<= $1) }, { $0 <= $1 ? 1 : 0 })
    case .greater:
      map2(a, aStep, b, bStep, out, count, { zero.replacing(with: one, where: $0 .> $1) }, { $0 > $1 ? 1 : 0 })
    case .greaterEqual:
      map2(a, aStep, b, bStep, out, count, { zero.replacing(with: one, where: $0 .>= $1) }, { $0 >= $1 ? 1 : 0 })
    }
  }

  /// One contiguous run, specialised per (aStep, bStep) so the loops have no stride arithmetic.
  @inlinable @inline(__always)
  static func map2(
    _ a: UnsafePointer<Float>, _ aStep: Int, _ b: UnsafePointer<Float>, _ bStep: Int,
    _ out: UnsafeMutablePointer<Float>, _ count: Int,
    _ vector: (V, V) -> V, _ scalar: (Float, Float) -> Float
  ) {
    var i = 0
    switch (aStep, bStep) {
    case (1, 1):
      while i + V.lanes <= count {
        vector(V.load(a + i), V.load(b + i)).store(out + i)
        i += V.lanes
      }
      while i < count {
        out[i] = scalar(a[i], b[i])
        i += 1
      }
    case (0, 1):
      let x = a[0]
      let xv = V(repeating: x)
      while i + V.lanes <= count {
        vector(xv, V.load(b + i)).store(out + i)
        i += V.lanes
      }
      while i < count {
        out[i] = scalar(x, b[i])
        i += 1
      }
    case (1, 0):
      let y = b[0]
      let yv = V(repeating: y)
      while i + V.lanes <= count {
        vector(V.load(a + i), yv).store(out + i)
        i += V.lanes
      }
      while i < count {
        out[i] = scalar(a[i], y)
        i += 1
      }
    default:
      let v = scalar(a[0], b[0])
      out.update(repeating: v, count: count)
    }
  }
}
