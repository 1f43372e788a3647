/// In-place and fused elementwise kernels used by training loops and autodiff:
/// y += s·x, y *= s, moving averages, select, the ReLU gradient mask, integer casts.
extension ElementwiseKernels {
  /// y[i] += scale · x[i]
  @inlinable
  public static func addScaled(
    _ x: UnsafePointer<Float>, scale: Float, into y: UnsafeMutablePointer<Float>, count: Int
  ) {
    let s = V(repeating: scale)
    var i = 0
    while i + V.lanes <= count {
      T.madd(V.load(y + i), V.load(x + i), s).store(y + i)
      i += V.lanes
    }
    while i < count {
      y[i] = T.madd(y[i], x[i], scale)
      i += 1
    }
  }

  /// y[i] *= scale
  @inlinable
  public static func scale(_ y: UnsafeMutablePointer<Float>, by scale: Float, count: Int) {
    let s = V(repeating: scale)
    var i = 0
    while i + V.lanes <= count {
      (V.load(y + i) * s).store(y + i)
      i += V.lanes
    }
    while i < count {
      y[i] *= scale
      i += 1
    }
  }

  /// y[i] = decay · y[i] + (1 − decay) · x[i]
  @inlinable
  public static func movingAverage(
    _ y: UnsafeMutablePointer<Float>, toward x: UnsafePointer<Float>, decay: Float, count: Int
  ) {
    let rest = 1 - decay
    let d = V(repeating: decay)
    let r = V(repeating: rest)
    var i = 0
    while i + V.lanes <= count {
      T.madd(V.load(x + i) * r, V.load(y + i), d).store(y + i)
      i += V.lanes
    }
    while i < count {
      y[i] = T.madd(x[i] * rest, y[i], decay)
      i += 1
    }
  }

  /// out[i] = cond[i] != 0 ? a[i] : b[i] (NaN counts as true).
  @inlinable
  public static func select(
    _ cond: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ out: UnsafeMutablePointer<Float>, count: Int
  ) {
    let zero = V(repeating: 0)
    var i = 0
    while i + V.lanes <= count {
      V.load(a + i).replacing(with: V.load(b + i), where: V.load(cond + i) .== zero).store(out + i)
      i += V.lanes
    }
    while i < count {
      out[i] = cond[i] != 0 ? a[i] : b[i]
      i += 1
    }
  }

  /// ReLU's backward pass: out[i] = x[i] > 0 ? grad[i] : 0.
  @inlinable
  public static func reluGradient(
    _ grad: UnsafePointer<Float>, input x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    let zero = V(repeating: 0)
    var i = 0
    while i + V.lanes <= count {
      zero.replacing(with: V.load(grad + i), where: V.load(x + i) .> zero).store(out + i)
      i += V.lanes
    }
    while i < count {
      out[i] = x[i] > 0 ? grad[i] : 0
      i += 1
    }
  }

  /// out[i] = trunc(x[i]) clamped to lower…upper; NaN becomes 0 (casts to integer dtypes).
  @inlinable
  public static func truncateClamped(
    _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int, lower: Float,
    upper: Float
  ) {
    let lo = V(repeating: lower)
    let hi = V(repeating: upper)
    var i = 0
    while i + V.lanes <= count {
      let v = V.load(x + i)
      var t = v.rounded(.towardZero).lanewiseMax(lo).lanewiseMin(hi)
      t.replace(with: V(repeating: 0), where: v .!= v)
      t.store(out + i)
      i += V.lanes
    }
    while i < count {
      let v = x[i]
      out[i] = v.isNaN ? 0 : Swift.min(Swift.max(v.rounded(.towardZero), lower), upper)
      i += 1
    }
  }
}
