import CSupport
import MNLInterrupt

/// Products whose left operand is mostly zeros — MNIST pixels are ~81% zeros, so the first
/// layer's forward x·W1 and its weight gradient xᵀ·dH. Row r of C is Σ over the nonzero
/// entries v = op(A)[r, p] of v·op(B)[p, :]. Work is proportional to the nonzeros; loads of B
/// and FMAs are 1:1, so this wins only when A is sparse (GEMM decides).
///
/// Loop order (what makes it fast): the nonzeros of a block of rows are gathered once into a
/// compressed list (values with alpha folded in, column indices, where each row's entries of
/// each depth block start). C is then swept one panel of 256 bytes of columns at a time
/// (4 AVX-512 or 8 AVX2 vectors: as many independent FMA chains), and within a panel one
/// depth block of B's rows at a time, every row of the block inside: the depth block's piece
/// of B (≤ 26 KB) stays in L1 while all rows use it, and the partial sums wait in C. Sweeping
/// whole rows of C one after the other instead (the first version) pulled each row's ~150
/// rows of B (2 KB each) through the cache again — from L3 in the forward, whose W1 (1.6 MB)
/// exceeds Zen 4's 1 MB L2.
///
/// Register-blocking several rows of C over the union of their nonzero columns was considered:
/// on MNIST, the union of 4 images' pixels is 2.0× their nonzeros (1.5× for 4 neighbouring
/// pixels over a batch), so it trades fewer loads of B for more FMAs; with B in L1 the loads
/// are not the limit on Zen 4 (one 512-bit load and one 512-bit FMA per cycle).
///
/// Each sum runs over p in increasing order in one chain (a depth block resumes from the
/// partial sum it stored), like the dense kernel's for k ≤ KC, so the results equal the dense
/// product's; skipped terms are exact zeros. B holding an infinity or NaN, whose product with 0
/// is NaN (NumPy's answer), sends the product to the dense path (GEMM checks with `allFinite`,
/// or the transposed copy of B does).
public enum GEMMSparse<T: KernelTarget> {
  public typealias V = T.Vector

  /// Entries of op(A) examined per gathered block of rows (the block's capacity; only the
  /// nonzeros are stored, ~19% of it for MNIST).
  public static var blockEntries: Int { 1 << 17 }

  /// Bytes of B one depth block of one panel may read (L1 is 32 KB on Zen 3/4 and most x86).
  public static var depthBlockBytes: Int { 26 * 1024 }

  /// Vectors per panel: 256 bytes of columns for 8- and 16-lane vectors, 8 SSE/NEON vectors.
  @inlinable @inline(__always)
  static var panelVectors: Int { V.lanes >= 16 ? 4 : 8 }

