/// Binary elementwise kernels (arithmetic, min/max, comparisons) over raw Float32 buffers,
/// including the strided driver that implements NumPy broadcasting one contiguous run at a time.
import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// The binary operations the kernels implement. Comparisons write 1 or 0.
public enum ElementwiseBinaryKind: Sendable {
  case add, subtract, multiply, divide, power, maximum, minimum
  case equal, notEqual, less, lessEqual, greater, greaterEqual
}

public enum Elementwise {
  /// out[i] = a[i·aStep] ∘ b[i·bStep] for i in 0..<count. Each step is 0 (one value broadcast)
  /// or 1 (contiguous). `out` may alias `a` or `b`. Large counts use two threads.
  public static func binary(
    _ kind: ElementwiseBinaryKind, _ a: UnsafePointer<Float>, aStep: Int,
    _ b: UnsafePointer<Float>, bStep: Int, _ out: UnsafeMutablePointer<Float>, count: Int
  ) {
    let ptrs = SendablePointers(a: a, b: b, out: out)
    splitInTwo(count) { start, end in
      binaryRun(
        kind, ptrs.a + start * aStep, aStep, ptrs.b + start * bStep, bStep, ptrs.out + start,
        end - start)
    }
  }

  /// Broadcasting driver: `out` is contiguous with `shape`; `aStrides`/`bStrides` are element
  /// strides per axis (0 on broadcast axes). The last axis is the inner run, whose strides
  /// must be 0 or 1; callers coalesce axes first so the runs are long.
  public static func binaryBroadcast(
    _ kind: ElementwiseBinaryKind, _ a: UnsafePointer<Float>, aStrides: [Int],
    _ b: UnsafePointer<Float>, bStrides: [Int], _ out: UnsafeMutablePointer<Float>, shape: [Int]
  ) {
    guard let inner = shape.last else {
      out[0] = binaryScalar(kind, a[0], b[0])
      return
    }
    let rank = shape.count
    let outer = shape.dropLast().reduce(1, *)
    guard inner > 0, outer > 0 else { return }
    let aStep = aStrides[rank - 1]
    let bStep = bStrides[rank - 1]
    let ptrs = SendablePointers(a: a, b: b, out: out)
    // Split whole rows over two threads when the total is large.
    let rowsPerPart = outer >= 2 && outer * inner >= parallelThreshold ? (outer + 1) / 2 : outer
    let parts = (outer + rowsPerPart - 1) / rowsPerPart
    let work = { (part: Int) in
      let first = part * rowsPerPart
      let last = min(outer, first + rowsPerPart)
      // Odometer over the outer axes, started at row `first`.
      var index = [Int](repeating: 0, count: max(rank - 1, 1))
      var remainder = first
      var aOffset = 0
      var bOffset = 0
      for axis in stride(from: rank - 2, through: 0, by: -1) {
        index[axis] = remainder % shape[axis]
        remainder /= shape[axis]
        aOffset += index[axis] * aStrides[axis]
        bOffset += index[axis] * bStrides[axis]
      }
      for row in first..<last {
        binaryRun(
          kind, ptrs.a + aOffset, aStep, ptrs.b + bOffset, bStep, ptrs.out + row * inner, inner)
        var axis = rank - 2
        while axis >= 0 {
          index[axis] += 1
          aOffset += aStrides[axis]
          bOffset += bStrides[axis]
          if index[axis] < shape[axis] { break }
          aOffset -= aStrides[axis] * shape[axis]
          bOffset -= bStrides[axis] * shape[axis]
          index[axis] = 0
          axis -= 1
        }
      }
    }
    if parts == 1 {
      work(0)
    } else {
      let box = UncheckedBox(work)
      DispatchQueue.concurrentPerform(iterations: parts) { box.value($0) }
    }
  }

  /// The scalar definition of each operation (also used for loop tails).
  @inline(__always)
  public static func binaryScalar(_ kind: ElementwiseBinaryKind, _ x: Float, _ y: Float) -> Float {
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

  static func binaryRun(
    _ kind: ElementwiseBinaryKind, _ a: UnsafePointer<Float>, _ aStep: Int,
    _ b: UnsafePointer<Float>, _ bStep: Int, _ out: UnsafeMutablePointer<Float>, _ count: Int
  ) {
    let one = Vec8(repeating: 1)
    let zero = Vec8(repeating: 0)
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
  @inline(__always)
  static func map2(
    _ a: UnsafePointer<Float>, _ aStep: Int, _ b: UnsafePointer<Float>, _ bStep: Int,
    _ out: UnsafeMutablePointer<Float>, _ count: Int,
    _ vector: (Vec8, Vec8) -> Vec8, _ scalar: (Float, Float) -> Float
  ) {
    var i = 0
    switch (aStep, bStep) {
    case (1, 1):
      while i + 8 <= count {
        store8(vector(load8(a + i), load8(b + i)), out + i)
        i += 8
      }
      while i < count {
        out[i] = scalar(a[i], b[i])
        i += 1
      }
    case (0, 1):
      let x = a[0]
      let xv = Vec8(repeating: x)
      while i + 8 <= count {
        store8(vector(xv, load8(b + i)), out + i)
        i += 8
      }
      while i < count {
        out[i] = scalar(x, b[i])
        i += 1
      }
    case (1, 0):
      let y = b[0]
      let yv = Vec8(repeating: y)
      while i + 8 <= count {
        store8(vector(load8(a + i), yv), out + i)
        i += 8
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
