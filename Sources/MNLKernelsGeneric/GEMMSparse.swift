import MNLInterrupt

/// Products whose left operand is mostly zeros — MNIST pixels are ~81% zeros, so the first
/// layer's forward x·W1 and its weight gradient xᵀ·dH. Row r of C is Σ over the nonzero
/// entries v = op(A)[r, p] of v·op(B)[p, :]: the nonzeros of the row are gathered first (a
/// contiguous row of A, or a strided column when A is transposed), then each 8-vector chunk of
/// C's row accumulates them in registers and is stored once. Work is proportional to the
/// nonzeros; loads of B and FMAs are 1:1, so this wins only when A is sparse (GEMM decides).
/// The sum runs over p in increasing order like the dense kernel's; skipped terms are exact
/// zeros — unless B holds an infinity or NaN, whose product with 0 the dense path would make NaN.
public enum GEMMSparse<T: KernelTarget> {
  public typealias V = T.Vector

  /// Needs B not transposed (rows of op(B) contiguous) and `workspace.packedA` room for
  /// 2·k floats (the gathered values and their indices).
  @inlinable
  public static func run(_ op: GEMMOperands, workspace: GEMMWorkspace) {
    workspace.reserve(a: 2 * op.k, b: 0)
    let values = workspace.packedA
    let indices = UnsafeMutableRawPointer(workspace.packedA + op.k).bindMemory(
      to: Int32.self, capacity: op.k)
    for r in 0..<op.m {
      if r % 64 == 0 && Interrupt.isRequested { return }
      // Branch-free gather: every entry is written, only nonzeros advance the count (a
      // branch per pixel mispredicts too often on 81% zeros).
      var count = 0
      let stride = op.transA ? op.lda : 1
      var src = op.transA ? op.a + r : op.a + r * op.lda
      for p in 0..<op.k {
        let v = src.pointee
        values[count] = op.alpha * v
        indices[count] = Int32(truncatingIfNeeded: p)
        count &+= v != 0 ? 1 : 0
        src += stride
      }
      row(op, r, values, indices, count)
    }
  }

  @inlinable @inline(__always)
  static func row(
    _ op: GEMMOperands, _ r: Int, _ values: UnsafePointer<Float>, _ indices: UnsafePointer<Int32>,
    _ count: Int
  ) {
    let lanes = V.lanes
    let c = op.c + r * op.ldc
    let epilogue = GEMMTileStore(beta: op.beta, bias: op.bias, relu: op.relu)
    var j = 0
    while j + 8 * lanes <= op.n {
      chunk8(op, epilogue, c, j, values, indices, count)
      j += 8 * lanes
    }
    while j + lanes <= op.n {
      var acc = V()
      for q in 0..<count {
        acc = T.madd(acc, V(repeating: values[q]), V.load(op.b + Int(indices[q]) * op.ldb + j))
      }
      store(epilogue, acc, c + j, j)
      j += lanes
    }
    while j < op.n {
      var acc: Float = 0
      for q in 0..<count { acc = T.madd(acc, values[q], op.b[Int(indices[q]) * op.ldb + j]) }
      var v = acc
      if op.beta != 0 { v = T.madd(v, op.beta, c[j]) }
      if let bias = op.bias { v += bias[j] }
      if op.relu && v < 0 { v = 0 }
      c[j] = v
      j += 1
    }
  }

  /// 8 vectors of C's row from column j: 8 independent FMA chains hide the FMA latency.
  @inlinable @inline(__always)
  static func chunk8(
    _ op: GEMMOperands, _ epilogue: GEMMTileStore, _ c: UnsafeMutablePointer<Float>, _ j: Int,
    _ values: UnsafePointer<Float>, _ indices: UnsafePointer<Int32>, _ count: Int
  ) {
    let lanes = V.lanes
    var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
    for q in 0..<count {
      let x = V(repeating: values[q])
      let b = op.b + Int(indices[q]) * op.ldb + j
      a0 = T.madd(a0, x, V.load(b))
      a1 = T.madd(a1, x, V.load(b + lanes))
      a2 = T.madd(a2, x, V.load(b + 2 * lanes))
      a3 = T.madd(a3, x, V.load(b + 3 * lanes))
      a4 = T.madd(a4, x, V.load(b + 4 * lanes))
      a5 = T.madd(a5, x, V.load(b + 5 * lanes))
      a6 = T.madd(a6, x, V.load(b + 6 * lanes))
      a7 = T.madd(a7, x, V.load(b + 7 * lanes))
    }
    store(epilogue, a0, c + j, j)
    store(epilogue, a1, c + j + lanes, j + lanes)
    store(epilogue, a2, c + j + 2 * lanes, j + 2 * lanes)
    store(epilogue, a3, c + j + 3 * lanes, j + 3 * lanes)
    store(epilogue, a4, c + j + 4 * lanes, j + 4 * lanes)
    store(epilogue, a5, c + j + 5 * lanes, j + 5 * lanes)
    store(epilogue, a6, c + j + 6 * lanes, j + 6 * lanes)
    store(epilogue, a7, c + j + 7 * lanes, j + 7 * lanes)
  }

  /// C = acc + beta·C, then bias and ReLU, like the dense kernel's epilogue. Takes the three
  /// epilogue fields rather than the whole operand struct, which kept it from being inlined.
  @inlinable @inline(__always)
  static func store(
    _ store: GEMMTileStore, _ acc: V, _ dst: UnsafeMutablePointer<Float>, _ column: Int
  ) {
    var v = acc
    if store.beta != 0 { v = T.madd(v, V(repeating: store.beta), V.load(dst)) }
    if let bias = store.bias { v += V.load(bias + column) }
    if store.relu { v.replace(with: 0, where: v .< 0) }
    v.store(dst)
  }

  /// Whether op(A) looks sparse enough for this path: nonzeros in up to 16 evenly spaced
  /// stored rows of A (a few microseconds), at most `maximumDensity` of them.
  @inlinable
  public static func looksSparse(
    _ a: UnsafePointer<Float>, storedRows: Int, storedColumns: Int, lda: Int,
    maximumDensity: Float
  ) -> Bool {
    guard storedRows > 0, storedColumns > 0 else { return false }
    let samples = min(storedRows, 16)
    var nonzeros = 0
    let zero = V(repeating: 0)
    for s in 0..<samples {
      let row = a + (s * storedRows / samples) * lda
      var i = 0
      var lanes = V.Bits(repeating: 0)
      while i + V.lanes <= storedColumns {
        // A true lane of the mask is −1 in its integer bits: subtracting counts it.
        lanes &-= unsafeBitCast(V.load(row + i) .!= zero, to: V.Bits.self)
        i += V.lanes
      }
      nonzeros += Int(lanes.wrappedSum())
      while i < storedColumns {
        if row[i] != 0 { nonzeros += 1 }
        i += 1
      }
    }
    return Float(nonzeros) <= maximumDensity * Float(samples * storedColumns)
  }
}
