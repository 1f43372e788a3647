/// Matrix products over the GEMM kernel: `matmul` (1-D, 2-D and batched operands, like
/// NumPy's `@`; more batch axes and broadcast batches in BatchBroadcastMatmul.swift) and the fused dense layer `linear` (x@w + b, optional ReLU).
import MNLKernels

/// One row-major product C[m×n] = op(A)·op(B) (+ bias, ReLU) on raw pointers.
private func gemm(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>,
  b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>? = nil,
  relu: Bool = false
) {
  guard m > 0, n > 0 else { return }
  guard k > 0 else {
    // An empty sum: C is zero, plus the bias.
    for i in 0..<m {
      for j in 0..<n {
        let v = bias?[j] ?? 0
        c[i * n + j] = relu ? max(v, 0) : v
      }
    }
    return
  }
  GEMM.sgemm(
    transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: transA ? m : k, b: b,
    ldb: transB ? k : n, c: c, ldc: n, bias: bias, relu: relu)
}

/// NumPy's `a @ b`: 2-D×2-D; a 1-D left operand is a row vector and a 1-D right operand a column
/// vector (their axis is dropped from the result; 1-D·1-D is a 0-d dot product); 3-D×3-D with
/// equal batch sizes, 3-D×2-D and 2-D×3-D multiply batch by batch. `transposeA`/`transposeB`
/// transpose the last two axes of a 2-D or 3-D operand first. Integer (or bool) operands on
/// both sides multiply exactly in Int64 (the promoted dtype; overflow is an error); otherwise
/// both are converted to float32.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false)
  throws -> Tensor
{
  // More batch axes, or batches that broadcast: BatchBroadcastMatmul.swift.
  if let product = try batchBroadcastMatmul(a, b, transposeA: transposeA, transposeB: transposeB) {
    return product
  }
  let mismatch = TensorError.shapeMismatch("@", a.shape, b.shape)
  guard (1...3).contains(a.rank), (1...3).contains(b.rank) else {
    throw TensorError("@ needs operands with at least one axis: \(formatShape(a.shape)) @ \(formatShape(b.shape))")
  }
  if a.dtype != .float32 && b.dtype != .float32 {
    return try integerMatmul(a, b, transposeA: transposeA, transposeB: transposeB)
  }
  let (a, b) = (a.convertedToFloat32(), b.convertedToFloat32())
  // View 1-D operands as matrices.
  let ta = a.rank == 1 ? false : transposeA
  let tb = b.rank == 1 ? false : transposeB
  let aShape = a.rank == 1 ? [1, a.shape[0]] : a.shape
  let bShape = b.rank == 1 ? [b.shape[0], 1] : b.shape
  let aRows = aShape[aShape.count - 2], aCols = aShape[aShape.count - 1]
  let bRows = bShape[bShape.count - 2], bCols = bShape[bShape.count - 1]
  let (m, k) = ta ? (aCols, aRows) : (aRows, aCols)
  let (k2, n) = tb ? (bCols, bRows) : (bRows, bCols)
  guard k == k2 else { throw mismatch }

  let aBatch = aShape.count == 3 ? aShape[0] : 1
  let bBatch = bShape.count == 3 ? bShape[0] : 1
  guard aShape.count < 3 || bShape.count < 3 || aBatch == bBatch else { throw mismatch }
  let batch = max(aBatch, bBatch)
  let batched = aShape.count == 3 || bShape.count == 3

  var outShape: [Int] = batched ? [batch] : []
  if a.rank != 1 { outShape.append(m) }
  if b.rank != 1 { outShape.append(n) }
  try validateShape(outShape)
  var result = Tensor(uninitializedShape: outShape, dtype: .float32)
  result.withUnsafeMutableBufferPointer { out in
    let c = out.baseAddress.unsafelyUnwrapped
    let pa = a.storage.pointer
    let pb = b.storage.pointer
    if aShape.count == 3 && bShape.count == 2 && !ta {
      // Stacked rows times one matrix: a single product with batch·m rows.
      gemm(transA: false, transB: tb, m: batch * m, n: n, k: k, a: pa, b: pb, c: c)
      return
    }
    let aStride = aShape.count == 3 ? m * k : 0
    let bStride = bShape.count == 3 ? k * n : 0
    for i in 0..<batch {
      gemm(
        transA: ta, transB: tb, m: m, n: n, k: k, a: pa + i * aStride, b: pb + i * bStride,
        c: c + i * m * n)
    }
  }
  return result
}

