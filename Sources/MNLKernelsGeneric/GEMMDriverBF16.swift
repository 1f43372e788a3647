import MNLInterrupt

/// A bfloat16 dot-product micro-kernel in C (CBF16Kernels): C[12×32] = alpha·(A·B) + beta·C,
/// + bias, ReLU, over `kpairs` pair words of packed A and B (GEMMPackingBF16).
/// (kpairs, a, b, c, ldc, alpha, beta, bias, relu)
public typealias BF16TileKernel = @convention(c) (
  Int, UnsafePointer<UInt32>?, UnsafePointer<UInt32>?, UnsafeMutablePointer<Float>?, Int,
  Float, Float, UnsafePointer<Float>?, Int32
) -> Void

/// The blocked loop nest of GEMMDriver for the bf16 pair kernels: the same Goto/BLIS order and
/// block sizes (KC counted in floats, kept even so only the last depth block can have a lone
/// k), 12 × 32 micro-tiles, edge tiles through the scratch tile. Narrow and sparse products
/// are not handled here (the dispatcher sends them to the portable bf16 path).
public enum GEMMDriverBF16<T: KernelTarget> {
  public typealias Packing = GEMMPackingBF16<T>

  @inlinable
  public static func run(_ op: GEMMOperands, workspace: GEMMWorkspace, tile: BF16TileKernel) {
    let mr = Packing.mr
    let nr = Packing.nr
    let kcStep = GEMMBlocking.balancedBlock(total: op.k, limit: GEMMBlocking.kc, granule: 2)
    let mcStep = GEMMBlocking.balancedBlock(total: op.m, limit: GEMMBlocking.mc, granule: mr)
    let ncStep = GEMMBlocking.balancedBlock(total: op.n, limit: GEMMBlocking.nc, granule: nr)
    let maxPairs = (kcStep + 1) / 2
    // One pair word per float slot of the workspace buffers (both are 4 bytes).
    workspace.reserve(
      a: GEMMBlocking.roundUp(min(mcStep, op.m), to: mr) * maxPairs,
      b: GEMMBlocking.roundUp(min(ncStep, op.n), to: nr) * maxPairs)
    let packedA = UnsafeMutableRawPointer(workspace.packedA).bindMemory(
      to: UInt32.self, capacity: GEMMBlocking.roundUp(min(mcStep, op.m), to: mr) * maxPairs)
    let packedB = UnsafeMutableRawPointer(workspace.packedB).bindMemory(
      to: UInt32.self, capacity: GEMMBlocking.roundUp(min(ncStep, op.n), to: nr) * maxPairs)
    defer {
      // The buffers are float buffers for every other path.
      _ = UnsafeMutableRawPointer(packedA).bindMemory(to: Float.self, capacity: 1)
      _ = UnsafeMutableRawPointer(packedB).bindMemory(to: Float.self, capacity: 1)
    }

    var jc = 0
    while jc < op.n {
      let columns = jc..<min(jc + ncStep, op.n)
      var pc = 0
      while pc < op.k {
        let depth = pc..<min(pc + kcStep, op.k)
        let isLastDepth = depth.upperBound == op.k
        let store = GEMMTileStore(
          beta: pc == 0 ? op.beta : 1,
          bias: isLastDepth ? op.bias.map { $0 + columns.lowerBound } : nil,
          relu: isLastDepth && op.relu)
        Packing.packB(op, depth: depth, columns: columns, into: packedB)
        var ic = 0
        while ic < op.m {
          if Interrupt.isRequested { return }
          let rows = ic..<min(ic + mcStep, op.m)
          Packing.packA(op, rows: rows, depth: depth, into: packedA)
          macroKernel(
            op, rows: rows, columns: columns, pairs: (depth.count + 1) / 2, packedA: packedA,
            packedB: packedB, store: store, scratch: workspace.scratch, tile: tile)
          ic = rows.upperBound
        }
        pc = depth.upperBound
      }
      jc = columns.upperBound
    }
  }

  @inlinable @inline(__always)
  static func macroKernel(
    _ op: GEMMOperands, rows: Range<Int>, columns: Range<Int>, pairs: Int,
    packedA: UnsafePointer<UInt32>, packedB: UnsafePointer<UInt32>, store: GEMMTileStore,
    scratch: UnsafeMutablePointer<Float>, tile: BF16TileKernel
  ) {
    let mr = Packing.mr
    let nr = Packing.nr
    var jr = 0
    while jr < columns.count {
      let width = min(nr, columns.count - jr)
      let bPanel = packedB + jr * pairs
      let tileStore = store.shifted(columns: jr)
      var ir = 0
      while ir < rows.count {
        let height = min(mr, rows.count - ir)
        let aPanel = packedA + ir * pairs
        let cTile = op.c + (rows.lowerBound + ir) * op.ldc + columns.lowerBound + jr
        if height == mr && width == nr {
          tile(
            pairs, aPanel, bPanel, cTile, op.ldc, op.alpha, tileStore.beta, tileStore.bias,
            tileStore.relu ? 1 : 0)
        } else {
          tile(pairs, aPanel, bPanel, scratch, nr, 1, 0, nil, 0)
          merge(
            scratch, into: cTile, ldc: op.ldc, rows: height, columns: width, alpha: op.alpha,
            store: tileStore)
        }
        ir += mr
      }
      jr += nr
    }
  }

  /// The existing part of an edge tile: the C kernel's epilogue, element by element.
  @inlinable @inline(__always)
  static func merge(
    _ scratch: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int,
    columns: Int, alpha: Float, store: GEMMTileStore
  ) {
    for r in 0..<rows {
      let src = scratch + r * Packing.nr
      let dst = c + r * ldc
      for j in 0..<columns {
        var v = alpha * src[j]
        if store.beta == 1 {
          v += dst[j]
        } else if store.beta != 0 {
          v = v.addingProduct(store.beta, dst[j])
        }
        if let bias = store.bias { v += bias[j] }
        if store.relu && v < 0 { v = 0 }
        dst[j] = v
      }
    }
  }
}
