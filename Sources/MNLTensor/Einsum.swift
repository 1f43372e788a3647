/// NumPy's einsum over `ComposableTensor`s: repeated labels within an operand take a
/// diagonal, labels used nowhere else are summed early, and operands are combined left to
/// right, each pair as one batched matrix product (transposes and reshapes around the GEMM),
/// or a broadcast product when nothing is contracted. Written with composable ops only, so
/// the gradient of every case is that of its parts.

/// `einsum("ij,jk->ik", a, b)` and the rest of NumPy's notation: letters label axes, `...`
/// stands for the remaining (broadcast) axes, `->` names the output (without it, the labels
/// used once, alphabetically, after the `...` axes). Size-1 axes broadcast against a label's
/// other sizes.
public func einsum<T: ComposableTensor>(_ subscripts: String, _ operands: [T]) throws -> T {
  let spec = try EinsumSpec(subscripts, shapes: operands.map(\.shape))
  var terms: [(tensor: T, labels: [Int])] = []
  for (i, operand) in operands.enumerated() {
    terms.append(try spec.diagonal(operand, labels: spec.inputs[i]))
  }
  var current = terms[0]
  for j in 1..<max(terms.count, 1) {
    let later = Set(terms[(j + 1)...].flatMap(\.labels) + spec.output)
    current = try spec.sumUnused(current, keeping: later.union(terms[j].labels))
    let next = try spec.sumUnused(terms[j], keeping: later.union(current.labels))
    current = try spec.contract(current, next, keeping: later)
  }
  current = try spec.sumUnused(current, keeping: Set(spec.output))
  let perm = spec.output.map { label in current.labels.firstIndex(of: label) ?? 0 }
  return perm == Array(0..<perm.count) ? current.tensor : try current.tensor.transposed(perm)
}

/// Parsed subscripts: each operand's axis labels (letters as their code, the axes under
/// `...` as 1000 + position) and the output's.
struct EinsumSpec {
  let text: String
  let inputs: [[Int]]
  let output: [Int]
  private static let ellipsisBase = 1000

  init(_ subscripts: String, shapes: [[Int]]) throws {
    text = subscripts
    let compact = subscripts.filter { $0 != " " }
    let sides = compact.components(separatedBy: "->")
    guard sides.count <= 2 else { throw TensorError("einsum: more than one '->' in '\(subscripts)'") }
    let terms = sides[0].components(separatedBy: ",")
    guard terms.count == shapes.count, !shapes.isEmpty else {
      throw TensorError(
        "einsum: '\(subscripts)' has \(terms.count) operand term\(terms.count == 1 ? "" : "s") but \(shapes.count) operand\(shapes.count == 1 ? " was" : "s were") given")
    }
    let parsed = try terms.map { try Self.parseTerm($0, in: subscripts) }
    var ellipsisRank = 0
    for (i, (term, shape)) in zip(parsed, shapes).enumerated() {
      let named = term.before.count + term.after.count
      guard term.hasEllipsis ? named <= shape.count : named == shape.count else {
        throw TensorError(
          "einsum: term '\(terms[i])' names \(named) axes but operand \(i) has shape \(formatShape(shape))")
      }
      if term.hasEllipsis { ellipsisRank = max(ellipsisRank, shape.count - named) }
    }
    // The axes under each `...` align from the right, as in broadcasting.
    inputs = zip(parsed, shapes).map { term, shape in
      let covered = shape.count - term.before.count - term.after.count
      let hidden = term.hasEllipsis ? (0..<covered).map { Self.ellipsisBase + ellipsisRank - covered + $0 } : []
      return term.before + hidden + term.after
    }
    let ellipsisLabels = (0..<ellipsisRank).map { Self.ellipsisBase + $0 }
    if sides.count == 2 {
      let term = try Self.parseTerm(sides[1], in: subscripts)
      let labels = term.before + (term.hasEllipsis ? ellipsisLabels : []) + term.after
      let used = Set(inputs.joined())
      for label in labels where label < Self.ellipsisBase {
        guard used.contains(label) else {
          throw TensorError("einsum: output label '\(Self.name(label))' appears in no operand of '\(subscripts)'")
        }
        guard labels.filter({ $0 == label }).count == 1 else {
          throw TensorError("einsum: output label '\(Self.name(label))' appears more than once in '\(subscripts)'")
        }
      }
      output = labels
    } else {
      let letters = inputs.joined().filter { $0 < Self.ellipsisBase }
      let once = Set(letters.filter { l in letters.filter { $0 == l }.count == 1 })
      output = ellipsisLabels + once.sorted()
    }
    // Each label's sizes must agree (1 broadcasts).
    var sizes: [Int: (size: Int, operand: Int)] = [:]
    for (i, (labels, shape)) in zip(inputs, shapes).enumerated() {
      for (label, size) in zip(labels, shape) {
        if let seen = sizes[label], seen.size != size, seen.size != 1, size != 1 {
          if seen.operand == i {
            throw TensorError(
              "einsum: label '\(Self.name(label))' repeats in operand \(i) with sizes \(seen.size) and \(size) (shape \(formatShape(shape)))")
          }
          throw TensorError(
            "einsum: label '\(Self.name(label))' has size \(seen.size) in operand \(seen.operand) but \(size) in operand \(i) (shapes \(shapes.map(formatShape).joined(separator: ", ")))")
        }
        if sizes[label] == nil || sizes[label]!.size == 1 { sizes[label] = (size, i) }
      }
    }
  }

