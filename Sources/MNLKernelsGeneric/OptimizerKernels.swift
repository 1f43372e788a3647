/// One optimiser step for one parameter tensor, fused: the parameter, its gradient and the
/// optimiser's state are each read once and written once (no temporaries), as in
/// torch.optim's `foreach`/fused implementations.
public struct OptimizerStep: Sendable {
  public enum Kind: Sendable {
    /// Gradient descent with L2 weight decay (torch.optim.SGD without momentum):
    /// p −= lr·(g + wd·p); when averaged, then a = d·a + (1−d)·p with d = beta1, the new p and
    /// the state a: TensorFlow's ExponentialMovingAverage of the weights in the same pass (the
    /// reference program's three passes over each weight — L2 gradient, update, average — in
    /// one).
    case sgd(averaged: Bool)
    /// torch.optim.SGD with momentum (dampening 0): b = μ·b + g; p −= lr·(nesterov ? g + μ·b : b).
    case momentum(nesterov: Bool)
    /// torch.optim.Adam (L2 weight decay added to g) or AdamW (decoupled: p *= 1 − lr·wd).
    /// m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= lr/c1 · m / (√v / √c2 + ε),
    /// with the bias corrections c1 = 1 − β1^t, c2 = 1 − β2^t.
    case adam(decoupled: Bool)
    /// torch.optim.RMSprop: v = α·v + (1−α)·g²; with momentum μ > 0, b = μ·b + g/(√v + ε) and
    /// p −= lr·b, else p −= lr·g/(√v + ε).
    case rmsprop
  }

  public var kind: Kind
  public var learningRate: Float
  public var weightDecay: Float
  /// sgd: the moving average's decay. momentum: μ. adam: β1. rmsprop: μ (0 = no momentum
  /// buffer).
  public var beta1: Float
  /// adam: β2. rmsprop: α.
  public var beta2: Float
  public var epsilon: Float
  /// adam: 1 − β1^t and 1 − β2^t (t = the step number, from 1).
  public var correction1: Float
  public var correction2: Float

  public init(
    kind: Kind, learningRate: Float, weightDecay: Float = 0, beta1: Float = 0, beta2: Float = 0,
    epsilon: Float = 0, correction1: Float = 1, correction2: Float = 1
  ) {
    self.kind = kind
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.correction1 = correction1
    self.correction2 = correction2
  }
}

public enum OptimizerKernels<T: KernelTarget> {
  public typealias V = T.Vector

  /// Applies `step` to p[0..<count] with gradient g and state s1 (moving average/momentum/
  /// first moment/square average) and s2 (second moment, or the RMSProp momentum buffer).
  /// A state the kind needs but that is nil leaves p unchanged (callers check first).
  ///
  /// A weight decay of 0 adds nothing to g (as torch.optim does), rather than 0·p: an infinite
  /// parameter would otherwise turn into NaN.
  @inlinable
  public static func apply(
    _ step: OptimizerStep, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
    _ s1: UnsafeMutablePointer<Float>?, _ s2: UnsafeMutablePointer<Float>?, count: Int
  ) {
    switch step.kind {
    case .sgd(let averaged):
      guard !averaged || s1 != nil else { return }
      sgd(step, p, g, averaged ? s1 : nil, count)
    case .momentum(let nesterov):
      guard let s1 else { return }
      momentum(step, nesterov: nesterov, p, g, s1, count)
    case .adam(let decoupled):
      guard let s1, let s2 else { return }
      adam(step, decoupled: decoupled, p, g, s1, s2, count)
    case .rmsprop:
      guard let s1 else { return }
      rmsprop(step, p, g, s1, step.beta1 > 0 ? s2 : nil, count)
    }
  }

  /// The same roundings as addScaled (the L2 term into g, then g into p) followed by
  /// movingAverage, so the fused pass gives the separate passes' numbers bit for bit.
  @inlinable
  static func sgd(
    _ step: OptimizerStep, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
    _ a: UnsafeMutablePointer<Float>?, _ count: Int
  ) {
    let (lr, wd, decay) = (step.learningRate, step.weightDecay, step.beta1)
    let rest = 1 - decay
    let (vlr, vwd) = (V(repeating: -lr), V(repeating: wd))
    let (vd, vr) = (V(repeating: decay), V(repeating: rest))
    var i = 0
    while i + V.lanes <= count {
      let pv = V.load(p + i)
      var gv = V.load(g + i)
      if wd != 0 { gv = T.madd(gv, pv, vwd) }
      let updated = T.madd(pv, gv, vlr)
      updated.store(p + i)
      if let a { T.madd(updated * vr, V.load(a + i), vd).store(a + i) }
      i += V.lanes
    }
    while i < count {
      var gv = g[i]
      if wd != 0 { gv = T.madd(gv, p[i], wd) }
      let updated = T.madd(p[i], gv, -lr)
      p[i] = updated
      if let a { a[i] = T.madd(updated * rest, a[i], decay) }
      i += 1
    }
  }

