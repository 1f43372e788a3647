import MNLInterrupt

/// Products whose left operand is mostly zeros — MNIST pixels are ~81% zeros, so the first
/// layer's forward x·W1 and its weight gradient xᵀ·dH. Row r of C is Σ over the nonzero
/// entries v = op(A)[r, p] of v·op(B)[p, :]. Work is proportional to the nonzeros; loads of B
/// and FMAs are 1:1, so this wins only when A is sparse (GEMM decides).
///
/// Loop order (what made it fast): the nonzeros of a block of rows are gathered once into a
/// compressed list (values with alpha folded in, column indices, row starts); then C is swept
/// one panel of 8 vectors of columns at a time, every row of the block inside the panel. The
/// rows of B a panel reads (k × 8 vectors: 400 KB for MNIST's forward with AVX-512, 51 KB for
/// the weight gradient) stay in L2 or L1 while all rows use them. Sweeping whole rows of C
/// one after the other instead (the first version) pulled each row's ~150 rows of B (2 KB
/// each) through the cache again: from L3 in the forward, whose W1 (1.6 MB) exceeds Zen 4's
/// 1 MB L2.
///
/// Register-blocking several rows of C over the union of their nonzero columns was considered:
/// on MNIST, the union of 4 images' pixels is 2.0× their nonzeros (1.5× for 4 neighbouring
/// pixels over a batch), so it trades fewer loads of B for more FMAs, and with B in L1/L2 the
/// loads are not the limit on Zen 4 (one 512-bit load and one 512-bit FMA per cycle).
///
/// The sum runs over p in increasing order like the dense kernel's; skipped terms are exact
/// zeros — unless B holds an infinity or NaN, whose product with 0 the dense path would make NaN.
public enum GEMMSparse<T: KernelTarget> {
  public typealias V = T.Vector

  /// Entries of op(A) examined per gathered block of rows (the block's capacity; only the
  /// nonzeros are stored, ~19% of it for MNIST).
  public static var blockEntries: Int { 1 << 17 }

  /// Needs B not transposed (rows of op(B) contiguous), k < 2³¹ (indices are Int32) and
  /// `workspace.packedA`, which it reserves, for the gathered block.
  @inlinable
  public static func run(_ op: GEMMOperands, workspace: GEMMWorkspace) {
    let blockRows = max(1, min(op.m, blockEntries / max(op.k, 1)))
    let capacity = blockRows * op.k
    // Values, then Int32 indices, then Int row starts (2 floats each).
    workspace.reserve(a: 2 * capacity + 2 * (blockRows + 1) + 2, b: 0)
    let values = workspace.packedA
    let indices = UnsafeMutableRawPointer(values + capacity).bindMemory(
      to: Int32.self, capacity: capacity)
    let startsBase = UnsafeMutableRawPointer(values + 2 * capacity)
    let aligned = (Int(bitPattern: startsBase) + 7) & ~7
    let starts = UnsafeMutableRawPointer(bitPattern: aligned)!.bindMemory(
      to: Int.self, capacity: blockRows + 1)
    var first = 0
    while first < op.m {
      if Interrupt.isRequested { return }
      let rows = first..<min(first + blockRows, op.m)
      gather(op, rows: rows, values, indices, starts)
      multiply(op, rows: rows, values, indices, starts)
      first = rows.upperBound
    }
  }

  /// The nonzeros of op(A)'s `rows` (times alpha) and their columns; row i of the block is
  /// entries starts[i]..<starts[i + 1]. Branch-free: every entry is written, only nonzeros
  /// advance the count (a branch per pixel mispredicts too often on 81% zeros).
  @inlinable @inline(__always)
  static func gather(
    _ op: GEMMOperands, rows: Range<Int>, _ values: UnsafeMutablePointer<Float>,
    _ indices: UnsafeMutablePointer<Int32>, _ starts: UnsafeMutablePointer<Int>
  ) {
    var count = 0
    let stride = op.transA ? op.lda : 1
    var i = 0
    for r in rows {
      starts[i] = count
      var src = op.transA ? op.a + r : op.a + r * op.lda
      for p in 0..<op.k {
        let v = src.pointee
        values[count] = op.alpha * v
        indices[count] = Int32(truncatingIfNeeded: p)
        count &+= v != 0 ? 1 : 0
        src += stride
      }
      i += 1
    }
    starts[i] = count
  }

