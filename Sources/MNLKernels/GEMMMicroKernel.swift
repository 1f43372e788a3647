import CSupport

/// What happens when a tile's accumulators are written to C: C = acc + beta·C, then, on the
/// last depth block only, `+ bias` and ReLU. Beta 0 never reads C (so NaNs in C vanish, as in BLAS).
struct GEMMTileStore {
  var beta: Float
  /// Points at the bias of the tile's first column, or nil.
  var bias: UnsafePointer<Float>?
  var relu: Bool

  func shifted(columns: Int) -> GEMMTileStore {
    var copy = self
    copy.bias = bias.map { $0 + columns }
    return copy
  }
}

/// The 6×16 register-tiled FMA kernel over one packed A panel and one packed B panel.
enum GEMMMicroKernel {
  /// Full tile: accumulates kc rank-1 updates in 12 SIMD8 registers, then stores into C.
  @inline(__always)
  static func fullTile(
    kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, store: GEMMTileStore
  ) {
    // The C tile is touched only after the k loop; start fetching its 6 rows now.
    for r in 0..<6 {
      mnl_prefetch_write(c + r * ldc)
      mnl_prefetch_write(c + r * ldc + 15)
    }
    var c0l = SIMD8<Float>()
    var c0h = SIMD8<Float>()
    var c1l = SIMD8<Float>()
    var c1h = SIMD8<Float>()
    var c2l = SIMD8<Float>()
    var c2h = SIMD8<Float>()
    var c3l = SIMD8<Float>()
    var c3h = SIMD8<Float>()
    var c4l = SIMD8<Float>()
    var c4h = SIMD8<Float>()
    var c5l = SIMD8<Float>()
    var c5h = SIMD8<Float>()
    var pa = UnsafeRawPointer(a)
    var pb = UnsafeRawPointer(b)
    for _ in 0..<kc {
      let bl = pb.loadUnaligned(as: SIMD8<Float>.self)
      let bh = pb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
      var x = SIMD8<Float>(repeating: pa.load(as: Float.self))
      c0l = c0l.addingProduct(x, bl)
      c0h = c0h.addingProduct(x, bh)
      x = SIMD8<Float>(repeating: pa.load(fromByteOffset: 4, as: Float.self))
      c1l = c1l.addingProduct(x, bl)
      c1h = c1h.addingProduct(x, bh)
      x = SIMD8<Float>(repeating: pa.load(fromByteOffset: 8, as: Float.self))
      c2l = c2l.addingProduct(x, bl)
      c2h = c2h.addingProduct(x, bh)
      x = SIMD8<Float>(repeating: pa.load(fromByteOffset: 12, as: Float.self))
      c3l = c3l.addingProduct(x, bl)
      c3h = c3h.addingProduct(x, bh)
      x = SIMD8<Float>(repeating: pa.load(fromByteOffset: 16, as: Float.self))
      c4l = c4l.addingProduct(x, bl)
      c4h = c4h.addingProduct(x, bh)
      x = SIMD8<Float>(repeating: pa.load(fromByteOffset: 20, as: Float.self))
      c5l = c5l.addingProduct(x, bl)
      c5h = c5h.addingProduct(x, bh)
      pa += 24
      pb += 64
    }
    let biasL: SIMD8<Float>
    let biasH: SIMD8<Float>
    if let bias = store.bias {
      let raw = UnsafeRawPointer(bias)
      biasL = raw.loadUnaligned(as: SIMD8<Float>.self)
      biasH = raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
    } else {
      biasL = SIMD8<Float>()
      biasH = SIMD8<Float>()
    }
    let row = UnsafeMutableRawPointer(c)
    let rowBytes = ldc * MemoryLayout<Float>.stride
    storeRow(c0l, c0h, row, store, biasL, biasH)
    storeRow(c1l, c1h, row + rowBytes, store, biasL, biasH)
    storeRow(c2l, c2h, row + 2 * rowBytes, store, biasL, biasH)
    storeRow(c3l, c3h, row + 3 * rowBytes, store, biasL, biasH)
    storeRow(c4l, c4h, row + 4 * rowBytes, store, biasL, biasH)
    storeRow(c5l, c5h, row + 5 * rowBytes, store, biasL, biasH)
  }