  @inlinable
  static func momentum(
    _ step: OptimizerStep, nesterov: Bool, _ p: UnsafeMutablePointer<Float>,
    _ g: UnsafePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ count: Int
  ) {
    let (lr, wd, mu) = (step.learningRate, step.weightDecay, step.beta1)
    let (vlr, vwd, vmu) = (V(repeating: lr), V(repeating: wd), V(repeating: mu))
    var i = 0
    while i + V.lanes <= count {
      let pv = V.load(p + i)
      let gv = wd == 0 ? V.load(g + i) : T.madd(V.load(g + i), pv, vwd)
      let bv = T.madd(gv, V.load(b + i), vmu)
      bv.store(b + i)
      let d = nesterov ? T.madd(gv, bv, vmu) : bv
      T.madd(pv, d, -vlr).store(p + i)
      i += V.lanes
    }
    while i < count {
      let gv = wd == 0 ? g[i] : T.madd(g[i], p[i], wd)
      let bv = T.madd(gv, b[i], mu)
      b[i] = bv
      let d = nesterov ? T.madd(gv, bv, mu) : bv
      p[i] = T.madd(p[i], d, -lr)
      i += 1
    }
  }

  @inlinable
  static func adam(
    _ step: OptimizerStep, decoupled: Bool, _ p: UnsafeMutablePointer<Float>,
    _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
    _ v: UnsafeMutablePointer<Float>, _ count: Int
  ) {
    let (b1, b2, eps) = (step.beta1, step.beta2, step.epsilon)
    let stepSize = step.learningRate / step.correction1
    let rootC2 = step.correction2.squareRoot()
    // L2 decay goes into the gradient; decoupled decay shrinks p before the update.
    let l2 = decoupled ? 0 : step.weightDecay
    let shrink = decoupled ? 1 - step.learningRate * step.weightDecay : 1
    let (vb1, vr1, vb2, vr2) = (V(repeating: b1), V(repeating: 1 - b1), V(repeating: b2), V(repeating: 1 - b2))
    let (vl2, vshrink, veps) = (V(repeating: l2), V(repeating: shrink), V(repeating: eps))
    let (vstep, vroot) = (V(repeating: stepSize), V(repeating: 1 / rootC2))
    var i = 0
    while i + V.lanes <= count {
      let pv = V.load(p + i)
      let gv = l2 == 0 ? V.load(g + i) : T.madd(V.load(g + i), pv, vl2)
      let mv = T.madd(V.load(m + i) * vb1, gv, vr1)
      let vv = T.madd(V.load(v + i) * vb2, gv * gv, vr2)
      mv.store(m + i)
      vv.store(v + i)
      let denom = T.madd(veps, vv.squareRoot(), vroot)
      T.madd(pv * vshrink, mv / denom, -vstep).store(p + i)
      i += V.lanes
    }
    while i < count {
      let pv = p[i]
      let gv = l2 == 0 ? g[i] : T.madd(g[i], pv, l2)
      let mv = T.madd(m[i] * b1, gv, 1 - b1)
      let vv = T.madd(v[i] * b2, gv * gv, 1 - b2)
      m[i] = mv
      v[i] = vv
      let denom = T.madd(eps, vv.squareRoot(), 1 / rootC2)
      p[i] = T.madd(pv * shrink, mv / denom, -stepSize)
      i += 1
    }
  }

  @inlinable
  static func rmsprop(
    _ step: OptimizerStep, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
    _ s: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>?, _ count: Int
  ) {
    let (lr, wd, mu, alpha, eps) = (step.learningRate, step.weightDecay, step.beta1, step.beta2, step.epsilon)
    let (vlr, vwd, vmu) = (V(repeating: lr), V(repeating: wd), V(repeating: mu))
    let (va, vr, veps) = (V(repeating: alpha), V(repeating: 1 - alpha), V(repeating: eps))
    var i = 0
    while i + V.lanes <= count {
      let pv = V.load(p + i)
      let gv = wd == 0 ? V.load(g + i) : T.madd(V.load(g + i), pv, vwd)
      let sv = T.madd(V.load(s + i) * va, gv * gv, vr)
      sv.store(s + i)
      var d = gv / (sv.squareRoot() + veps)
      if let b {
        d = T.madd(d, V.load(b + i), vmu)
        d.store(b + i)
      }
      T.madd(pv, d, -vlr).store(p + i)
      i += V.lanes
    }
    while i < count {
      let pv = p[i]
      let gv = wd == 0 ? g[i] : T.madd(g[i], pv, wd)
      let sv = T.madd(s[i] * alpha, gv * gv, 1 - alpha)
      s[i] = sv
      var d = gv / (sv.squareRoot() + eps)
      if let b {
        d = T.madd(d, b[i], mu)
        b[i] = d
      }
      p[i] = T.madd(pv, d, -lr)
      i += 1
    }
  }
}