  /// Needs k < 2³¹ (indices are Int32) and `workspace.packedA`, which it reserves, for the
  /// gathered block; a transposed B is first copied, transposed, into `workspace.packedB`.
  /// `R` rounds A's nonzeros as they are gathered and B's vectors as they are loaded (bf16).
  @inlinable
  public static func run<R: OperandRounding>(
    _ op: GEMMOperands, workspace: GEMMWorkspace, rounding _: R.Type = NoRounding.self
  ) {
    let width = panelVectors * V.lanes
    // Depth blocks keep partial sums in C, so only where C's old value is not needed.
    let blocked = op.beta == 0 && op.n >= width
    let depthLimit = max(16, depthBlockBytes / (width * MemoryLayout<Float>.size))
    let depthBlocks = blocked ? (op.k + depthLimit - 1) / depthLimit : 1
    let depth = (op.k + depthBlocks - 1) / depthBlocks
    let blockRows = max(1, min(op.m, blockEntries / max(op.k, 1)))
    let capacity = blockRows * op.k
    let boundCount = blockRows * depthBlocks + 1
    // bf16: B is rounded once into packedB (rows of n floats) rather than at every load of the
    // panel loop, which then runs as fp32 (on Zen 4 ~2× faster than rounding every load).
    // A transposed B (a layer's input gradient dH·Wᵀ) is copied there as rows of op(B) first:
    // the same traffic as the dense path's packing of B.
    let roundsB = R.self != NoRounding.self
    // Values, then Int32 indices, then Int bounds (2 floats each, 8-byte aligned).
    workspace.reserve(
      a: 2 * capacity + 2 * boundCount + 2, b: roundsB || op.transB ? op.k * op.n : 0)
    var op = op
    if op.transB {
      // An infinity or NaN in B: the dense kernel, whose 0·Inf makes NaN (skipping the zeros
      // of A would drop it). The check rides on the copy.
      guard transpose(op.b, ldb: op.ldb, rows: op.n, columns: op.k, into: workspace.packedB) else {
        op.sparse = false
        GEMMDriver<T>.run(op, workspace: workspace, rounding: R.self)
        return
      }
      op.b = UnsafePointer(workspace.packedB)
      op.ldb = op.n
      op.transB = false
    }
    if roundsB {
      let rounded = workspace.packedB
      for p in 0..<op.k {
        BFloat16.roundRow(op.b + p * op.ldb, into: rounded + p * op.n, count: op.n, as: V.self)
      }
      op.b = UnsafePointer(rounded)
      op.ldb = op.n
    }
    let values = workspace.packedA
    let indices = UnsafeMutableRawPointer(values + capacity).bindMemory(
      to: Int32.self, capacity: capacity)
    let boundsBase = Int(bitPattern: UnsafeMutableRawPointer(values + 2 * capacity))
    let bounds = UnsafeMutableRawPointer(bitPattern: (boundsBase + 7) & ~7)!.bindMemory(
      to: Int.self, capacity: boundCount)
    var first = 0
    while first < op.m {
      if Interrupt.isRequested { return }
      let rows = first..<min(first + blockRows, op.m)
      gather(op, rows: rows, depth: depth, depthBlocks: depthBlocks, values, indices, bounds, R.self)
      multiply(
        op, rows: rows, depth: depth, depthBlocks: depthBlocks, values, indices, bounds,
        NoRounding.self)
      first = rows.upperBound
    }
  }

  /// dst [columns, rows] = the transpose of b [rows, columns] (row stride ldb): a vector of
  /// `lanes` consecutive rows at a time, so each store is whole lines of dst while the reads
  /// run along `lanes` rows of b. Returns whether every value was finite.
  @inlinable
  static func transpose(
    _ b: UnsafePointer<Float>, ldb: Int, rows: Int, columns: Int,
    into dst: UnsafeMutablePointer<Float>
  ) -> Bool {
    let lanes = V.lanes
    // v·0 is 0 for finite v and NaN for an infinity or NaN.
    var probe = V()
    var r0 = 0
    while r0 + lanes <= rows {
      for p in 0..<columns {
        var v = V()
        for lane in 0..<lanes { v[lane] = b[(r0 + lane) * ldb + p] }
        v.store(dst + p * rows + r0)
        probe += v * 0
      }
      r0 += lanes
    }
    var finite = probe == V()
    while r0 < rows {
      for p in 0..<columns {
        let v = b[r0 * ldb + p]
        dst[p * rows + r0] = v
        if !(v * 0 == 0) { finite = false }
      }
      r0 += 1
    }
    return finite
  }

  /// The nonzeros of op(A)'s `rows` (times alpha) and their columns. Entries of row i in
  /// depth block d are bounds[e]..<bounds[e + 1], e = i·depthBlocks + d. Branch-free: every
  /// entry is written, only nonzeros advance the count (a branch per pixel mispredicts too
  /// often on 81% zeros).
  @inlinable @inline(__always)
  static func gather<R: OperandRounding>(
    _ op: GEMMOperands, rows: Range<Int>, depth: Int, depthBlocks: Int,
    _ values: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<Int32>,
    _ bounds: UnsafeMutablePointer<Int>, _: R.Type
  ) {
    var count = 0
    var e = 0
    let stride = op.transA ? op.lda : 1
    for r in rows {
      var src = op.transA ? op.a + r : op.a + r * op.lda
      var p = 0
      for _ in 0..<depthBlocks {
        bounds[e] = count
        e += 1
        let end = min(p + depth, op.k)
        if stride == 1 && T.self == AVX512Target.self && R.self == NoRounding.self {
          // vcompressps: the nonzeros of 16 entries in two stores, no per-lane loop.
          let added = mnl_avx512_compress_nonzeros(
            src, end - p, op.alpha, Int32(truncatingIfNeeded: p), values + count, indices + count)
          if added >= 0 {
            count += added
            src += end - p
            p = end
          }
        }
        if stride == 1 {
          // A contiguous row: whole vectors of zeros (MNIST's blank margins) are skipped.
          let zero = V()
          while p + V.lanes <= end {
            if any(V.lanes(V.load(src), notEqual: zero)) {
              for lane in 0..<V.lanes {
                let v = src[lane]
                values[count] = op.alpha * R.round(v)
                indices[count] = Int32(truncatingIfNeeded: p + lane)
                count &+= v != 0 ? 1 : 0
              }
            }
            src += V.lanes
            p += V.lanes
          }
        }
        while p < end {
          let v = src.pointee
          values[count] = op.alpha * R.round(v)
          indices[count] = Int32(truncatingIfNeeded: p)
          count &+= v != 0 ? 1 : 0
          src += stride
          p += 1
        }
      }
    }
    bounds[e] = count
  }