  /// C[rows, :] from the gathered block: panel by panel of 8 vectors, rows inside.
  @inlinable @inline(__always)
  static func multiply(
    _ op: GEMMOperands, rows: Range<Int>, _ values: UnsafePointer<Float>,
    _ indices: UnsafePointer<Int32>, _ starts: UnsafePointer<Int>
  ) {
    let epilogue = GEMMTileStore(beta: op.beta, bias: op.bias, relu: op.relu)
    let half = halfPanels(op)
    let width = (half ? 4 : 8) * V.lanes
    guard op.n >= width else {
      for (i, r) in rows.enumerated() {
        narrowRow(
          op, epilogue, op.c + r * op.ldc, values + starts[i], indices + starts[i],
          starts[i + 1] - starts[i])
      }
      return
    }
    var j = 0
    while j < op.n {
      // The last panel ends at column n: it overlaps the previous one rather than running a
      // narrower kernel, and stores only the columns from j (same sums, so same values).
      let start = min(j, op.n - width)
      if half {
        for (i, r) in rows.enumerated() {
          halfPanel(
            op, epilogue, op.c + r * op.ldc, start, storeFrom: j, values + starts[i],
            indices + starts[i], starts[i + 1] - starts[i])
        }
      } else {
        for (i, r) in rows.enumerated() {
          panel(
            op, epilogue, op.c + r * op.ldc, start, storeFrom: j, values + starts[i],
            indices + starts[i], starts[i + 1] - starts[i])
        }
      }
      j += width
    }
  }

  /// 8 vectors of one row of C from column `start`: 8 independent FMA chains hide the FMA
  /// latency. Columns before `storeFrom` are computed but not stored.
  @inlinable @inline(__always)
  static func panel(
    _ op: GEMMOperands, _ epilogue: GEMMTileStore, _ c: UnsafeMutablePointer<Float>,
    _ start: Int, storeFrom: Int, _ values: UnsafePointer<Float>,
    _ indices: UnsafePointer<Int32>, _ count: Int
  ) {
    let lanes = V.lanes
    var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
    let base = op.b + start
    for q in 0..<count {
      let x = V(repeating: values[q])
      let b = base + Int(indices[q]) * op.ldb
      a0 = T.madd(a0, x, V.load(b))
      a1 = T.madd(a1, x, V.load(b + lanes))
      a2 = T.madd(a2, x, V.load(b + 2 * lanes))
      a3 = T.madd(a3, x, V.load(b + 3 * lanes))
      a4 = T.madd(a4, x, V.load(b + 4 * lanes))
      a5 = T.madd(a5, x, V.load(b + 5 * lanes))
      a6 = T.madd(a6, x, V.load(b + 6 * lanes))
      a7 = T.madd(a7, x, V.load(b + 7 * lanes))
    }
    if storeFrom == start {
      store(epilogue, a0, c + start, start)
      store(epilogue, a1, c + start + lanes, start + lanes)
      store(epilogue, a2, c + start + 2 * lanes, start + 2 * lanes)
      store(epilogue, a3, c + start + 3 * lanes, start + 3 * lanes)
      store(epilogue, a4, c + start + 4 * lanes, start + 4 * lanes)
      store(epilogue, a5, c + start + 5 * lanes, start + 5 * lanes)
      store(epilogue, a6, c + start + 6 * lanes, start + 6 * lanes)
      store(epilogue, a7, c + start + 7 * lanes, start + 7 * lanes)
    } else {
      storeColumns(epilogue, a0, c, start, from: storeFrom)
      storeColumns(epilogue, a1, c, start + lanes, from: storeFrom)
      storeColumns(epilogue, a2, c, start + 2 * lanes, from: storeFrom)
      storeColumns(epilogue, a3, c, start + 3 * lanes, from: storeFrom)
      storeColumns(epilogue, a4, c, start + 4 * lanes, from: storeFrom)
      storeColumns(epilogue, a5, c, start + 5 * lanes, from: storeFrom)
      storeColumns(epilogue, a6, c, start + 6 * lanes, from: storeFrom)
      storeColumns(epilogue, a7, c, start + 7 * lanes, from: storeFrom)
    }
  }

