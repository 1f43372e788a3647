import MNLDistributed
import MNLTensor

/// allreduce/broadcast of a whole parameter tree in one collective per element type: the
/// leaves are packed into one buffer (one copy in), reduced or broadcast in place, and
/// unpacked into a new tree of the same shape (one copy out) — Horovod's "fusion buffer".
/// Before combining anything the ranks compare a signature of the tree's shapes and dtypes,
/// so trees that differ between ranks are an error rather than a silent mix of elements.
enum TreeCollectives {
  /// Where one leaf lives in the packed buffers.
  private struct Slot {
    enum Kind { case float32Tensor, integerTensor, floatNumber, intNumber, rawTensor }
    let kind: Kind
    let shape: [Int]
    let dtype: DType
    let offset: Int  // in elements of the leaf's group (bytes for raw tensors)
    let count: Int
  }

  private struct Packing {
    var slots: [Slot] = []
    var float32Count = 0
    var float64Count = 0
    var int64Count = 0
    var signature: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a

    enum Group { case float32, float64, int64 }

    /// Appends a leaf to `group`'s buffer and to the signature.
    mutating func add(_ kind: Slot.Kind, _ shape: [Int], _ dtype: DType, _ count: Int, _ group: Group) {
      let offset: Int
      switch group {
      case .float32: offset = float32Count; float32Count += count
      case .float64: offset = float64Count; float64Count += count
      case .int64: offset = int64Count; int64Count += count
      }
      slots.append(Slot(kind: kind, shape: shape, dtype: dtype, offset: offset, count: count))
      mix(dtype.byteWidth)
      mix(shape.count)
      for d in shape { mix(d) }
    }

    mutating func mix(_ value: Int) {
      for byte in 0..<8 {
        signature = (signature ^ UInt64((value >> (8 * byte)) & 0xff)) &* 0x100_0000_01b3
      }
    }
  }

  static func allreduce(_ tree: Value, reduction: String, world: Communicator) throws -> Value {
    let mean = reduction == "mean"
    guard mean || Communicator.Reduction(rawValue: reduction) != nil else {
      throw ScriptError("allreduce() op must be \"mean\", \"sum\", \"max\" or \"min\", not \"\(reduction)\"")
    }
    let op = Communicator.Reduction(rawValue: reduction) ?? .sum
    try requireNumericLeaves(tree, op: "allreduce")
    var packing = Packing()
    for leaf in try ParameterTree.leaves(tree) {
      switch leaf {
      case .tensor(let t) where t.dtype == .float32:
        packing.add(.float32Tensor, t.shape, t.dtype, t.count, .float32)
      case .tensor(let t) where t.dtype == .int64 || t.dtype == .int32:
        guard !mean else {
          throw ScriptError(
            "allreduce() cannot average \(t.dtype.withArticle) tensor; use op: \"sum\" (or cast it to float32)")
        }
        packing.add(.integerTensor, t.shape, t.dtype, t.count, .int64)
      case .tensor(let t):
        throw ScriptError("allreduce() cannot reduce \(t.dtype.withArticle) tensor; cast it to int32 or float32 first")
      case .float:
        packing.add(.floatNumber, [-1], .float32, 1, .float64)  // [-1], [-2]: a number, in the signature
      case .int:
        guard !mean else { throw ScriptError("allreduce() cannot average an int; use op: \"sum\" or a float") }
        packing.add(.intNumber, [-2], .int64, 1, .int64)
      default:
        throw ScriptError("allreduce() needs a tree of tensors and numbers, found \(leaf.typeNameWithArticle)")
      }
    }
    // One rank: every reduction of a single value is that value.
    guard world.size > 1 else { return tree }
    try checkSameTree(packing.signature, world: world, op: "allreduce")

    let float32 = UnsafeMutablePointer<Float>.allocate(capacity: max(packing.float32Count, 1))
    let float64 = UnsafeMutablePointer<Double>.allocate(capacity: max(packing.float64Count, 1))
    let int64 = UnsafeMutablePointer<Int64>.allocate(capacity: max(packing.int64Count, 1))
    defer {
      float32.deallocate()
      float64.deallocate()
      int64.deallocate()
    }
    // An int64 sum of `size` values each within Int64.max / size cannot overflow; larger ones
    // are refused rather than wrapped.
    let intLimit = Int64.max / Int64(world.size)
    var index = 0
    _ = try ParameterTree.map(tree) { leaf in
      let slot = packing.slots[index]
      index += 1
      switch (slot.kind, leaf) {
      case (.float32Tensor, .tensor(let t)):
        t.withUnsafeBufferPointer { src in
          if let base = src.baseAddress { (float32 + slot.offset).update(from: base, count: slot.count) }
        }
      case (.integerTensor, .tensor(let t)):
        for (i, v) in t.integerValues.enumerated() {
          if op == .sum && (v > intLimit || v < -intLimit) {
            throw ScriptError("allreduce() sum of \(v) over \(world.size) ranks could overflow int64")
          }
          int64[slot.offset + i] = v
        }
      case (.floatNumber, .float(let v)): float64[slot.offset] = v
      case (.intNumber, .int(let v)):
        if op == .sum && (Int64(v) > intLimit || Int64(v) < -intLimit) {
          throw ScriptError("allreduce() sum of \(v) over \(world.size) ranks could overflow int64")
        }
        int64[slot.offset] = Int64(v)
      default: break
      }
      return leaf
    }
    try world.allreduce(float32, count: packing.float32Count, element: .float32, reduction: op)
    try world.allreduce(float64, count: packing.float64Count, element: .float64, reduction: op)
    try world.allreduce(int64, count: packing.int64Count, element: .int64, reduction: op)

    let scale = mean ? 1 / Float(world.size) : 1
    index = 0
    return try ParameterTree.map(tree) { leaf in
      let slot = packing.slots[index]
      index += 1
      switch slot.kind {
      case .float32Tensor:
        var out = Tensor(uninitializedShape: slot.shape)
        out.withUnsafeMutableBufferPointer { dst in
          for i in 0..<slot.count { dst[i] = float32[slot.offset + i] * scale }
        }
        return .tensor(out)
      case .integerTensor:
        let values = Array(UnsafeBufferPointer(start: int64 + slot.offset, count: slot.count))
        if slot.dtype == .int32, let v = values.first(where: { Int32(exactly: $0) == nil }) {
          throw ScriptError("allreduce() result \(v) does not fit an int32 tensor; cast to int64 first")
        }
        return .tensor(Tensor(shape: slot.shape, integers: values, dtype: slot.dtype))
      case .floatNumber:
        return .float(mean ? float64[slot.offset] / Double(world.size) : float64[slot.offset])
      case .intNumber:
        return .int(Int(int64[slot.offset]))
      case .rawTensor:
        return leaf
      }
    }
  }