  /// C[rows, :] from the gathered block: panel by panel, depth block by depth block, rows
  /// inside.
  ///
  /// Prefetching: in a training step the operands arrive cold (W1 was last touched by the
  /// optimiser, the weight gradient's C is a fresh 1.6 MB), and on first use each row of B
  /// or C would be one cache miss waited for at a time — `mnl-bench kernels --cold` ran
  /// 1.6–1.9× slower than warm. So while the rows of C run through one (panel, depth block),
  /// the next block's piece of B is prefetched a few lines per row of C, and each row's piece
  /// of C is prefetched for writing a few rows ahead: the misses overlap the FMAs.
  @inlinable @inline(__always)
  static func multiply<R: OperandRounding>(
    _ op: GEMMOperands, rows: Range<Int>, depth: Int, depthBlocks: Int,
    _ values: UnsafePointer<Float>, _ indices: UnsafePointer<Int32>, _ bounds: UnsafePointer<Int>,
    _: R.Type
  ) {
    let width = panelVectors * V.lanes
    let epilogue = GEMMTileStore(beta: op.beta, bias: op.bias, relu: op.relu)
    guard op.n >= width else {
      for (i, r) in rows.enumerated() {
        let q0 = bounds[i * depthBlocks]
        let q1 = bounds[(i + 1) * depthBlocks]
        narrowRow(op, epilogue, op.c + r * op.ldc, values + q0, indices + q0, q1 - q0, R.self)
      }
      return
    }
    var j = 0
    while j < op.n {
      // The last panel ends at column n: it overlaps the previous one rather than running a
      // narrower kernel, and stores only the columns from j (same sums, so same values).
      let start = min(j, op.n - width)
      for d in 0..<depthBlocks {
        let step = PanelStep(start: start, storeFrom: j, first: d == 0, last: d == depthBlocks - 1)
        var ahead = BlockPrefetch(
          op, rows: rows.count, width: width, depth: depth,
          nextBlock: d + 1 < depthBlocks ? d + 1 : 0,
          nextStart: d + 1 < depthBlocks ? start : min(j + width, op.n - width),
          exists: d + 1 < depthBlocks || j + width < op.n)
        var e = d
        for r in rows {
          let q0 = bounds[e]
          let q1 = bounds[e + 1]
          let c = op.c + r * op.ldc
          ahead.next()
          if d == 0 && r + 4 < rows.upperBound {
            let future = UnsafeRawPointer(op.c + (r + 4) * op.ldc + start)
            var offset = 0
            while offset < width * 4 {
              mnl_prefetch_write(future + offset)
              offset += 64
            }
          }
          if panelVectors == 8 {
            panel8(op, epilogue, c, step, values + q0, indices + q0, q1 - q0, R.self)
          } else {
            panel4(op, epilogue, c, step, values + q0, indices + q0, q1 - q0, R.self)
          }
          e += depthBlocks
        }
      }
      j += width
    }
  }

  /// The lines of B's next (panel, depth block) piece, handed out a few per row of C.
  @frozen @usableFromInline
  struct BlockPrefetch {
    @usableFromInline let b: UnsafeRawPointer
    @usableFromInline let rowBytes: Int
    @usableFromInline let linesPerRow: Int
    @usableFromInline let lines: Int
    @usableFromInline let perCall: Int
    @usableFromInline var line = 0