  @inline(__always)
  private static func storeRow(
    _ accL: SIMD8<Float>, _ accH: SIMD8<Float>, _ dst: UnsafeMutableRawPointer,
    _ store: GEMMTileStore, _ biasL: SIMD8<Float>, _ biasH: SIMD8<Float>
  ) {
    var lo = accL
    var hi = accH
    if store.beta == 1 {
      lo += dst.loadUnaligned(as: SIMD8<Float>.self)
      hi += dst.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
    } else if store.beta != 0 {
      let beta = SIMD8<Float>(repeating: store.beta)
      lo = lo.addingProduct(beta, dst.loadUnaligned(as: SIMD8<Float>.self))
      hi = hi.addingProduct(beta, dst.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
    }
    if store.bias != nil {
      lo += biasL
      hi += biasH
    }
    if store.relu {
      lo.replace(with: 0, where: lo .< 0)
      hi.replace(with: 0, where: hi .< 0)
    }
    dst.storeBytes(of: lo, as: SIMD8<Float>.self)
    dst.storeBytes(of: hi, toByteOffset: 32, as: SIMD8<Float>.self)
  }

  /// Edge tile (fewer than 6 rows or 16 columns of C left): runs the full kernel into a
  /// 6×16 scratch tile, then merges only the `rows × columns` that exist.
  @inline(__always)
  static func edgeTile(
    kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int,
    store: GEMMTileStore, scratch: UnsafeMutablePointer<Float>
  ) {
    let nr = GEMMBlocking.nr
    // A thin last panel (n = 500 leaves 4 columns) only needs a 4- or 8-lane kernel.
    if columns <= 4 {
      narrowTile(kc: kc, a: a, b: b, into: scratch, lanes: SIMD4<Float>.self)
    } else if columns <= 8 {
      narrowTile(kc: kc, a: a, b: b, into: scratch, lanes: SIMD8<Float>.self)
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
        if store.beta != 0 { v = v.addingProduct(store.beta, dst[j]) }
        if let bias = store.bias { v += bias[j] }
        if store.relu && v < 0 { v = 0 }
        dst[j] = v
      }
    }
  }

  /// 6 rows × `V.scalarCount` columns of a packed panel into the scratch tile (row stride 16):
  /// the first lanes of the full kernel at a quarter or half of its cost.
  @inline(__always)
  private static func narrowTile<V: SIMD>(
    kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    into scratch: UnsafeMutablePointer<Float>, lanes: V.Type
  ) where V.Scalar == Float {
    var c0 = V()
    var c1 = V()
    var c2 = V()
    var c3 = V()
    var c4 = V()
    var c5 = V()
    var pa = UnsafeRawPointer(a)
    var pb = UnsafeRawPointer(b)
    for _ in 0..<kc {
      let y = pb.loadUnaligned(as: V.self)
      c0 = c0.addingProduct(V(repeating: pa.load(as: Float.self)), y)
      c1 = c1.addingProduct(V(repeating: pa.load(fromByteOffset: 4, as: Float.self)), y)
      c2 = c2.addingProduct(V(repeating: pa.load(fromByteOffset: 8, as: Float.self)), y)
      c3 = c3.addingProduct(V(repeating: pa.load(fromByteOffset: 12, as: Float.self)), y)
      c4 = c4.addingProduct(V(repeating: pa.load(fromByteOffset: 16, as: Float.self)), y)
      c5 = c5.addingProduct(V(repeating: pa.load(fromByteOffset: 20, as: Float.self)), y)
      pa += 24
      pb += 64
    }
    let out = UnsafeMutableRawPointer(scratch)
    let rowBytes = GEMMBlocking.nr * MemoryLayout<Float>.stride
    out.storeBytes(of: c0, as: V.self)
    out.storeBytes(of: c1, toByteOffset: rowBytes, as: V.self)
    out.storeBytes(of: c2, toByteOffset: 2 * rowBytes, as: V.self)
    out.storeBytes(of: c3, toByteOffset: 3 * rowBytes, as: V.self)
    out.storeBytes(of: c4, toByteOffset: 4 * rowBytes, as: V.self)
    out.storeBytes(of: c5, toByteOffset: 5 * rowBytes, as: V.self)
  }
}