  static func broadcast(_ tree: Value, root: Int, world: Communicator) throws -> Value {
    try requireNumericLeaves(tree, op: "broadcast")
    var packing = Packing()
    var bytes = 0
    for leaf in try ParameterTree.leaves(tree) {
      switch leaf {
      case .tensor(let t):
        packing.slots.append(Slot(kind: .rawTensor, shape: t.shape, dtype: t.dtype, offset: bytes, count: t.count))
        packing.mix(t.dtype.byteWidth)
        packing.mix(t.shape.count)
        for d in t.shape { packing.mix(d) }
        bytes += t.storage.byteCount
      case .float:
        packing.slots.append(Slot(kind: .floatNumber, shape: [], dtype: .float32, offset: bytes, count: 1))
        packing.mix(-1)
        bytes += 8
      case .int:
        packing.slots.append(Slot(kind: .intNumber, shape: [], dtype: .int64, offset: bytes, count: 1))
        packing.mix(-2)
        bytes += 8
      default:
        throw ScriptError("broadcast() needs a tree of tensors and numbers, found \(leaf.typeNameWithArticle)")
      }
    }
    try checkSameTree(packing.signature, world: world, op: "broadcast")
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 8), alignment: 64)
    defer { buffer.deallocate() }
    var index = 0
    _ = try ParameterTree.map(tree) { leaf in
      let slot = packing.slots[index]
      index += 1
      switch leaf {
      case .tensor(let t): (buffer + slot.offset).copyMemory(from: t.storage.raw, byteCount: t.storage.byteCount)
      case .float(let v): (buffer + slot.offset).storeBytes(of: v, as: Double.self)
      case .int(let v): (buffer + slot.offset).storeBytes(of: Int64(v), as: Int64.self)
      default: break
      }
      return leaf
    }
    try world.broadcast(buffer, byteCount: bytes, root: root)
    index = 0
    return try ParameterTree.map(tree) { leaf in
      let slot = packing.slots[index]
      index += 1
      switch slot.kind {
      case .floatNumber: return .float((buffer + slot.offset).loadUnaligned(as: Double.self))
      case .intNumber: return .int(Int((buffer + slot.offset).loadUnaligned(as: Int64.self)))
      default:
        let out = Tensor(uninitializedShape: slot.shape, dtype: slot.dtype)
        out.storage.raw.copyMemory(from: buffer + slot.offset, byteCount: out.storage.byteCount)
        return .tensor(out)
      }
    }
  }

  /// Strings, bools, none and functions cannot be combined across ranks; passing them through
  /// unchanged would leave each rank with its own value while looking synchronised.
  private static func requireNumericLeaves(_ tree: Value, op: String, depth: Int = 0) throws {
    guard depth < 64 else { throw ScriptError("parameter tree nested too deeply") }
    switch tree {
    case .list(let l): for item in l.items { try requireNumericLeaves(item, op: op, depth: depth + 1) }
    case .record(let r): for (_, v) in r.fields { try requireNumericLeaves(v, op: op, depth: depth + 1) }
    case .tensor, .int, .float: break
    default:
      throw ScriptError("\(op)() needs a tree of tensors and numbers, found \(tree.typeNameWithArticle)")
    }
  }

  /// Every rank must pass a tree of the same shapes and dtypes: compare signatures (max and
  /// min of it across the ranks agree only if all are equal).
  private static func checkSameTree(_ signature: UInt64, world: Communicator, op: String) throws {
    guard world.size > 1 else { return }
    let mine = Int64(bitPattern: signature & 0x7fff_ffff_ffff_ffff)
    var extremes: [Int64] = [mine, -mine]
    try extremes.withUnsafeMutableBytes { raw in
      try world.allreduce(raw.baseAddress!, count: 2, element: .int64, reduction: .max)
    }
    guard extremes[0] == -extremes[1] else {
      throw ScriptError(
        "\(op)() got trees of different shapes or dtypes on different ranks (seen on rank \(world.rank)); every rank must pass the same structure")
    }
  }
}
