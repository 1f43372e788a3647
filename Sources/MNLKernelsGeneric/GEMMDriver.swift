import MNLInterrupt

/// The single-threaded, cache-blocked loop nest over one slab of C (Goto/BLIS order):
/// NC columns of B → KC depth (pack B) → MC rows of A (pack A) → NR-column panels → 6-row tiles.
public enum GEMMDriver<T: KernelTarget> {
  /// Computes `op` (k ≥ 1, m, n ≥ 1) with the packing buffers of `workspace`.
  /// Stops between macro blocks when `Interrupt.isRequested`, leaving C partly updated.
  /// With `op.roundsToBF16`, every path rounds A and B to bfloat16 as it reads them (the
  /// portable bf16 path: the exact product of the rounded inputs, summed in fp32).
  @inlinable
  public static func run(_ op: GEMMOperands, workspace: GEMMWorkspace) {
    if op.roundsToBF16 {
      run(op, workspace: workspace, rounding: RoundingToBFloat16.self)
    } else {
      run(op, workspace: workspace, rounding: NoRounding.self)
    }
  }

  @inlinable
  static func run<R: OperandRounding>(
    _ op: GEMMOperands, workspace: GEMMWorkspace, rounding: R.Type
  ) {
    if op.sparse {
      GEMMSparse<T>.run(op, workspace: workspace, rounding: rounding)
      return
    }
    if op.narrow {
      GEMMNarrow<T>.run(op, workspace: workspace, rounding: rounding)
      return
    }
    let mr = GEMMBlocking.mr
    let nr = GEMMBlocking.nr(T.self)
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
        GEMMPacking<T>.packB(op, depth: depth, columns: columns, into: packedB, rounding: rounding)
        var ic = 0
        while ic < op.m {
          if Interrupt.isRequested { return }
          let rows = ic..<min(ic + mcStep, op.m)
          GEMMPacking<T>.packA(op, rows: rows, depth: depth, into: packedA, rounding: rounding)
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
  @inlinable @inline(__always)
  static func macroKernel(
    _ op: GEMMOperands, rows: Range<Int>, columns: Range<Int>, kc: Int,
    packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
    store: GEMMTileStore, scratch: UnsafeMutablePointer<Float>
  ) {
    let mr = GEMMBlocking.mr
    let nr = GEMMBlocking.nr(T.self)
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
          GEMMMicroKernel<T>.fullTile(
            kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: op.ldc, store: tileStore)
        } else {
          GEMMMicroKernel<T>.edgeTile(
            kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: op.ldc, rows: height, columns: width,
            store: tileStore, scratch: scratch)
        }
        ir += mr
      }
      jr += nr
    }
  }
}
