/// Strided copies: the one kernel behind transposes, broadcasts, slicing and slice assignment.
extension Elementwise {
  /// Copies an n-d region: element `index` of `shape` is read at Σ index·srcStrides[axis]
  /// from `src` and written at Σ index·dstStrides[axis] into `dst`. Strides are in elements
  /// and may be 0 (broadcast) or negative (reversed slices). Inner runs with unit strides use
  /// memcpy-like copies.
  public static func copyStrided(
    _ src: UnsafePointer<Float>, srcStrides: [Int], _ dst: UnsafeMutablePointer<Float>,
    dstStrides: [Int], shape: [Int]
  ) {
    guard srcStrides.count == shape.count, dstStrides.count == shape.count,
      shape.allSatisfy({ $0 >= 0 })
    else { return }
    guard let inner = shape.last else {
      dst[0] = src[0]
      return
    }
    let rank = shape.count
    let outer = shape.dropLast().reduce(1, *)
    guard inner > 0, outer > 0 else { return }
    let s = srcStrides[rank - 1]
    let d = dstStrides[rank - 1]
    var index = [Int](repeating: 0, count: max(rank - 1, 1))
    var srcOffset = 0
    var dstOffset = 0
    for _ in 0..<outer {
      let from = src + srcOffset
      let to = dst + dstOffset
      if s == 1 && d == 1 {
        to.update(from: from, count: inner)
      } else if s == 0 && d == 1 {
        to.update(repeating: from[0], count: inner)
      } else {
        for i in 0..<inner { to[i * d] = from[i * s] }
      }
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        srcOffset += srcStrides[axis]
        dstOffset += dstStrides[axis]
        if index[axis] < shape[axis] { break }
        srcOffset -= srcStrides[axis] * shape[axis]
        dstOffset -= dstStrides[axis] * shape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }

  /// out = xᵀ for a rows×columns row-major matrix, in cache-sized tiles.
  public static func transpose2D(
    _ x: UnsafePointer<Float>, rows: Int, columns: Int, _ out: UnsafeMutablePointer<Float>
  ) {
    guard rows > 0, columns > 0 else { return }
    let tile = 32
    var r0 = 0
    while r0 < rows {
      let r1 = Swift.min(rows, r0 + tile)
      var c0 = 0
      while c0 < columns {
        let c1 = Swift.min(columns, c0 + tile)
        for r in r0..<r1 {
          for c in c0..<c1 { out[c * rows + r] = x[r * columns + c] }
        }
        c0 = c1
      }
      r0 = r1
    }
  }
}
