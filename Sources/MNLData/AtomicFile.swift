#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Crash-safe file replacement: the bytes go to a temporary file in the destination's
/// directory, which is flushed to disk (fsync) and then renamed over the destination;
/// finally the directory itself is flushed so the rename is durable. Readers see either
/// the old file or the complete new one, never a partial write.
public enum AtomicFile {
  public static func write(_ bytes: [UInt8], to path: String) throws {
    let directory = directoryOf(path)
    let base = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    guard !base.isEmpty else { throw DataError(file: path, "not a file name") }
    removeAbandonedTemporaries(of: base, in: directory)
    // The writer's pid is in the name, so a later save can tell an abandoned temporary file
    // (its writer was killed mid-write) from one another process is still writing.
    var template = Array("\(directory)/.\(base).tmp-\(getpid())-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkstemp($0) } ?? -1 }
    guard fd >= 0 else {
      throw DataError(file: path, "cannot create a temporary file in \(directory): \(FileIO.systemError())")
    }
    let tempPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var renamed = false
    defer {
      if !renamed { unlink(tempPath) }
    }
    do {
      // mkstemp creates the file 0600; checkpoints and images should be readable like normal files.
      let mask = umask(0)
      umask(mask)
      fchmod(fd, 0o666 & ~mask)
      try writeAll(fd, bytes, path: path)
      guard fsync(fd) == 0 else { throw DataError(file: path, "fsync failed: \(FileIO.systemError())") }
    } catch {
      close(fd)
      throw error
    }
    guard close(fd) == 0 else { throw DataError(file: path, "close failed: \(FileIO.systemError())") }
    guard rename(tempPath, path) == 0 else {
      throw DataError(file: path, "cannot rename the temporary file into place: \(FileIO.systemError())")
    }
    renamed = true
    // Make the rename itself durable. Some file systems refuse fsync on a directory; that is not fatal.
    let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dirFD >= 0 {
      _ = fsync(dirFD)
      close(dirFD)
    }
  }

  /// Deletes `.BASE.tmp-PID-XXXXXX` files in `directory` whose writing process is gone (a save
  /// killed by SIGKILL or a power cut cannot clean up after itself), so they do not pile up.
  static func removeAbandonedTemporaries(of base: String, in directory: String) {
    guard let dir = opendir(directory) else { return }
    defer { closedir(dir) }
    let prefix = ".\(base).tmp-"
    while let entry = readdir(dir) {
      // Read d_name in place, up to its NUL: glibc's records are only d_reclen bytes long, so
      // copying the whole `dirent` (256-byte d_name) can read past the end of its buffer.
      guard let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { continue }
      let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
      guard name.hasPrefix(prefix) else { continue }
      let rest = name.dropFirst(prefix.count)
      guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
      // kill(pid, 0) fails with ESRCH only when no such process exists.
      if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
        unlink(directory + "/" + name)
      }
    }
  }

  static func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let dir = String(path[..<slash])
    return dir.isEmpty ? "/" : dir
  }

  private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
    try bytes.withUnsafeBytes { buffer in
      var done = 0
      while done < buffer.count {
        guard let base = buffer.baseAddress else { return }
        let n = posixWrite(fd, base + done, buffer.count - done)
        if n < 0 {
          if errno == EINTR { continue }
          throw DataError(file: path, "write failed: \(FileIO.systemError())")
        }
        done += n
      }
    }
  }
}

/// The C `write`, which `AtomicFile.write` would otherwise shadow.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, buffer, count)
}
