/// Binary elementwise kernels (arithmetic, min/max, comparisons) over raw Float32 buffers,
/// including the strided driver that implements NumPy broadcasting one contiguous run at a time.
import Dispatch
import MNLKernelsGeneric

public typealias ElementwiseBinaryKind = MNLKernelsGeneric.ElementwiseBinaryKind

/// Elementwise kernels over raw Float32 buffers. Every entry checks its sizes first (the
/// kernels are compiled without bounds checks): a negative count or a malformed shape
/// returns without touching memory. `kernels` selects the instruction set (tests, benchmarks).
public enum Elementwise {
  /// out[i] = a[i·aStep] ∘ b[i·bStep] for i in 0..<count. Each step is 0 (one value broadcast)
  /// or 1 (contiguous). `out` may alias `a` or `b`. Large counts use several threads.
  public static func binary(
    _ kind: ElementwiseBinaryKind, _ a: UnsafePointer<Float>, aStep: Int,
    _ b: UnsafePointer<Float>, bStep: Int, _ out: UnsafeMutablePointer<Float>, count: Int,
    kernels: KernelTable = .active
  ) {
    guard count > 0, aStep == 0 || aStep == 1, bStep == 0 || bStep == 1 else { return }
    let ptrs = SendablePointers(a: a, b: b, out: out)
    Parallelism.forEachPart(count) { start, end in
      kernels.binary(
        kind, ptrs.a + start * aStep, aStep, ptrs.b + start * bStep, bStep, ptrs.out + start,
        end - start)
    }
  }

  /// Broadcasting driver: `out` is contiguous with `shape`; `aStrides`/`bStrides` are element
  /// strides per axis (0 on broadcast axes). The last axis is the inner run, whose strides
  /// must be 0 or 1; callers coalesce axes first so the runs are long.
  public static func binaryBroadcast(
    _ kind: ElementwiseBinaryKind, _ a: UnsafePointer<Float>, aStrides: [Int],
    _ b: UnsafePointer<Float>, bStrides: [Int], _ out: UnsafeMutablePointer<Float>, shape: [Int],
    kernels: KernelTable = .active
  ) {
    guard aStrides.count == shape.count, bStrides.count == shape.count,
      shape.allSatisfy({ $0 >= 0 })
    else { return }
    guard let inner = shape.last else {
      out[0] = binaryScalar(kind, a[0], b[0])
      return
    }
    let rank = shape.count
    let outer = shape.dropLast().reduce(1, *)
    guard inner > 0, outer > 0 else { return }
    let aStep = aStrides[rank - 1]
    let bStep = bStrides[rank - 1]
    guard aStep == 0 || aStep == 1, bStep == 0 || bStep == 1 else { return }
    let ptrs = SendablePointers(a: a, b: b, out: out)
    // Split whole rows between threads when the total is large.
    let threads = min(Parallelism.threads, outer, outer * inner / Parallelism.elementsPerThread)
    let rowsPerPart = threads >= 2 ? (outer + threads - 1) / threads : outer
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
        kernels.binary(
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
      WorkerPool.shared.run(parts: parts, work)
    }
  }

  /// The scalar definition of each operation.
  @inline(__always)
  public static func binaryScalar(_ kind: ElementwiseBinaryKind, _ x: Float, _ y: Float) -> Float {
    MNLKernelsGeneric.binaryScalar(kind, x, y)
  }
}
