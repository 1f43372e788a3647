import MNLTensor

/// NumPy's .npz: a ZIP archive of .npy files, one per array, named `<name>.npy`
/// (np.savez stores them, np.savez_compressed deflates them; both are read).
public enum NPZ {
  public static func load(_ path: String) throws -> [(name: String, tensor: Tensor)] {
    let entries = try ZipArchive.read(try FileIO.readAll(path), file: path)
    return try entries.map { entry in
      let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
      return (name, try NPY.decode(entry.data, file: "\(path)/\(entry.name)"))
    }
  }

  public static func save(_ path: String, _ arrays: [(String, Tensor)], compress: Bool = false) throws {
    var seen = Set<String>()
    for (name, _) in arrays where !seen.insert(name).inserted {
      throw DataError(file: path, "duplicate array name '\(name)'")
    }
    let entries = arrays.map { ZipArchive.Entry(name: $0.0 + ".npy", data: NPY.encode($0.1)) }
    try AtomicFile.write(try ZipArchive.write(entries, compress: compress, file: path), to: path)
  }
}
