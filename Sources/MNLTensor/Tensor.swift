/// A dense, row-major, n-dimensional array with value semantics: copies share storage until
/// one of them is mutated (copy-on-write). Elements are stored in the dtype's own width (see
/// `DType`); the Float views (`values`, `scalarValue`, `withUnsafeBufferPointer`) convert
/// other dtypes, and `storage.pointer` / `withUnsafeMutableBufferPointer` are for float32 only.
public struct Tensor: @unchecked Sendable {
  public private(set) var shape: [Int]
  public private(set) var dtype: DType
  public private(set) var storage: TensorStorage

  public var rank: Int { shape.count }
  public var count: Int { storage.count }
  public var isScalar: Bool { shape.isEmpty }

  /// Wraps existing storage; `storage.count` must equal the product of `shape` and its element
  /// width must be the dtype's.
  public init(shape: [Int], storage: TensorStorage, dtype: DType = .float32) {
    assert(shape.reduce(1, *) == storage.count, "storage size does not match shape")
    assert(storage.byteWidth == dtype.byteWidth, "storage element width does not match dtype")
    self.shape = shape
    self.storage = storage
    self.dtype = dtype
  }

  /// Uninitialised tensor: the caller must write every element.
  public init(uninitializedShape shape: [Int], dtype: DType = .float32) {
    self.init(
      shape: shape,
      storage: TensorStorage(uninitializedCount: shapeCount(shape), byteWidth: dtype.byteWidth),
      dtype: dtype)
  }

  /// Every element equal to `value`. For integer and bool dtypes the value should be one the
  /// dtype holds: others are truncated toward zero and clamped to the dtype's range (NaN gives
  /// 0). `Tensor.full` and `cast` throw instead.
  public init(shape: [Int], repeating value: Float, dtype: DType = .float32) {
    if dtype == .float32 {
      self.init(
        shape: shape, storage: TensorStorage(repeating: value, count: shapeCount(shape)), dtype: dtype)
    } else {
      let range = dtype.integerRange
      let clamped = min(max(saturatingInteger(value), range.lowerBound), range.upperBound)
      self.init(shape: shape, repeatingInteger: clamped, dtype: dtype)
    }
  }

  /// Every element equal to `value` in an integer or bool dtype (truncated to its width;
  /// callers check the range).
  init(shape: [Int], repeatingInteger value: Int64, dtype: DType) {
    self.init(uninitializedShape: shape, dtype: dtype)
    let n = count
    switch dtype {
    case .int64: storage.raw.initializeMemory(as: Int64.self, repeating: value, count: n)
    case .int32: storage.raw.initializeMemory(as: Int32.self, repeating: Int32(truncatingIfNeeded: value), count: n)
    case .uint8, .bool: storage.raw.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: value), count: n)
    case .float32: storage.raw.initializeMemory(as: Float.self, repeating: Float(value), count: n)
    }
  }

  /// From flat row-major values. Throws if the count does not match the shape, or (for
  /// integer and bool dtypes) if a value is not one the dtype holds exactly.
  public init(shape: [Int], values: [Float], dtype: DType = .float32) throws {
    try validateShape(shape)
    guard shapeCount(shape) == values.count else {
      throw TensorError(
        "cannot make a tensor of shape \(formatShape(shape)) from \(values.count) values")
    }
    if dtype != .float32 {
      let integers = try values.map { try exactInteger($0, for: dtype, op: "tensor") }
      self.init(shape: shape, integers: integers, dtype: dtype)
      return
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

  /// Flat row-major copy of the elements as Float (integers above 2^24 round to the nearest
  /// Float; use `integerValues` for exact integers).
  public var values: [Float] {
    if dtype == .float32 { return Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }
    return integerValues.map { Float($0) }
  }

  /// The single element of a tensor with exactly one element (any rank), as a Float.
  public var scalarValue: Float? {
    guard count == 1 else { return nil }
    return dtype == .float32 ? storage.pointer[0] : Float(integerElement(0))
  }

  /// Read-only Float view of the elements (a converted copy for dtypes other than float32).
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    if dtype == .float32 { return try body(UnsafeBufferPointer(start: storage.pointer, count: count)) }
    return try values.withUnsafeBufferPointer(body)
  }

  /// Mutable Float access for float32 tensors; copies the storage first if it is shared
  /// (copy-on-write). A tensor of another dtype is converted to float32 first.
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    if dtype != .float32 { self = convertedToFloat32() }
    makeStorageUnique()
    return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
  }

  /// Mutable raw bytes of the storage in this tensor's dtype (copy-on-write).
  public mutating func withUnsafeMutableRawStorage<R>(_ body: (UnsafeMutableRawPointer) throws -> R)
    rethrows -> R
  {
    makeStorageUnique()
    return try body(storage.raw)
  }

  mutating func makeStorageUnique() {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
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
/// memory; larger requests are refused before trying to allocate. The fuzzers lower it
/// (`ElementLimit.set`) so that the programs they generate stay inside their memory limit.
public var maxElementCount: Int { ElementLimit.current }

/// Rejects negative dimensions and element counts that overflow or exceed memory sanity.
/// Zero dimensions do not excuse the others: in [0, 2^62] the other axes' product must also
/// be sane, since reductions and slices of an empty tensor have shapes made of them.
public func validateShape(_ shape: [Int]) throws {
  var total = 1
  for d in shape {
    guard d >= 0 else { throw TensorError("negative dimension in shape \(formatShape(shape))") }
    let (product, overflow) = total.multipliedReportingOverflow(by: max(d, 1))
    guard !overflow, product <= maxElementCount else {
      throw TensorError("cannot allocate shape \(formatShape(shape)): too large (more than \(maxElementCount) elements)")
    }
    total = product
  }
}
