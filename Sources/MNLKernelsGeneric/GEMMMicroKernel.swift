import CSupport

/// What happens when a tile's accumulators are written to C: C = acc + beta·C, then, on the
/// last depth block only, `+ bias` and ReLU. Beta 0 never reads C (so NaNs in C vanish, as in BLAS).
@frozen
public struct GEMMTileStore {
  public var beta: Float
  /// Points at the bias of the tile's first column, or nil.
  public var bias: UnsafePointer<Float>?
  public var relu: Bool

  @inlinable
  public init(beta: Float, bias: UnsafePointer<Float>?, relu: Bool) {
    self.beta = beta
    self.bias = bias
    self.relu = relu
  }

  @inlinable
  public func shifted(columns: Int) -> GEMMTileStore {
    var copy = self
    copy.bias = bias.map { $0 + columns }
    return copy
  }
}

/// The 6 × (2 vectors) register-tiled kernel over one packed A panel and one packed B panel:
/// 12 accumulators of the target's vector — 6×8 in SSE xmm, 6×16 in AVX2 ymm, 6×32 in
/// AVX-512 zmm. Per step of k it loads 2 vectors of B and broadcasts 6 values of A.
public enum GEMMMicroKernel<T: KernelTarget> {
  public typealias V = T.Vector

  /// Full tile: accumulates kc ≥ 1 rank-1 updates in 12 registers, then stores into C.
  /// Not inlined: inside the macro-kernel, values hoisted from around it took the one free
  /// ymm register and forced an accumulator to spill to the stack in the k loop (AVX2 has
  /// just 16); a call per tile costs nothing next to a k loop of hundreds of steps.
  @inlinable @inline(never)
  public static func fullTile(
    kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, store: GEMMTileStore
  ) {
    let vectorBytes = MemoryLayout<V>.size
    // The C tile is touched only after the k loop; start fetching its 6 rows now.
    for r in 0..<6 {
      mnl_prefetch_write(c + r * ldc)
      mnl_prefetch_write(c + r * ldc + 2 * V.lanes - 1)
    }
    // The first step initialises the accumulators (kc ≥ 1): starting them at zero left a
    // zero vector live across the loop, and with AVX2's 16 registers one accumulator spilled.
    var pa = UnsafeRawPointer(a)
    var pb = UnsafeRawPointer(b)
    var bl = pb.loadUnaligned(as: V.self)
    var bh = pb.loadUnaligned(fromByteOffset: vectorBytes, as: V.self)
    var x = V(repeating: pa.load(as: Float.self))
    var c0l = x * bl
    var c0h = x * bh
    x = V(repeating: pa.load(fromByteOffset: 4, as: Float.self))
    var c1l = x * bl
    var c1h = x * bh
    x = V(repeating: pa.load(fromByteOffset: 8, as: Float.self))
    var c2l = x * bl
    var c2h = x * bh
    x = V(repeating: pa.load(fromByteOffset: 12, as: Float.self))
    var c3l = x * bl
    var c3h = x * bh
    x = V(repeating: pa.load(fromByteOffset: 16, as: Float.self))
    var c4l = x * bl
    var c4h = x * bh
    x = V(repeating: pa.load(fromByteOffset: 20, as: Float.self))
    var c5l = x * bl
    var c5h = x * bh
    for _ in 1..<kc {
      pa += 24
      pb += 2 * vectorBytes
      bl = pb.loadUnaligned(as: V.self)
      bh = pb.loadUnaligned(fromByteOffset: vectorBytes, as: V.self)
      x = V(repeating: pa.load(as: Float.self))
      c0l = T.madd(c0l, x, bl)
      c0h = T.madd(c0h, x, bh)
      x = V(repeating: pa.load(fromByteOffset: 4, as: Float.self))
      c1l = T.madd(c1l, x, bl)
      c1h = T.madd(c1h, x, bh)
      x = V(repeating: pa.load(fromByteOffset: 8, as: Float.self))
      c2l = T.madd(c2l, x, bl)
      c2h = T.madd(c2h, x, bh)
      x = V(repeating: pa.load(fromByteOffset: 12, as: Float.self))
      c3l = T.madd(c3l, x, bl)
      c3h = T.madd(c3h, x, bh)
      x = V(repeating: pa.load(fromByteOffset: 16, as: Float.self))
      c4l = T.madd(c4l, x, bl)
      c4h = T.madd(c4h, x, bh)
      x = V(repeating: pa.load(fromByteOffset: 20, as: Float.self))
      c5l = T.madd(c5l, x, bl)
      c5h = T.madd(c5h, x, bh)
    }
    let biasL: V
    let biasH: V
    if let bias = store.bias {
      biasL = V.load(bias)
      biasH = V.load(bias + V.lanes)
    } else {
      biasL = V()
      biasH = V()
    }
    storeRow(c0l, c0h, c, store, biasL, biasH)
    storeRow(c1l, c1h, c + ldc, store, biasL, biasH)
    storeRow(c2l, c2h, c + 2 * ldc, store, biasL, biasH)
    storeRow(c3l, c3h, c + 3 * ldc, store, biasL, biasH)
    storeRow(c4l, c4h, c + 4 * ldc, store, biasL, biasH)
    storeRow(c5l, c5h, c + 5 * ldc, store, biasL, biasH)
  }

