import Foundation

/// File names for a partial path (`data/mn` → `data/mnist/`), for notebook completion where
/// readline's file-name completer is not available.
enum FileNameCompletion {
  static func matches(_ partial: String) -> [String] {
    let slash = partial.lastIndex(of: "/")
    let directoryPart = slash.map { String(partial[...$0]) } ?? ""
    let prefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
    let directory = directoryPart.isEmpty ? "." : directoryPart
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
    return names.filter { $0.hasPrefix(prefix) && (prefix.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
      var isDirectory: ObjCBool = false
      let path = directoryPart + name
      _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      return isDirectory.boolValue ? path + "/" : path
    }
  }
}
