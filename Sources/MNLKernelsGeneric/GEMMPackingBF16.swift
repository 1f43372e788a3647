/// Packing for the bfloat16 dot-product micro-kernels (AVX512_BF16 `vdpbf16ps`): like
/// GEMMPacking, but every element is rounded to bfloat16 (BFloat16Rounding) and two
/// consecutive k share one 32-bit word — the even k in the low half, the odd k in the high
/// half (the "VNNI" pair layout). A depth of odd length gets a zero partner for its last k.
public enum GEMMPackingBF16<T: KernelTarget> {
  public typealias V = T.Vector
  public typealias Word = UInt32

  /// Micro-tile rows and columns of the bf16 kernels (12 × 32: 24 zmm accumulators).
  public static var mr: Int { 12 }
  public static var nr: Int { 32 }

  /// Two rounded values as one pair word.
  @inlinable @inline(__always)
  static func pair(_ even: Float, _ odd: Float) -> Word {
    Word(BFloat16.bits(even)) | Word(BFloat16.bits(odd)) << 16
  }

  /// Lane-wise `pair` of two vectors (the pair word in the lane's bits).
  @inlinable @inline(__always)
  static func pairWords<W: KernelVector>(_ even: W, _ odd: W) -> W.Bits {
    let e = unsafeBitCast(BFloat16.rounded(even), to: W.Bits.self)
    let o = unsafeBitCast(BFloat16.rounded(odd), to: W.Bits.self)
    return (o & W.Bits(repeating: -65536)) | ((e &>> 16) & W.Bits(repeating: 0xFFFF))
  }

  /// op(A)[rows, depth] into panels of MR rows: panel word (q·MR + r) pairs op(A)[i0 + r, 2q]
  /// and op(A)[i0 + r, 2q + 1]. Alpha is not folded in (it would leave bfloat16): the kernel
  /// applies it to the sums. Missing rows are zero.
  @inlinable
  public static func packA(
    _ op: GEMMOperands, rows: Range<Int>, depth: Range<Int>, into dst: UnsafeMutablePointer<Word>
  ) {
    let kc = depth.count
    let pairs = (kc + 1) / 2
    var panel = dst
    var i0 = rows.lowerBound
    while i0 < rows.upperBound {
      let height = min(mr, rows.upperBound - i0)
      if op.transA {
        // op(A)[i, p] = a[p·lda + i]: the MR values of one p are contiguous.
        let src = op.a + depth.lowerBound * op.lda + i0
        for q in 0..<pairs {
          let rowEven = src + 2 * q * op.lda
          let out = panel + q * mr
          if 2 * q + 1 < kc && height == mr {
            // MR = 12 words: three 4-lane vectors of pairs.
            let rowOdd = rowEven + op.lda
            let words = UnsafeMutableRawPointer(out)
            for g in 0..<3 {
              let w = pairWords(SIMD4<Float>.load(rowEven + 4 * g), SIMD4<Float>.load(rowOdd + 4 * g))
              words.storeBytes(of: w, toByteOffset: 16 * g, as: SIMD4<Int32>.self)
            }
          } else if 2 * q + 1 < kc {
            let rowOdd = rowEven + op.lda
            for r in 0..<height { out[r] = pair(rowEven[r], rowOdd[r]) }
          } else {
            for r in 0..<height { out[r] = pair(rowEven[r], 0) }
          }
          for r in height..<mr { out[r] = 0 }
        }
      } else {
        // op(A)[i, p] = a[i·lda + p]: a row's pairs are adjacent floats. Each row is rounded a
        // vector at a time into `row`; a pair word is then the high halves of two floats.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * pairs) { buffer in
          let row = buffer.baseAddress!
          row[2 * pairs - 1] = 0  // the lone last k's zero partner
          for r in 0..<height {
            let src = op.a + (i0 + r) * op.lda + depth.lowerBound
            var p = 0
            while p + V.lanes <= kc {
              BFloat16.rounded(V.load(src + p)).store(row + p)
              p += V.lanes
            }
            while p < kc {
              row[p] = BFloat16.rounded(src[p])
              p += 1
            }
            let floats = UnsafeRawPointer(row)
            for q in 0..<pairs {
              // Little-endian: the even k's float in the low 32 bits, the odd k's above.
              let two = floats.loadUnaligned(fromByteOffset: 8 * q, as: UInt64.self)
              panel[q * mr + r] =
                UInt32(truncatingIfNeeded: (two >> 16) & 0xFFFF)
                | UInt32(truncatingIfNeeded: (two >> 32) & 0xFFFF_0000)
            }
          }
        }
        for r in height..<mr {
          for q in 0..<pairs { panel[q * mr + r] = 0 }
        }
      }
      panel += mr * pairs
      i0 += mr
    }
  }

  /// op(B)[depth, columns] into panels of NR columns: panel word (q·NR + c) pairs
  /// op(B)[2q, j0 + c] and op(B)[2q + 1, j0 + c]. Missing columns are zero.
  @inlinable
  public static func packB(
    _ op: GEMMOperands, depth: Range<Int>, columns: Range<Int>, into dst: UnsafeMutablePointer<Word>
  ) {
    let kc = depth.count
    let pairs = (kc + 1) / 2
    var panel = dst
    var j0 = columns.lowerBound
    while j0 < columns.upperBound {
      let width = min(nr, columns.upperBound - j0)
      if op.transB {
        // op(B)[p, j] = b[j·ldb + p]: a column's pairs are adjacent floats.
        for col in 0..<width {
          let src = op.b + (j0 + col) * op.ldb + depth.lowerBound
          for q in 0..<pairs {
            panel[q * nr + col] = pair(src[2 * q], 2 * q + 1 < kc ? src[2 * q + 1] : 0)
          }
        }
        for col in width..<nr {
          for q in 0..<pairs { panel[q * nr + col] = 0 }
        }
      } else {
        // op(B)[p, j] = b[p·ldb + j]: rows 2q and 2q + 1 side by side, a vector at a time.
        let base = op.b + depth.lowerBound * op.ldb + j0
        let vectorWidth = width - width % V.lanes
        for q in 0..<pairs {
          let rowEven = base + 2 * q * op.ldb
          let hasOdd = 2 * q + 1 < kc
          let rowOdd = hasOdd ? rowEven + op.ldb : rowEven
          let out = UnsafeMutableRawPointer(panel + q * nr)
          var col = 0
          while col < vectorWidth {
            let odd = hasOdd ? V.load(rowOdd + col) : V()
            out.storeBytes(
              of: pairWords(V.load(rowEven + col), odd), toByteOffset: col * 4, as: V.Bits.self)
            col += V.lanes
          }
          let words = panel + q * nr
          while col < width {
            words[col] = pair(rowEven[col], hasOdd ? rowOdd[col] : 0)
            col += 1
          }
          while col < nr {
            words[col] = 0
            col += 1
          }
        }
      }
      panel += nr * pairs
      j0 += nr
    }
  }
}
