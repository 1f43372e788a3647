import Glibc

/// Writes a whole file so that readers see either the old content or the new one, never a
/// half-written file: write a temporary file in the same directory, fsync it, rename it over.
func writeFileAtomically(_ text: String, to path: String) throws {
  let temporary = path + ".tmp-\(getpid())"
  let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
  guard fd >= 0 else { throw DisplayError("cannot write \(path): \(systemError())") }
  var bytes = Array(text.utf8)
  var written = 0
  var failure: String?
  bytes.withUnsafeMutableBytes { buffer in
    while written < buffer.count, let base = buffer.baseAddress {
      let n = write(fd, base + written, buffer.count - written)
      if n < 0 {
        if errno == EINTR { continue }
        failure = systemError()
        return
      }
      written += n
    }
  }
  if failure == nil && fsync(fd) != 0 { failure = systemError() }
  if close(fd) != 0 && failure == nil { failure = systemError() }
  if failure == nil && rename(temporary, path) != 0 { failure = systemError() }
  if let failure {
    unlink(temporary)
    throw DisplayError("cannot write \(path): \(failure)")
  }
  bytes.removeAll()
}

func systemError() -> String { String(cString: strerror(errno)) }
