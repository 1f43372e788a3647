/// NumPy's matmul broadcasting over any number of batch axes, lowered onto the 2-D/3-D
/// products of LinearAlgebra.swift: `[64, 26, 26, 9] @ [9, 8]` is one GEMM with 64·26·26 rows,
/// and `[2, 1, 3, 4] @ [5, 4, 2]` broadcasts both batches to [2, 5] and multiplies 10 pairs.

/// The product when `a` and `b` need batch broadcasting beyond what the 2-D/3-D paths take
/// (equal batches, or a batch against a plain matrix); nil when those paths apply.
func batchBroadcastMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) throws -> Tensor? {
  guard a.rank >= 1, b.rank >= 1 else { return nil }
  let aBatch = a.rank > 2 ? Array(a.shape.dropLast(2)) : []
  let bBatch = b.rank > 2 ? Array(b.shape.dropLast(2)) : []
  if aBatch.count <= 1 && bBatch.count <= 1 && (aBatch.isEmpty || bBatch.isEmpty || aBatch == bBatch) {
    return nil
  }
  let mismatch = TensorError.shapeMismatch("@", a.shape, b.shape)
  // Operands as matrices: a 1-D left operand is a row, a 1-D right operand a column.
  let aMatrix = a.rank == 1 ? [1, a.shape[0]] : Array(a.shape.suffix(2))
  let bMatrix = b.rank == 1 ? [b.shape[0], 1] : Array(b.shape.suffix(2))
  let ta = a.rank == 1 ? false : transposeA
  let tb = b.rank == 1 ? false : transposeB
  let (m, k) = ta ? (aMatrix[1], aMatrix[0]) : (aMatrix[0], aMatrix[1])
  let (k2, n) = tb ? (bMatrix[1], bMatrix[0]) : (bMatrix[0], bMatrix[1])
  guard k == k2, let batch = try? broadcastShapes(aBatch, bBatch, op: "@") else { throw mismatch }
  let outShape = batch + (a.rank == 1 ? [] : [m]) + (b.rank == 1 ? [] : [n])
  try validateShape(outShape)
  let stacks = shapeCount(batch)
  if bBatch.isEmpty && !ta {
    // Stacked rows times one matrix: the 3-D × 2-D path makes it a single GEMM.
    let rows = a.reshaped(unchecked: [shapeCount(aBatch), aMatrix[0], aMatrix[1]])
    return try matmul(rows, b, transposeB: transposeB).reshaped(unchecked: outShape)
  }
  let left = try a.reshaped(unchecked: aBatch + aMatrix).broadcast(to: batch + aMatrix)
    .reshaped(unchecked: [stacks] + aMatrix)
  let right = try b.reshaped(unchecked: bBatch + bMatrix).broadcast(to: batch + bMatrix)
    .reshaped(unchecked: [stacks] + bMatrix)
  return try matmul(left, right, transposeA: ta, transposeB: tb).reshaped(unchecked: outShape)
}
