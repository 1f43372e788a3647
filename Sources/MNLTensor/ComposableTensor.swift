/// The handful of element-moving ops that tile, repeat, flip, pad, diag, outer, einsum and
/// sort are composed of. `Tensor` conforms here and autodiff's `Variable` in MNLAutodiff, so
/// each composite op is written once and differentiates through its parts (to any order).
public protocol ComposableTensor {
  var shape: [Int] { get }
  var dtype: DType { get }
  func reshaped(_ shape: [Int]) throws -> Self
  func broadcast(to shape: [Int]) throws -> Self
  func transposed(_ perm: [Int]?) throws -> Self
  func indexed(_ specs: [IndexSpec]) throws -> Self
  /// NumPy's take along one axis.
  func taking(_ indices: Tensor, axis: Int) throws -> Self
  /// NumPy's take_along_axis.
  func takingAlongAxis(_ indices: Tensor, axis: Int) throws -> Self
  /// Sum over `axes` (resolved, distinct), which are removed.
  func summing(axes: [Int]) throws -> Self
  /// Elementwise product with broadcasting.
  func multiplying(_ other: Self) throws -> Self
  /// `self @ other` (NumPy's matmul).
  func matrixProduct(_ other: Self) throws -> Self
  /// This tensor where `mask` is true, else zero of its dtype (with broadcasting).
  func masked(_ mask: Tensor) throws -> Self
  /// `base` with the region `specs` replaced by this tensor.
  func placed(into base: Tensor, at specs: [IndexSpec]) throws -> Self
}

extension Tensor: ComposableTensor {
  public func taking(_ indices: Tensor, axis: Int) throws -> Tensor {
    try take(self, indices: indices, axis: axis)
  }

  public func takingAlongAxis(_ indices: Tensor, axis: Int) throws -> Tensor {
    try takeAlongAxis(self, indices: indices, axis: axis)
  }

  public func summing(axes: [Int]) throws -> Tensor {
    axes.isEmpty ? self : try reduce(.sum, self, axes: axes, keepDims: false)
  }

  public func multiplying(_ other: Tensor) throws -> Tensor { try binary(.multiply, self, other) }

  public func matrixProduct(_ other: Tensor) throws -> Tensor { try matmul(self, other) }

  public func masked(_ mask: Tensor) throws -> Tensor {
    try whereSelect(mask, self, Tensor(shape: [], repeating: 0, dtype: dtype))
  }

  public func placed(into base: Tensor, at specs: [IndexSpec]) throws -> Tensor {
    var result = base
    try result.assign(specs, self)
    return result
  }
}

extension ComposableTensor {
  var rank: Int { shape.count }
  var elementCount: Int { shapeCount(shape) }
}
