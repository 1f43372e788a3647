/// Running sums and products along an axis (NumPy's cumsum/cumprod).

public enum ScanOp: String, Sendable {
  case cumsum, cumprod
}

/// The running sum or product of `x` along `axis` (nil: the flattened tensor, as NumPy's
/// `axis=None`); `reverse` runs from the end of each lane (the adjoint of cumsum). float32
/// stays float32 and accumulates in float32 in order, as NumPy does; integers and bools give
/// int64, exactly: a running value that leaves int64 is an error.
public func scan(_ op: ScanOp, _ x: Tensor, axis: Int?, reverse: Bool = false) throws -> Tensor {
  // NumPy treats a 0-d input as 1-D here (np.cumsum(5, axis=0) is [5]).
  let vector = x.rank == 0 ? x.reshaped(unchecked: [1]) : x
  let (x, a) = try vector.alongAxis(axis, op: op.rawValue)
  let lanes = AxisLanes(shape: x.shape, axis: a)
  func positions(_ lane: Int) -> StrideTo<Int> {
    let start = lanes.start(lane)
    let step = lanes.inner
    return reverse
      ? stride(from: start + (lanes.length - 1) * step, to: start - step, by: -step)
      : stride(from: start, to: start + lanes.length * step, by: step)
  }
  if x.dtype == .float32 {
    var result = x
    result.withUnsafeMutableBufferPointer { v in
      for l in 0..<lanes.count {
        var running: Float = op == .cumsum ? 0 : 1
        for p in positions(l) {
          running = op == .cumsum ? running + v[p] : running * v[p]
          v[p] = running
        }
      }
    }
    return result
  }
  var v = x.integerValues
  for l in 0..<lanes.count {
    var running: Int64 = op == .cumsum ? 0 : 1
    for p in positions(l) {
      let (next, overflow) =
        op == .cumsum ? running.addingReportingOverflow(v[p]) : running.multipliedReportingOverflow(by: v[p])
      guard !overflow else {
        let symbol = op == .cumsum ? "+" : "*"
        throw TensorError(
          "integer overflow in \(op.rawValue): \(running) \(symbol) \(v[p]) does not fit int64; cast to float32 first")
      }
      running = next
      v[p] = running
    }
  }
  return Tensor(shape: x.shape, integers: v, dtype: .int64)
}

/// The gradient of `scan(.cumprod, x, axis:)` for output gradient `g`, exact when x has zeros:
/// along each lane, with z the first zero, position j < z gets Σ_{i≥j} g_i·y_i / x_j (the
/// terms past z are zero), z gets Σ_{i≥z} g_i·Π_{k≤i, k≠z} x_k, and positions past z get 0.
/// Accumulates in Double.
public func cumprodGradient(_ x: Tensor, _ g: Tensor, axis: Int?) throws -> Tensor {
  let vector = x.rank == 0 ? x.reshaped(unchecked: [1]) : x
  let (x, a) = try vector.alongAxis(axis, op: "cumprod")
  guard g.count == x.count else {
    throw TensorError.shapeMismatch("cumprod gradient", g.shape, x.shape, infix: "for")
  }
  let lanes = AxisLanes(shape: x.shape, axis: a)
  let (xv, gv) = (x.doubleValues, g.doubleValues)
  var result = [Float](repeating: 0, count: x.count)
  for l in 0..<lanes.count {
    let start = lanes.start(l)
    let position = { (i: Int) in start + i * lanes.inner }
    let n = lanes.length
    let z = (0..<n).first { xv[position($0)] == 0 } ?? n
    var running: Double = 1  // y_{i}, the prefix product up to i
    var prefix = [Double](repeating: 1, count: z)
    for i in 0..<z {
      running *= xv[position(i)]
      prefix[i] = running
    }
    var tail: Double = 0  // Σ_{i≥j, i<z} g_i·y_i
    for j in stride(from: z - 1, through: 0, by: -1) {
      tail += gv[position(j)] * prefix[j]
      result[position(j)] = Float(tail / xv[position(j)])
    }
    if z < n {
      var product = z > 0 ? prefix[z - 1] : 1
      var total: Double = 0
      for i in z..<n {
        if i > z { product *= xv[position(i)] }
        total += gv[position(i)] * product
      }
      result[position(z)] = Float(total)
    }
  }
  return try Tensor(shape: x.shape, values: result)
}
