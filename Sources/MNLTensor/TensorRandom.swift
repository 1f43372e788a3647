/// Random tensor constructors over MNLRandom: normal, truncated normal, uniform.
extension Tensor {
  /// Normal(mean, stddev²) draws in row-major order.
  public static func randomNormal(
    _ shape: [Int], mean: Float = 0, stddev: Float = 1, using rng: inout MNLRandom
  ) throws -> Tensor {
    try validateShape(shape)
    var result = Tensor(uninitializedShape: shape)
    result.withUnsafeMutableBufferPointer { out in
      for i in out.indices { out[i] = mean + stddev * rng.nextNormal() }
    }
    return result
  }

  /// Like TensorFlow's truncated_normal: standard normal draws beyond ±2 are redrawn, so every
  /// value lies within mean ± 2·stddev.
  public static func truncatedNormal(
    _ shape: [Int], mean: Float = 0, stddev: Float = 1, using rng: inout MNLRandom
  ) throws -> Tensor {
    try validateShape(shape)
    var result = Tensor(uninitializedShape: shape)
    result.withUnsafeMutableBufferPointer { out in
      for i in out.indices {
        var z = rng.nextNormal()
        while abs(z) > 2 { z = rng.nextNormal() }
        out[i] = mean + stddev * z
      }
    }
    return result
  }

  /// Uniform draws in [low, high).
  public static func randomUniform(
    _ shape: [Int], low: Float = 0, high: Float = 1, using rng: inout MNLRandom
  ) throws -> Tensor {
    try validateShape(shape)
    guard low <= high, low.isFinite, high.isFinite else {
      throw TensorError("random_uniform needs finite low <= high (got \(low), \(high))")
    }
    var result = Tensor(uninitializedShape: shape)
    result.withUnsafeMutableBufferPointer { out in
      for i in out.indices {
        let v = low + (high - low) * rng.nextFloat()
        out[i] = v < high ? v : low  // rounding can land on `high`; keep the interval half-open
      }
    }
    return result
  }
}
