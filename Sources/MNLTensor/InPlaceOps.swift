/// In-place updates for training loops (no allocation when the storage is not shared):
/// self += scale·other, self *= s, and exponential moving averages. These are float updates:
/// an integer tensor becomes float32 (`withUnsafeMutableBufferPointer` converts it).
import MNLKernels

extension Tensor {
  /// self += scale · other (shapes must be equal).
  public mutating func addScaled(_ other: Tensor, scale: Float) throws {
    guard shape == other.shape else {
      throw TensorError.shapeMismatch("a scaled in-place add", shape, other.shape, infix: "vs")
    }
    let other = other.convertedToFloat32()
    withUnsafeMutableBufferPointer { y in
      Elementwise.addScaled(other.storage.pointer, scale: scale, into: y.baseAddress.unsafelyUnwrapped, count: y.count)
    }
  }

  /// self *= factor.
  public mutating func scale(by factor: Float) {
    withUnsafeMutableBufferPointer { y in
      Elementwise.scale(y.baseAddress.unsafelyUnwrapped, by: factor, count: y.count)
    }
  }

  /// self = decay · self + (1 − decay) · x (shapes must be equal): TensorFlow's
  /// ExponentialMovingAverage update of a shadow variable.
  public mutating func movingAverage(toward x: Tensor, decay: Float) throws {
    guard shape == x.shape else {
      throw TensorError.shapeMismatch("a moving average", shape, x.shape, infix: "vs")
    }
    let x = x.convertedToFloat32()
    withUnsafeMutableBufferPointer { y in
      Elementwise.movingAverage(y.baseAddress.unsafelyUnwrapped, toward: x.storage.pointer, decay: decay, count: y.count)
    }
  }
}