  /// Whether to sweep panels of 4 vectors: with 16-lane vectors only (4 FMA chains still
  /// cover the latency of Zen 4's 512-bit FMAs), when that keeps the k rows of B a panel
  /// reads in L1 and 8 vectors would not.
  @inlinable @inline(__always)
  static func halfPanels(_ op: GEMMOperands) -> Bool {
    let l1 = 32 * 1024
    let rowBytes = 4 * V.lanes * MemoryLayout<Float>.size
    return V.lanes >= 16 && op.k * 2 * rowBytes > l1 && op.k * rowBytes <= l1
  }

  /// 4 vectors of one row of C from column `start` (see `panel`).
  @inlinable @inline(__always)
  static func halfPanel(
    _ op: GEMMOperands, _ epilogue: GEMMTileStore, _ c: UnsafeMutablePointer<Float>,
    _ start: Int, storeFrom: Int, _ values: UnsafePointer<Float>,
    _ indices: UnsafePointer<Int32>, _ count: Int
  ) {
    let lanes = V.lanes
    var a0 = V(), a1 = V(), a2 = V(), a3 = V()
    let base = op.b + start
    for q in 0..<count {
      let x = V(repeating: values[q])
      let b = base + Int(indices[q]) * op.ldb
      a0 = T.madd(a0, x, V.load(b))
      a1 = T.madd(a1, x, V.load(b + lanes))
      a2 = T.madd(a2, x, V.load(b + 2 * lanes))
      a3 = T.madd(a3, x, V.load(b + 3 * lanes))
    }
    if storeFrom == start {
      store(epilogue, a0, c + start, start)
      store(epilogue, a1, c + start + lanes, start + lanes)
      store(epilogue, a2, c + start + 2 * lanes, start + 2 * lanes)
      store(epilogue, a3, c + start + 3 * lanes, start + 3 * lanes)
    } else {
      storeColumns(epilogue, a0, c, start, from: storeFrom)
      storeColumns(epilogue, a1, c, start + lanes, from: storeFrom)
      storeColumns(epilogue, a2, c, start + 2 * lanes, from: storeFrom)
      storeColumns(epilogue, a3, c, start + 3 * lanes, from: storeFrom)
    }
  }

  /// The columns ≥ `from` of the vector at `column` (the overlapping last panel).
  @inlinable @inline(__always)
  static func storeColumns(
    _ epilogue: GEMMTileStore, _ acc: V, _ c: UnsafeMutablePointer<Float>, _ column: Int,
    from: Int
  ) {
    let lanes = V.lanes
    if column >= from {
      store(epilogue, acc, c + column, column)
      return
    }
    guard column + lanes > from else { return }
    for lane in (from - column)..<lanes {
      var v = acc[lane]
      let j = column + lane
      if epilogue.beta != 0 { v = T.madd(v, epilogue.beta, c[j]) }
      if let bias = epilogue.bias { v += bias[j] }
      if epilogue.relu && v < 0 { v = 0 }
      c[j] = v
    }
  }

  /// A row of C narrower than a panel: vector by vector, then the scalar columns.
  @inlinable @inline(__always)
  static func narrowRow(
    _ op: GEMMOperands, _ epilogue: GEMMTileStore, _ c: UnsafeMutablePointer<Float>,
    _ values: UnsafePointer<Float>, _ indices: UnsafePointer<Int32>, _ count: Int
  ) {
    let lanes = V.lanes
    var j = 0
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
      if epilogue.beta != 0 { v = T.madd(v, epilogue.beta, c[j]) }
      if let bias = epilogue.bias { v += bias[j] }
      if epilogue.relu && v < 0 { v = 0 }
      c[j] = v
      j += 1
    }
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
