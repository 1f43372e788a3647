/// Exact access to the elements of integer and bool tensors, widened to Int64, and the
/// conversions between them and Float that never trap.

extension Tensor {
  /// Builds an integer or bool tensor from Int64 values the caller has checked fit `dtype`
  /// (each is truncated to the dtype's width).
  public init(shape: [Int], integers: [Int64], dtype: DType) {
    assert(shapeCount(shape) == integers.count)
    self.init(uninitializedShape: shape, dtype: dtype)
    let raw = storage.raw
    switch dtype {
    case .int64:
      for (i, v) in integers.enumerated() { raw.storeBytes(of: v, toByteOffset: i * 8, as: Int64.self) }
    case .int32:
      for (i, v) in integers.enumerated() {
        raw.storeBytes(of: Int32(truncatingIfNeeded: v), toByteOffset: i * 4, as: Int32.self)
      }
    case .uint8:
      for (i, v) in integers.enumerated() {
        raw.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
      }
    case .bool:
      for (i, v) in integers.enumerated() { raw.storeBytes(of: v != 0 ? 1 : 0, toByteOffset: i, as: UInt8.self) }
    case .float32:
      for (i, v) in integers.enumerated() { raw.storeBytes(of: Float(v), toByteOffset: i * 4, as: Float.self) }
    }
  }

  /// A 0-d integer or bool tensor (the value must fit `dtype`).
  public init(integer: Int64, dtype: DType = .defaultInteger) {
    self.init(shape: [], repeatingInteger: integer, dtype: dtype)
  }

  /// Element `i` (row-major) of an integer or bool tensor, exactly; a float32 element is
  /// truncated toward zero (NaN and infinities give 0) — callers check the dtype first.
  public func integerElement(_ i: Int) -> Int64 {
    let raw = storage.raw
    switch dtype {
    case .int64: return raw.load(fromByteOffset: i * 8, as: Int64.self)
    case .int32: return Int64(raw.load(fromByteOffset: i * 4, as: Int32.self))
    case .uint8, .bool: return Int64(raw.load(fromByteOffset: i, as: UInt8.self))
    case .float32: return saturatingInteger(storage.pointer[i])
    }
  }

  /// All elements of an integer or bool tensor as Int64, exactly (see `integerElement`).
  public var integerValues: [Int64] {
    let n = count
    let raw = UnsafeRawPointer(storage.raw)
    switch dtype {
    case .int64: return Array(UnsafeBufferPointer(start: raw.assumingMemoryBound(to: Int64.self), count: n))
    case .int32: return UnsafeBufferPointer(start: raw.assumingMemoryBound(to: Int32.self), count: n).map(Int64.init)
    case .uint8, .bool: return UnsafeBufferPointer(start: raw.assumingMemoryBound(to: UInt8.self), count: n).map(Int64.init)
    case .float32: return UnsafeBufferPointer(start: storage.pointer, count: n).map(saturatingInteger)
    }
  }

  /// Elements as Double: exact for float32 and for integers up to 2^53.
  public var doubleValues: [Double] {
    dtype == .float32 ? values.map(Double.init) : integerValues.map(Double.init)
  }

  /// Element `i` is non-zero (NaN counts as non-zero, as in NumPy).
  func isNonZero(_ i: Int) -> Bool {
    dtype == .float32 ? storage.pointer[i] != 0 : integerElement(i) != 0
  }

  /// Indices for gathering, masks' counts, labels: the elements as Ints. Throws unless the
  /// dtype is an integer one (floats would need rounding, bools mean masks).
  public func indexValues(for op: String) throws -> [Int] {
    guard dtype.isInteger || count == 0 else {
      throw TensorError(
        "\(op) needs integer indices, got \(dtype.withArticle) tensor"
          + (dtype == .bool ? " (a bool tensor is a mask: use it as x[mask])" : ""))
    }
    return integerValues.map { Int($0) }
  }

  /// This tensor as float32 (a copy unless it already is): integers round to the nearest
  /// Float, bools give 0 and 1.
  func convertedToFloat32() -> Tensor {
    if dtype == .float32 { return self }
    let result = Tensor(uninitializedShape: shape, dtype: .float32)
    let out = result.storage.pointer
    let raw = UnsafeRawPointer(storage.raw)
    // Typed loops without an intermediate array: comparison masks reach here in training
    // (autodiff's maximum rule multiplies them by floats).
    switch dtype {
    case .bool, .uint8:
      let src = raw.assumingMemoryBound(to: UInt8.self)
      for i in 0..<count { out[i] = Float(src[i]) }
    case .int32:
      let src = raw.assumingMemoryBound(to: Int32.self)
      for i in 0..<count { out[i] = Float(src[i]) }
    case .int64:
      let src = raw.assumingMemoryBound(to: Int64.self)
      for i in 0..<count { out[i] = Float(src[i]) }
    case .float32: break
    }
    return result
  }
}

/// A Float truncated toward zero into Int64; NaN gives 0 and out-of-range values saturate.
/// Only for places that have already checked the value (or documented saturation).
func saturatingInteger(_ v: Float) -> Int64 {
  if v.isNaN { return 0 }
  if v >= 0x1p63 { return .max }
  if v <= -0x1p63 { return .min }
  return Int64(v.rounded(.towardZero))
}

/// `v` as an exact integer of `dtype`, or an error naming `op` when it is NaN, infinite,
/// fractional or out of the dtype's range (bool accepts 0 and 1).
func exactInteger(_ v: Float, for dtype: DType, op: String) throws -> Int64 {
  guard v.isFinite, v == v.rounded(), let i = Int64(exactly: v), dtype.integerRange.contains(i) else {
    throw TensorError("\(op): \(v) is not a value of \(dtype.rawValue)")
  }
  return i
}

/// Converts a Double to an Int, or nil when it is NaN, infinite, fractional or out of range.
public func exactInt(_ v: Double) -> Int? {
  guard v.isFinite, v == v.rounded() else { return nil }
  return Int(exactly: v)
}