  @inlinable @inline(__always)
  static func storeRow(
    _ accL: V, _ accH: V, _ dst: UnsafeMutablePointer<Float>,
    _ store: GEMMTileStore, _ biasL: V, _ biasH: V
  ) {
    var lo = accL
    var hi = accH
    if store.beta == 1 {
      lo += V.load(dst)
      hi += V.load(dst + V.lanes)
    } else if store.beta != 0 {
      let beta = V(repeating: store.beta)
      lo = T.madd(lo, beta, V.load(dst))
      hi = T.madd(hi, beta, V.load(dst + V.lanes))
    }
    if store.bias != nil {
      lo += biasL
      hi += biasH
    }
    if store.relu {
      lo.replace(with: 0, where: lo .< 0)
      hi.replace(with: 0, where: hi .< 0)
    }
    lo.store(dst)
    hi.store(dst + V.lanes)
  }

  /// Edge tile (fewer than 6 rows or 2 vectors of columns of C left): runs a kernel into the
  /// scratch tile (row stride NR), then merges only the `rows × columns` that exist.
  @inlinable @inline(__always)
  public static func edgeTile(
    kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int,
    store: GEMMTileStore, scratch: UnsafeMutablePointer<Float>
  ) {
    let nr = 2 * V.lanes
    // A thin last panel (n = 500 leaves 4 columns with AVX2) only needs a narrower kernel.
    if columns <= 4 {
      narrowTile(kc: kc, a: a, b: b, into: scratch, lanes: SIMD4<Float>.self)
    } else if columns <= V.lanes {
      narrowTile(kc: kc, a: a, b: b, into: scratch, lanes: V.self)
    } else {
      fullTile(
        kc: kc, a: a, b: b, c: scratch, ldc: nr,
        store: GEMMTileStore(beta: 0, bias: nil, relu: false))
    }
    for r in 0..<rows {
      let src = scratch + r * nr
      let dst = c + r * ldc
      for j in 0..<columns {
        var v = src[j]
        // Fused like the full tile, so a value never depends on which kind of tile it fell in.
        if store.beta != 0 { v = T.madd(v, store.beta, dst[j]) }
        if let bias = store.bias { v += bias[j] }
        if store.relu && v < 0 { v = 0 }
        dst[j] = v
      }
    }
  }

  /// 6 rows × `W.scalarCount` columns of a packed panel into the scratch tile (row stride NR):
  /// the first lanes of the full kernel at a fraction of its cost.
  @inlinable @inline(__always)
  static func narrowTile<W: SIMD>(
    kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    into scratch: UnsafeMutablePointer<Float>, lanes: W.Type
  ) where W.Scalar == Float {
    var c0 = W()
    var c1 = W()
    var c2 = W()
    var c3 = W()
    var c4 = W()
    var c5 = W()
    var pa = UnsafeRawPointer(a)
    var pb = UnsafeRawPointer(b)
    let panelRowBytes = 2 * MemoryLayout<V>.size
    for _ in 0..<kc {
      let y = pb.loadUnaligned(as: W.self)
      c0 = T.madd(c0, W(repeating: pa.load(as: Float.self)), y)
      c1 = T.madd(c1, W(repeating: pa.load(fromByteOffset: 4, as: Float.self)), y)
      c2 = T.madd(c2, W(repeating: pa.load(fromByteOffset: 8, as: Float.self)), y)
      c3 = T.madd(c3, W(repeating: pa.load(fromByteOffset: 12, as: Float.self)), y)
      c4 = T.madd(c4, W(repeating: pa.load(fromByteOffset: 16, as: Float.self)), y)
      c5 = T.madd(c5, W(repeating: pa.load(fromByteOffset: 20, as: Float.self)), y)
      pa += 24
      pb += panelRowBytes
    }
    let out = UnsafeMutableRawPointer(scratch)
    let rowBytes = panelRowBytes
    out.storeBytes(of: c0, as: W.self)
    out.storeBytes(of: c1, toByteOffset: rowBytes, as: W.self)
    out.storeBytes(of: c2, toByteOffset: 2 * rowBytes, as: W.self)
    out.storeBytes(of: c3, toByteOffset: 3 * rowBytes, as: W.self)
    out.storeBytes(of: c4, toByteOffset: 4 * rowBytes, as: W.self)
    out.storeBytes(of: c5, toByteOffset: 5 * rowBytes, as: W.self)
  }
}
