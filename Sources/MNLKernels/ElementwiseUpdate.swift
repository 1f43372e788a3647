/// In-place and fused elementwise kernels used by training loops and autodiff:
/// y += s·x, y *= s, moving averages, select, the ReLU gradient mask, integer casts.
extension Elementwise {
  /// y[i] += scale · x[i]
  public static func addScaled(
    _ x: UnsafePointer<Float>, scale: Float, into y: UnsafeMutablePointer<Float>, count: Int
  ) {
    let ptrs = SendablePointers(a: x, b: x, out: y)
    splitInTwo(count) { start, end in
      let x = ptrs.a
      let y = ptrs.out
      let s = Vec8(repeating: scale)
      var i = start
      while i + 8 <= end {
        store8(load8(y + i).addingProduct(load8(x + i), s), y + i)
        i += 8
      }
      while i < end {
        y[i] = y[i].addingProduct(x[i], scale)
        i += 1
      }
    }
  }

  /// y[i] *= scale
  public static func scale(_ y: UnsafeMutablePointer<Float>, by scale: Float, count: Int) {
    let ptrs = SendablePointers(a: y, b: y, out: y)
    splitInTwo(count) { start, end in
      let y = ptrs.out
      let s = Vec8(repeating: scale)
      var i = start
      while i + 8 <= end {
        store8(load8(y + i) * s, y + i)
        i += 8
      }
      while i < end {
        y[i] *= scale
        i += 1
      }
    }
  }

  /// y[i] = decay · y[i] + (1 − decay) · x[i]
  public static func movingAverage(
    _ y: UnsafeMutablePointer<Float>, toward x: UnsafePointer<Float>, decay: Float, count: Int
  ) {
    let ptrs = SendablePointers(a: x, b: x, out: y)
    let rest = 1 - decay
    splitInTwo(count) { start, end in
      let x = ptrs.a
      let y = ptrs.out
      let d = Vec8(repeating: decay)
      let r = Vec8(repeating: rest)
      var i = start
      while i + 8 <= end {
        store8((load8(x + i) * r).addingProduct(load8(y + i), d), y + i)
        i += 8
      }
      while i < end {
        y[i] = (x[i] * rest).addingProduct(y[i], decay)
        i += 1
      }
    }
  }

  /// out[i] = cond[i] != 0 ? a[i] : b[i] (all contiguous, same length; NaN counts as true).
  public static func select(
    _ cond: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ out: UnsafeMutablePointer<Float>, count: Int
  ) {
    let zero = Vec8(repeating: 0)
    var i = 0
    while i + 8 <= count {
      store8(load8(a + i).replacing(with: load8(b + i), where: load8(cond + i) .== zero), out + i)
      i += 8
    }
    while i < count {
      out[i] = cond[i] != 0 ? a[i] : b[i]
      i += 1
    }
  }

  /// ReLU's backward pass: out[i] = x[i] > 0 ? grad[i] : 0.
  public static func reluGradient(
    _ grad: UnsafePointer<Float>, input x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    let ptrs = SendablePointers(a: grad, b: x, out: out)
    splitInTwo(count) { start, end in
      let zero = Vec8(repeating: 0)
      var i = start
      while i + 8 <= end {
        store8(zero.replacing(with: load8(ptrs.a + i), where: load8(ptrs.b + i) .> zero), ptrs.out + i)
        i += 8
      }
      while i < end {
        ptrs.out[i] = ptrs.b[i] > 0 ? ptrs.a[i] : 0
        i += 1
      }
    }
  }

  /// out[i] = trunc(x[i]) clamped to lower…upper; NaN becomes 0 (casts to integer dtypes).
  public static func truncateClamped(
    _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int, lower: Float,
    upper: Float
  ) {
    let lo = Vec8(repeating: lower)
    let hi = Vec8(repeating: upper)
    var i = 0
    while i + 8 <= count {
      let v = load8(x + i)
      var t = vmin(vmax(v.rounded(.towardZero), lo), hi)
      t.replace(with: Vec8(repeating: 0), where: v .!= v)
      store8(t, out + i)
      i += 8
    }
    while i < count {
      let v = x[i]
      out[i] = v.isNaN ? 0 : Swift.min(Swift.max(v.rounded(.towardZero), lower), upper)
      i += 1
    }
  }
}
