import Foundation
import MNLData
import MNLTensor

extension Builtins {
  /// Data sets, IDX files, images and checkpoints.
  static let data: [BuiltinFunction] = [
    BuiltinFunction("load_idx", [.init("path")], doc: "Reads an IDX file (raw or .gz) as a tensor.") { ctx in
      .tensor(try IDX.load(try ctx.string(0)))
    },
    BuiltinFunction(
      "load_mnist", [.init("dir"), .init("validation", default: .int(5000))],
      doc: "MNIST (or Fashion-MNIST) from dir as {train, validation, test}; the first `validation` training images form the validation split."
    ) { ctx in
      let dir = try ctx.string(0)
      let data = try MNISTDataSet.load(directory: dir, validation: try ctx.int(1))
      return .record([
        ("train", .object(DataSplitObject(data.train, name: "train"))),
        ("validation", .object(DataSplitObject(data.validation, name: "validation"))),
        ("test", .object(DataSplitObject(data.test, name: "test"))),
      ])
    },
    BuiltinFunction(
      "next_batch",
      [.init("split"), .init("size"), .init("shard", default: .int(0)), .init("shards", default: .int(1))],
      doc: "[images, labels] for the next `size` examples of a shuffled pass; reshuffles each epoch (seeded by seed(n)). With shards: N, this is shard `shard`'s size/N of that batch (data-parallel ranks: shard: mpi_rank(), shards: mpi_size())."
    ) { ctx in
      let split = try ctx.dataSplit(0)
      let size = try ctx.int(1)
      let shard = try ctx.int(2)
      let shards = try ctx.int(3)
      let batch = try SessionRandom.with { try split.split.nextBatch(size, shard: shard, shards: shards, using: &$0) }
      return .list([.tensor(batch.images), .tensor(batch.labels)])
    },
    BuiltinFunction("image", [.init("split"), .init("index")], doc: "Image `index` of a split as a rows×columns tensor in [0, 1].") { ctx in
      .tensor(try ctx.dataSplit(0).split.image(try ctx.int(1)))
    },
    BuiltinFunction("label", [.init("split"), .init("index")], doc: "Label `index` of a split.") { ctx in
      .int(try ctx.dataSplit(0).split.label(try ctx.int(1)))
    },
    BuiltinFunction("load_image", [.init("path")], doc: "Reads a PGM/PPM/PNG image as a [height, width] grey tensor in [0, 1].") { ctx in
      .tensor(try ImageFile.readGrey(try ctx.string(0)))
    },
    BuiltinFunction(
      "prepare_digit", [.init("image")],
      doc: "Prepares a photo or scan of a digit the MNIST way: light on dark, cropped, scaled into 20×20, centred in 28×28."
    ) { ctx in
      .tensor(try prepareDigit(try ctx.tensor(0)))
    },
    BuiltinFunction("save_pgm", [.init("path"), .init("image")], doc: "Writes a 2-D tensor (values in [0, 1]) as a binary PGM image.") { ctx in
      try PGM.write(try ctx.string(0), image: try ctx.tensor(1))
      return .none
    },
    BuiltinFunction(
      "save_png", [.init("path"), .init("image")],
      doc: "Writes an image tensor as PNG, atomically: [H, W] or [H, W, 1] grey, [H, W, 3] RGB; floats in [0, 1], ints 0…255. Returns the path."
    ) { ctx in
      let path = try ctx.string(0)
      try PNGImageWriter.write(path, image: try ctx.tensor(1))
      return .string(path)
    },
    BuiltinFunction(
      "save", [.init("path"), .init("tensors"), .init("metadata", default: Value.none)],
      doc: "Saves a tree of tensors as a safetensors file (names are field paths joined by '/'), atomically."
    ) { ctx in
      let path = try ctx.string(0)
      var named: [(String, Tensor)] = []
      try flattenTensors(ctx[1], prefix: "", into: &named)
      var metadata: [String: String] = [:]
      if case .record(let r) = ctx[2] {
        for (k, v) in r.fields {
          if case .string(let s) = v { metadata[k] = s } else { metadata[k] = v.display() }
        }
      } else if !ctx[2].isNone {
        throw ctx.typeError(2, expected: "a record of metadata")
      }
      try createParentDirectory(of: path)
      try Safetensors.save(path, tensors: named, metadata: metadata)
      return .none
    },
    BuiltinFunction("load", [.init("path")], doc: "Reads a safetensors file as a record of tensors ('a/b' names become nested records).") { ctx in
      let contents = try Safetensors.load(try ctx.string(0))
      let root = RecordObject()
      for (name, tensor) in contents.tensors { try insert(tensor, at: name, into: root) }
      return .record(root)
    },
    BuiltinFunction(
      "load_metadata", [.init("path")],
      doc: "The metadata of a safetensors file as a record; numbers and lists of numbers are parsed back."
    ) { ctx in
      let contents = try Safetensors.load(try ctx.string(0))
      return .record(contents.metadata.sorted { $0.key < $1.key }.map { ($0.key, parseMetadataValue($0.value)) })
    },
  ]

  /// Tensor leaves of a tree with their '/'-joined paths ("weight_1", "average/weight_1", "layers/0/w").
  private static func flattenTensors(_ v: Value, prefix: String, into out: inout [(String, Tensor)], depth: Int = 0) throws {
    guard depth < 64 else { throw ScriptError("save(): tree nested too deeply") }
    let join = { (k: String) in prefix.isEmpty ? k : "\(prefix)/\(k)" }
    switch v {
    case .record(let r): for (k, x) in r.fields { try flattenTensors(x, prefix: join(k), into: &out, depth: depth + 1) }
    case .list(let l): for (i, x) in l.items.enumerated() { try flattenTensors(x, prefix: join(String(i)), into: &out, depth: depth + 1) }
    default:
      guard let t = try v.tensorArg()?.tensor else {
        throw ScriptError("save(): '\(prefix)' is \(v.typeName), not a tensor")
      }
      out.append((prefix.isEmpty ? "tensor" : prefix, t))
    }
  }

  private static func insert(_ t: Tensor, at name: String, into root: RecordObject) throws {
    let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    var node = root
    for part in parts.dropLast() {
      if case .record(let child)? = node[part] {
        node = child
      } else if node[part] == nil {
        let child = RecordObject()
        node[part] = .record(child)
        node = child
      } else {
        throw ScriptError("load(): tensor name '\(name)' clashes with another tensor's name")
      }
    }
    node[parts.last ?? name] = .tensor(t)
  }

  /// "784" → 784, "[784, 500, 10]" → list of ints, "0.5" → float; anything else stays a string.
  static func parseMetadataValue(_ s: String) -> Value {
    let trimmed = s.trimmingCharacters(in: .whitespaces)
    if let i = Int(trimmed) { return .int(i) }
    if let d = Double(trimmed), trimmed.contains(where: \.isNumber) { return .float(d) }
    if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
      let inner = trimmed.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      if inner.isEmpty { return .list([]) }
      let numbers = inner.map { parseMetadataValue($0) }
      if numbers.allSatisfy({ if case .string = $0 { false } else { true } }) { return .list(numbers) }
    }
    return .string(s)
  }

  static func createParentDirectory(of path: String) throws {
    let dir = parentDirectory(of: path)
    guard !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) else { return }
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw ScriptError("cannot create directory \(dir): \(error.localizedDescription)")
    }
  }
}
