/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded panel layouts the
/// micro-kernel streams through. Reading through strides here is what makes Aᵀ·B and A·Bᵀ
/// cost no transpose copy: only the index arithmetic of the source differs.
public enum GEMMPacking<T: KernelTarget> {
  public typealias V = T.Vector

  /// Packs op(A)[rows, depth] (rows.count ≤ MC, depth.count = kc) scaled by alpha into
  /// panels of MR rows: panel q holds, for each p, the MR values op(A)[q·MR + r, p].
  /// Rows past the end of the last panel are zero so the kernel can always run a full tile.
  /// `R` rounds each element as it is copied (bf16 precision) or leaves it alone.
  @inlinable @inline(__always)
  public static func packA<R: OperandRounding>(
    _ op: GEMMOperands, rows: Range<Int>, depth: Range<Int>, into dst: UnsafeMutablePointer<Float>,
    rounding _: R.Type = NoRounding.self
  ) {
    let mr = GEMMBlocking.mr
    let kc = depth.count
    let alpha = op.alpha
    var panel = dst
    var i0 = rows.lowerBound
    while i0 < rows.upperBound {
      let height = min(mr, rows.upperBound - i0)
      if op.transA {
        // op(A)[i, p] = a[p·lda + i]: the MR values of one p are contiguous.
        var src = op.a + depth.lowerBound * op.lda + i0
        for p in 0..<kc {
          let out = panel + p * mr
          for r in 0..<height { out[r] = alpha * R.round(src[r]) }
          for r in height..<mr { out[r] = 0 }
          src += op.lda
        }
      } else {
        // op(A)[i, p] = a[i·lda + p]: walk MR rows side by side.
        for r in 0..<height {
          let src = op.a + (i0 + r) * op.lda + depth.lowerBound
          for p in 0..<kc { panel[p * mr + r] = alpha * R.round(src[p]) }
        }
        for r in height..<mr {
          for p in 0..<kc { panel[p * mr + r] = 0 }
        }
      }
      panel += mr * kc
      i0 += mr
    }
  }

  /// Packs op(B)[depth, columns] (columns.count ≤ NC) into panels of NR columns: panel q
  /// holds, for each p, the NR values op(B)[p, q·NR + c]. Missing columns are zero.
  @inlinable @inline(__always)
  public static func packB<R: OperandRounding>(
    _ op: GEMMOperands, depth: Range<Int>, columns: Range<Int>,
    into dst: UnsafeMutablePointer<Float>, rounding _: R.Type = NoRounding.self
  ) {
    let nr = 2 * V.lanes
    let kc = depth.count
    var panel = dst
    var j0 = columns.lowerBound
    while j0 < columns.upperBound {
      let width = min(nr, columns.upperBound - j0)
      if op.transB {
        // op(B)[p, j] = b[j·ldb + p]: each column is a contiguous run of b.
        for col in 0..<width {
          let src = op.b + (j0 + col) * op.ldb + depth.lowerBound
          for p in 0..<kc { panel[p * nr + col] = R.round(src[p]) }
        }
        for col in width..<nr {
          for p in 0..<kc { panel[p * nr + col] = 0 }
        }
      } else if width == nr {
        // op(B)[p, j] = b[p·ldb + j]: one row of the panel is NR contiguous floats.
        var src = op.b + depth.lowerBound * op.ldb + j0
        for p in 0..<kc {
          let out = panel + p * nr
          R.round(V.load(src)).store(out)
          R.round(V.load(src + V.lanes)).store(out + V.lanes)
          src += op.ldb
        }
      } else {
        var src = op.b + depth.lowerBound * op.ldb + j0
        for p in 0..<kc {
          let out = panel + p * nr
          for col in 0..<width { out[col] = R.round(src[col]) }
          for col in width..<nr { out[col] = 0 }
          src += op.ldb
        }
      }
      panel += nr * kc
      j0 += nr
    }
  }
}
