/// The single-threaded, cache-blocked loop nest over one slab of C (Goto/BLIS order):
/// NC columns of B → KC depth (pack B) → MC rows of A (pack A) → 16-column panels → 6-row tiles.
enum GEMMDriver {
  /// Computes `op` (k ≥ 1, m, n ≥ 1) with the packing buffers of `workspace`.
  /// Stops between macro blocks when `Interrupt.isRequested`, leaving C partly updated.
  static func run(_ op: GEMMOperands, workspace: GEMMWorkspace) {
    if op.narrow {
      GEMMNarrow.run(op, workspace: workspace)
      return
    }
    let mr = GEMMBlocking.mr
    let nr = GEMMBlocking.nr
    let kcStep = GEMMBlocking.balancedBlock(total: op.k, limit: GEMMBlocking.kc, granule: 1)
    let mcStep = GEMMBlocking.balancedBlock(total: op.m, limit: GEMMBlocking.mc, granule: mr)
    let ncStep = GEMMBlocking.balancedBlock(total: op.n, limit: GEMMBlocking.nc, granule: nr)
    workspace.reserve(
      a: GEMMBlocking.roundUp(min(mcStep, op.m), to: mr) * kcStep,
      b: GEMMBlocking.roundUp(min(ncStep, op.n), to: nr) * kcStep)
    let packedA = workspace.packedA
    let packedB = workspace.packedB

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
        GEMMPacking.packB(op, depth: depth, columns: columns, into: packedB)
        var ic = 0
        while ic < op.m {
          if Interrupt.isRequested { return }
          let rows = ic..<min(ic + mcStep, op.m)
          GEMMPacking.packA(op, rows: rows, depth: depth, into: packedA)
          macroKernel(
            op, rows: rows, columns: columns, kc: depth.count,
            packedA: packedA, packedB: packedB, store: store, scratch: workspace.scratch)
          ic = rows.upperBound
        }
        pc = depth.upperBound
      }
      jc = columns.upperBound
    }
  }

  /// Multiplies one packed A block by one packed B block into C[rows, columns].
  @inline(__always)
  private static func macroKernel(
    _ op: GEMMOperands, rows: Range<Int>, columns: Range<Int>, kc: Int,
    packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
    store: GEMMTileStore, scratch: UnsafeMutablePointer<Float>
  ) {
    let mr = GEMMBlocking.mr
    let nr = GEMMBlocking.nr
    var jr = 0
    while jr < columns.count {
      let width = min(nr, columns.count - jr)
      let bPanel = packedB + jr * kc
      let tileStore = store.shifted(columns: jr)
      var ir = 0
      while ir < rows.count {
        let height = min(mr, rows.count - ir)
        let aPanel = packedA + ir * kc
        let cTile = op.c + (rows.lowerBound + ir) * op.ldc + columns.lowerBound + jr
        if height == mr && width == nr {
          GEMMMicroKernel.fullTile(
            kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: op.ldc, store: tileStore)
        } else {
          GEMMMicroKernel.edgeTile(
            kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: op.ldc, rows: height, columns: width,
            store: tileStore, scratch: scratch)
        }
        ir += mr
      }
      jr += nr
    }
  }

  /// The k = 0 or alpha = 0 case: no product, only C = beta·C, bias and ReLU.
  static func epilogueOnly(_ op: GEMMOperands) {
    for i in 0..<op.m {
      let row = op.c + i * op.ldc
      for j in 0..<op.n {
        var v: Float = op.beta == 0 ? 0 : op.beta * row[j]
        if let bias = op.bias { v += bias[j] }
        if op.relu && v < 0 { v = 0 }
        row[j] = v
      }
    }
  }
}
