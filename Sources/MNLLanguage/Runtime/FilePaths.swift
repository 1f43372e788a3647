/// The directory part of a path, without Foundation: `NSString.deletingLastPathComponent`
/// traps on some one-component paths ("x", ".") with this toolchain on Linux.
/// "a/b/c" → "a/b", "a/b/" → "a", "/x" → "/", "x" → "", "" → "".
func parentDirectory(of path: String) -> String {
  var trimmed = Substring(path)
  while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
  guard let slash = trimmed.lastIndex(of: "/") else { return "" }
  var dir = trimmed[..<slash]
  while dir.count > 1, dir.hasSuffix("/") { dir = dir.dropLast() }
  return dir.isEmpty ? "/" : String(dir)
}