  private static func parseTerm(_ term: String, in subscripts: String) throws
    -> (before: [Int], after: [Int], hasEllipsis: Bool)
  {
    let pieces = term.components(separatedBy: "...")
    guard pieces.count <= 2 else { throw TensorError("einsum: more than one '...' in a term of '\(subscripts)'") }
    let labels = try pieces.map { piece in
      try piece.unicodeScalars.map { c -> Int in
        guard ("a"..."z").contains(c) || ("A"..."Z").contains(c) else { throw TensorError("einsum: invalid character '\(c)' in subscripts '\(subscripts)' (labels are letters)") }
        return Int(c.value)
      }
    }
    return (labels[0], pieces.count == 2 ? labels[1] : [], pieces.count == 2)
  }

  static func name(_ label: Int) -> String {
    label >= ellipsisBase ? "..." : String(UnicodeScalar(UInt8(label)))
  }

  /// Takes the diagonal of every pair of axes with the same label.
  func diagonal<T: ComposableTensor>(_ x: T, labels: [Int]) throws -> (tensor: T, labels: [Int]) {
    var (x, labels) = (x, labels)
    while let q = labels.indices.first(where: { i in labels[..<i].contains(labels[i]) }) {
      let p = labels.firstIndex(of: labels[q]) ?? q
      let n = x.shape[p]
      guard x.shape[q] == n else {
        throw TensorError(
          "einsum: repeated label '\(Self.name(labels[p]))' needs equal sizes, got \(n) and \(x.shape[q]) in shape \(formatShape(x.shape)) ('\(text)')")
      }
      let others = labels.indices.filter { $0 != p && $0 != q }
      let moved = try x.transposed(others + [p, q])
      let flat = try moved.reshaped(others.map { x.shape[$0] } + [n * n])
      let steps = Tensor(shape: [n], integers: (0..<n).map { Int64($0 * (n + 1)) }, dtype: .int64)
      x = try flat.taking(steps, axis: others.count)
      labels = others.map { labels[$0] } + [labels[p]]
    }
    return (x, labels)
  }

  /// Sums the axes whose labels are not in `keeping`.
  func sumUnused<T: ComposableTensor>(_ term: (tensor: T, labels: [Int]), keeping: Set<Int>) throws
    -> (tensor: T, labels: [Int])
  {
    let axes = term.labels.indices.filter { !keeping.contains(term.labels[$0]) }
    guard !axes.isEmpty else { return term }
    return (try term.tensor.summing(axes: axes), term.labels.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
  }

  /// The product of two terms, summed over their shared labels that are not in `keeping`.
  func contract<T: ComposableTensor>(
    _ a: (tensor: T, labels: [Int]), _ b: (tensor: T, labels: [Int]), keeping: Set<Int>
  ) throws -> (tensor: T, labels: [Int]) {
    var (x, y) = (a.tensor, b.tensor)
    // Broadcast size-1 axes of shared labels to the other operand's size.
    var xShape = x.shape
    var yShape = y.shape
    for (i, label) in a.labels.enumerated() {
      guard let j = b.labels.firstIndex(of: label) else { continue }
      let size = max(xShape[i], yShape[j])
      xShape[i] = size
      yShape[j] = size
    }
    if xShape != x.shape { x = try x.broadcast(to: xShape) }
    if yShape != y.shape { y = try y.broadcast(to: yShape) }
    let shared = a.labels.filter { b.labels.contains($0) }
    let batch = shared.filter { keeping.contains($0) }
    let summed = shared.filter { !keeping.contains($0) }
    let aOnly = a.labels.filter { !b.labels.contains($0) }
    let bOnly = b.labels.filter { !a.labels.contains($0) }
    func size(_ label: Int) -> Int {
      if let i = a.labels.firstIndex(of: label) { return xShape[i] }
      return b.labels.firstIndex(of: label).map { yShape[$0] } ?? 1
    }
    func product(_ labels: [Int]) -> Int { labels.reduce(1) { $0 * size($1) } }
    let (batchSize, m, k, n) = (product(batch), product(aOnly), product(summed), product(bOnly))
    let xs = try arranged(x, a.labels, batch + aOnly + summed)
    let ys = try arranged(y, b.labels, batch + summed + bOnly)
    try validateShape([batchSize, m, n])
    let result: T
    if k == 1 {
      result = try xs.reshaped([batchSize, m, 1]).multiplying(ys.reshaped([batchSize, 1, n]))
    } else if m == 1 && n == 1 {
      result = try xs.reshaped([batchSize, k]).multiplying(ys.reshaped([batchSize, k])).summing(axes: [1])
    } else if batchSize == 1 {
      result = try xs.reshaped([m, k]).matrixProduct(ys.reshaped([k, n]))
    } else {
      result = try xs.reshaped([batchSize, m, k]).matrixProduct(ys.reshaped([batchSize, k, n]))
    }
    let labels = batch + aOnly + bOnly
    return (try result.reshaped(labels.map(size)), labels)
  }

  private func arranged<T: ComposableTensor>(_ x: T, _ labels: [Int], _ order: [Int]) throws -> T {
    let perm = order.map { labels.firstIndex(of: $0) ?? 0 }
    return perm == Array(0..<perm.count) ? x : try x.transposed(perm)
  }
}
