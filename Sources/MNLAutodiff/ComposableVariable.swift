import MNLTensor

// Variables compose like tensors, so tile, repeat, flip, pad, diag, outer and einsum
// (MNLTensor's generic composites) are differentiable through the ops they are made of.

extension Variable: ComposableTensor {
  public var dtype: DType { value.dtype }

  public func taking(_ indices: Tensor, axis: Int) throws -> Variable {
    try take(self, indices: Variable(constant: indices), axis: axis)
  }

  public func takingAlongAxis(_ indices: Tensor, axis: Int) throws -> Variable {
    try takeAlongAxis(self, indices: indices, axis: axis)
  }

  public func summing(axes: [Int]) throws -> Variable {
    axes.isEmpty ? self : try reduce(.sum, self, axes: axes, keepDims: false)
  }

  public func multiplying(_ other: Variable) throws -> Variable { try binary(.multiply, self, other) }

  public func matrixProduct(_ other: Variable) throws -> Variable { try matmul(self, other) }

  public func masked(_ mask: Tensor) throws -> Variable {
    try whereSelect(
      Variable(constant: mask), self, Variable(constant: Tensor(shape: [], repeating: 0, dtype: dtype)))
  }

  public func placed(into base: Tensor, at specs: [IndexSpec]) throws -> Variable {
    try Variable(constant: base).assigning(specs, self)
  }
}
