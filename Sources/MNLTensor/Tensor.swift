/// A dense, row-major, n-dimensional array of Float32 elements with value semantics:
/// copies share storage until one of them is mutated (copy-on-write).
public struct Tensor: @unchecked Sendable {
  public private(set) var shape: [Int]
  public var dtype: DType
  public private(set) var storage: TensorStorage

  public var rank: Int { shape.count }
  public var count: Int { storage.count }
  public var isScalar: Bool { shape.isEmpty }

  /// Wraps existing storage; `storage.count` must equal the product of `shape`.
  public init(shape: [Int], storage: TensorStorage, dtype: DType = .float32) {
    assert(shape.reduce(1, *) == storage.count, "storage size does not match shape")
    self.shape = shape
    self.storage = storage
    self.dtype = dtype
  }

  /// Uninitialised tensor: the caller must write every element.
  public init(uninitializedShape shape: [Int], dtype: DType = .float32) {
    self.init(shape: shape, storage: TensorStorage(uninitializedCount: shapeCount(shape)), dtype: dtype)
  }

  public init(shape: [Int], repeating value: Float, dtype: DType = .float32) {
    self.init(
      shape: shape, storage: TensorStorage(repeating: value, count: shapeCount(shape)), dtype: dtype)
  }

  /// From flat row-major values. Throws if the count does not match the shape.
  public init(shape: [Int], values: [Float], dtype: DType = .float32) throws {
    try validateShape(shape)
    guard shapeCount(shape) == values.count else {
      throw TensorError(
        "cannot make a tensor of shape \(formatShape(shape)) from \(values.count) values")
    }
    let storage = TensorStorage(uninitializedCount: values.count)
    values.withUnsafeBufferPointer { src in
      if let base = src.baseAddress { storage.pointer.initialize(from: base, count: values.count) }
    }
    self.init(shape: shape, storage: storage, dtype: dtype)
  }

  /// A 0-d tensor.
  public init(scalar: Float, dtype: DType = .float32) {
    self.init(shape: [], repeating: scalar, dtype: dtype)
  }

  /// Flat row-major copy of the elements.
  public var values: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

  /// The single element of a tensor with exactly one element (any rank).
  public var scalarValue: Float? { count == 1 ? storage.pointer[0] : nil }

  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    try body(UnsafeBufferPointer(start: storage.pointer, count: count))
  }

  /// Mutable access; copies the storage first if it is shared (copy-on-write).
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
  }

  /// Same elements, new shape (no copy). Element counts must match; -1 is not resolved here.
  public func reshaped(unchecked newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, storage: storage, dtype: dtype)
  }
}

/// Number of elements of a shape (1 for a scalar).
@inline(__always)
public func shapeCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

/// The most elements a tensor may have: 2^31 - 1 floats is 8 GiB, a third of this machine's
/// memory; larger requests are refused before trying to allocate.
public let maxElementCount = Int(Int32.max)

/// Rejects negative dimensions and element counts that overflow or exceed memory sanity.
/// Zero dimensions do not excuse the others: in [0, 2^62] the other axes' product must also
/// be sane, since reductions and slices of an empty tensor have shapes made of them.
public func validateShape(_ shape: [Int]) throws {
  var total = 1
  for d in shape {
    guard d >= 0 else { throw TensorError("negative dimension in shape \(formatShape(shape))") }
    let (product, overflow) = total.multipliedReportingOverflow(by: max(d, 1))
    guard !overflow, product <= maxElementCount else {
      throw TensorError("shape \(formatShape(shape)) is too large (more than \(maxElementCount) elements)")
    }
    total = product
  }
}