    @inlinable
    init(
      _ op: GEMMOperands, rows: Int, width: Int, depth: Int, nextBlock: Int, nextStart: Int,
      exists: Bool
    ) {
      let firstRow = nextBlock * depth
      b = UnsafeRawPointer(op.b + firstRow * op.ldb + nextStart)
      rowBytes = op.ldb * MemoryLayout<Float>.size
      linesPerRow = (width * MemoryLayout<Float>.size + 63) / 64
      lines = exists ? max(0, min(depth, op.k - firstRow)) * linesPerRow : 0
      perCall = (lines + max(rows, 1) - 1) / max(rows, 1)
    }

    @inlinable @inline(__always)
    mutating func next() {
      var n = 0
      while n < perCall && line < lines {
        mnl_prefetch_read(b + (line / linesPerRow) * rowBytes + (line % linesPerRow) * 64)
        line += 1
        n += 1
      }
    }
  }

  /// Where one panel call starts and what it does with C: start from zero (first depth
  /// block) or from the partial sum in C, finish with the epilogue (last) or store the
  /// partial sum; columns before `storeFrom` (overlap with the previous panel) are not stored.
  @frozen
  public struct PanelStep {
    public var start: Int
    public var storeFrom: Int
    public var first: Bool
    public var last: Bool

    @inlinable
    public init(start: Int, storeFrom: Int, first: Bool, last: Bool) {
      self.start = start
      self.storeFrom = storeFrom
      self.first = first
      self.last = last
    }
  }

  /// 8 vectors of one row of C: 8 independent FMA chains hide the FMA latency.
  @inlinable @inline(__always)
  static func panel8<R: OperandRounding>(
    _ op: GEMMOperands, _ epilogue: GEMMTileStore, _ c: UnsafeMutablePointer<Float>,
    _ step: PanelStep, _ values: UnsafePointer<Float>, _ indices: UnsafePointer<Int32>,
    _ count: Int, _: R.Type = NoRounding.self
  ) {
    let lanes = V.lanes
    let s = step.start
    var a0 = initial(c, s, step), a1 = initial(c, s + lanes, step)
    var a2 = initial(c, s + 2 * lanes, step), a3 = initial(c, s + 3 * lanes, step)
    var a4 = initial(c, s + 4 * lanes, step), a5 = initial(c, s + 5 * lanes, step)
    var a6 = initial(c, s + 6 * lanes, step), a7 = initial(c, s + 7 * lanes, step)
    let base = op.b + s
    for q in 0..<count {
      let x = V(repeating: values[q])
      let b = base + Int(indices[q]) * op.ldb
      a0 = T.madd(a0, x, R.round(V.load(b)))
      a1 = T.madd(a1, x, R.round(V.load(b + lanes)))
      a2 = T.madd(a2, x, R.round(V.load(b + 2 * lanes)))
      a3 = T.madd(a3, x, R.round(V.load(b + 3 * lanes)))
      a4 = T.madd(a4, x, R.round(V.load(b + 4 * lanes)))
      a5 = T.madd(a5, x, R.round(V.load(b + 5 * lanes)))
      a6 = T.madd(a6, x, R.round(V.load(b + 6 * lanes)))
      a7 = T.madd(a7, x, R.round(V.load(b + 7 * lanes)))
    }
    put(epilogue, a0, c, s, step)
    put(epilogue, a1, c, s + lanes, step)
    put(epilogue, a2, c, s + 2 * lanes, step)
    put(epilogue, a3, c, s + 3 * lanes, step)
    put(epilogue, a4, c, s + 4 * lanes, step)
    put(epilogue, a5, c, s + 5 * lanes, step)
    put(epilogue, a6, c, s + 6 * lanes, step)
    put(epilogue, a7, c, s + 7 * lanes, step)
  }

  /// 4 vectors of one row of C (16-lane vectors: 4 chains cover Zen 4's 512-bit FMA latency).
  @inlinable @inline(__always)
  static func panel4<R: OperandRounding>(
    _ op: GEMMOperands, _ epilogue: GEMMTileStore, _ c: UnsafeMutablePointer<Float>,
    _ step: PanelStep, _ values: UnsafePointer<Float>, _ indices: UnsafePointer<Int32>,
    _ count: Int, _: R.Type = NoRounding.self
  ) {
    let lanes = V.lanes
    let s = step.start
    var a0 = initial(c, s, step), a1 = initial(c, s + lanes, step)
    var a2 = initial(c, s + 2 * lanes, step), a3 = initial(c, s + 3 * lanes, step)
    let base = op.b + s
    for q in 0..<count {
      let x = V(repeating: values[q])
      let b = base + Int(indices[q]) * op.ldb
      a0 = T.madd(a0, x, R.round(V.load(b)))
      a1 = T.madd(a1, x, R.round(V.load(b + lanes)))
      a2 = T.madd(a2, x, R.round(V.load(b + 2 * lanes)))
      a3 = T.madd(a3, x, R.round(V.load(b + 3 * lanes)))
    }
    put(epilogue, a0, c, s, step)
    put(epilogue, a1, c, s + lanes, step)
    put(epilogue, a2, c, s + 2 * lanes, step)
    put(epilogue, a3, c, s + 3 * lanes, step)
  }

