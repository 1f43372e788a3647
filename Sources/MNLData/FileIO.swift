#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole-file reads through POSIX calls, so errors carry the system's reason
/// ("No such file or directory") and the path.
public enum FileIO {
  /// Reads a regular file completely. Refuses directories and files larger than `limit` bytes.
  public static func readAll(_ path: String, limit: Int = 1 << 33) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw DataError(file: path, "cannot open: \(systemError())") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw DataError(file: path, "cannot stat: \(systemError())") }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw DataError(file: path, "not a regular file")
    }
    let size = Int(info.st_size)
    guard size >= 0, size <= limit else {
      throw DataError(file: path, "file is too large (\(size) bytes)")
    }
    var bytes = [UInt8](repeating: 0, count: size)
    var done = 0
    try bytes.withUnsafeMutableBytes { buffer in
      while done < size {
        guard let base = buffer.baseAddress else { break }
        let n = read(fd, base + done, size - done)
        if n < 0 {
          if errno == EINTR { continue }
          throw DataError(file: path, "read failed: \(systemError())")
        }
        if n == 0 { break }  // the file shrank while we read it
        done += n
      }
    }
    if done < size { bytes.removeSubrange(done...) }
    return bytes
  }

  static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  static func systemError() -> String { String(cString: strerror(errno)) }
}