/// A dense layer in one GEMM: x@w + b, then ReLU when `relu`. x is [n, k] (or [k]),
/// w is [k, m], b is [m] or nil.
public func linear(_ x: Tensor, _ w: Tensor, _ b: Tensor?, relu: Bool = false) throws -> Tensor {
  guard x.rank == 1 || x.rank == 2, w.rank == 2, x.shape[x.rank - 1] == w.shape[0] else {
    throw TensorError.shapeMismatch("linear", x.shape, w.shape, infix: "@")
  }
  let rows = x.rank == 2 ? x.shape[0] : 1
  let k = w.shape[0]
  let m = w.shape[1]
  if let b, b.shape != [m] {
    throw TensorError(
      "bias shape \(formatShape(b.shape)) does not match \(m) outputs in linear: "
        + "\(formatShape(x.shape)) @ \(formatShape(w.shape))")
  }
  let (x, w, b) = (x.convertedToFloat32(), w.convertedToFloat32(), b?.convertedToFloat32())
  let outShape = x.rank == 2 ? [rows, m] : [m]
  // [n, 0] @ [0, n] is small in, n² out.
  try validateShape(outShape)
  var result = Tensor(uninitializedShape: outShape)
  result.withUnsafeMutableBufferPointer { out in
    gemm(
      transA: false, transB: false, m: rows, n: m, k: k, a: x.storage.pointer,
      b: w.storage.pointer, c: out.baseAddress.unsafelyUnwrapped, bias: b.map { UnsafePointer($0.storage.pointer) },
      relu: relu)
  }
  return result
}

/// `matmul` of integer/bool operands: the same shape rules as the float path, with exact Int64
/// sums (an int64 overflow or a result outside the promoted dtype is an error).
private func integerMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) throws -> Tensor {
  var dtype = DType.promoted(a.dtype, b.dtype)
  if dtype == .bool { dtype = .defaultInteger }
  // Every operand as a batch of matrices [batch, rows, columns] (batch 1 broadcasts).
  func asMatrices(_ t: Tensor, transpose: Bool, isLeft: Bool) throws -> Tensor {
    var m = t.rank == 1 ? t.reshaped(unchecked: isLeft ? [1, t.shape[0]] : [t.shape[0], 1]) : t
    if transpose && t.rank > 1 {
      var perm = Array(0..<m.rank)
      perm.swapAt(m.rank - 1, m.rank - 2)
      m = try m.transposed(perm)
    }
    return m.rank == 2 ? m.reshaped(unchecked: [1] + m.shape) : m
  }
  let mismatch = TensorError.shapeMismatch("@", a.shape, b.shape)
  guard (1...3).contains(a.rank), (1...3).contains(b.rank) else {
    throw TensorError("@ needs operands with at least one axis: \(formatShape(a.shape)) @ \(formatShape(b.shape))")
  }
  let x = try asMatrices(a, transpose: transposeA, isLeft: true)
  let y = try asMatrices(b, transpose: transposeB, isLeft: false)
  let (m, k, k2, n) = (x.shape[1], x.shape[2], y.shape[1], y.shape[2])
  guard k == k2, x.shape[0] == y.shape[0] || x.shape[0] == 1 || y.shape[0] == 1 else { throw mismatch }
  guard a.rank == 3 || b.rank == 3 || (x.shape[0] == 1 && y.shape[0] == 1) else { throw mismatch }
  let batch = max(x.shape[0], y.shape[0])
  var outShape: [Int] = a.rank == 3 || b.rank == 3 ? [batch] : []
  if a.rank != 1 { outShape.append(m) }
  if b.rank != 1 { outShape.append(n) }
  try validateShape(outShape)
  let (xv, yv) = (x.integerValues, y.integerValues)
  let (xStride, yStride) = (x.shape[0] == 1 ? 0 : m * k, y.shape[0] == 1 ? 0 : k * n)
  var out = [Int64](repeating: 0, count: batch * m * n)
  for bi in 0..<batch {
    for i in 0..<m {
      for j in 0..<n {
        // Int128 holds any product of two Int64s; the running sum reports its own overflow.
        var total: Int128 = 0
        var overflow = false
        for p in 0..<k where !overflow {
          let product = Int128(xv[bi * xStride + i * k + p]) * Int128(yv[bi * yStride + p * n + j])
          (total, overflow) = total.addingReportingOverflow(product)
        }
        guard !overflow, let exact = Int64(exactly: total), dtype.integerRange.contains(exact) else {
          let value = overflow ? "a sum of products" : "\(total)"
          throw TensorError("integer overflow in @: \(value) does not fit \(dtype.rawValue); \(dtype.widerAdvice)")
        }
        out[(bi * m + i) * n + j] = exact
      }
    }
  }
  return Tensor(shape: outShape, integers: out, dtype: dtype)
}