  /// The accumulator a panel starts from: zero, or the partial sum of earlier depth blocks.
  @inlinable @inline(__always)
  static func initial(_ c: UnsafeMutablePointer<Float>, _ column: Int, _ step: PanelStep) -> V {
    step.first ? V() : V.load(c + column)
  }

  /// Stores the vector at `column`: the epilogue on the last depth block, else the partial
  /// sum; only the columns ≥ `storeFrom`.
  @inlinable @inline(__always)
  static func put(
    _ epilogue: GEMMTileStore, _ acc: V, _ c: UnsafeMutablePointer<Float>, _ column: Int,
    _ step: PanelStep
  ) {
    let lanes = V.lanes
    if column >= step.storeFrom {
      if step.last { store(epilogue, acc, c + column, column) } else { acc.store(c + column) }
      return
    }
    guard column + lanes > step.storeFrom else { return }
    for lane in (step.storeFrom - column)..<lanes {
      let j = column + lane
      c[j] = step.last ? finish(epilogue, acc[lane], c[j], j) : acc[lane]
    }
  }

  /// One element's epilogue, the same operations as `store`'s per lane.
  @inlinable @inline(__always)
  static func finish(_ epilogue: GEMMTileStore, _ acc: Float, _ old: Float, _ j: Int) -> Float {
    var v = acc
    if epilogue.beta != 0 { v = T.madd(v, epilogue.beta, old) }
    if let bias = epilogue.bias { v += bias[j] }
    if epilogue.relu && v < 0 { v = 0 }
    return v
  }

  /// A row of C narrower than a panel: vector by vector, then the scalar columns.
  @inlinable @inline(__always)
  static func narrowRow<R: OperandRounding>(
    _ op: GEMMOperands, _ epilogue: GEMMTileStore, _ c: UnsafeMutablePointer<Float>,
    _ values: UnsafePointer<Float>, _ indices: UnsafePointer<Int32>, _ count: Int, _: R.Type
  ) {
    let lanes = V.lanes
    var j = 0
    while j + lanes <= op.n {
      var acc = V()
      for q in 0..<count {
        acc = T.madd(
          acc, V(repeating: values[q]), R.round(V.load(op.b + Int(indices[q]) * op.ldb + j)))
      }
      store(epilogue, acc, c + j, j)
      j += lanes
    }
    while j < op.n {
      var acc: Float = 0
      for q in 0..<count {
        acc = T.madd(acc, values[q], R.round(op.b[Int(indices[q]) * op.ldb + j]))
      }
      c[j] = finish(epilogue, acc, c[j], j)
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

  /// Whether the rows × columns matrix at `b` (row stride ldb) holds only finite numbers: a
  /// running sum of v − v stays 0 unless some v is ±∞ or NaN (∞ − ∞ and NaN − NaN are NaN).
  /// One pass at memory speed — W1 (1.6 MB) in ~20 µs.
  @inlinable
  public static func allFinite(_ b: UnsafePointer<Float>, rows: Int, columns: Int, ldb: Int) -> Bool {
    var acc0 = V(), acc1 = V()
    var tail: Float = 0
    for r in 0..<rows {
      let row = b + r * ldb
      var i = 0
      while i + 2 * V.lanes <= columns {
        let x = V.load(row + i), y = V.load(row + i + V.lanes)
        acc0 += x - x
        acc1 += y - y
        i += 2 * V.lanes
      }
      while i < columns {
        tail += row[i] - row[i]
        i += 1
      }
    }
    let acc = acc0 + acc1
    return V.lanes(acc, equal: V()) == SIMDMask(repeating: true) && tail == 0
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
