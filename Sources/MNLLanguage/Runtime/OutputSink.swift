import Foundation

/// Where `print` writes. The standard sink buffers stdout and flushes when the buffer is large,
/// at every line on a terminal, at least every 0.2 s while printing, and on `flush()` (before
/// errors, prompts and exit), so printing in loops stays cheap.
public final class OutputSink: @unchecked Sendable {
  private var buffer: [UInt8] = []
  private let writeBytes: ([UInt8]) -> Void
  private let lineBuffered: Bool
  private var lastFlush = DispatchTime.now().uptimeNanoseconds

  /// A sink passing each flushed chunk of text to `write`.
  public init(write: @escaping (String) -> Void) {
    self.writeBytes = { write(String(decoding: $0, as: UTF8.self)) }
    self.lineBuffered = false
  }

  private init(fileDescriptor: Int32) {
    self.lineBuffered = isatty(fileDescriptor) != 0
    self.writeBytes = { bytes in
      bytes.withUnsafeBufferPointer { p in
        var offset = 0
        while offset < p.count, let base = p.baseAddress {
          let n = Glibc.write(fileDescriptor, base + offset, p.count - offset)
          if n <= 0 { break }
          offset += n
        }
      }
    }
  }

  /// The process's standard output.
  public static let standardOutput = OutputSink(fileDescriptor: 1)

  public func write(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 || (lineBuffered && text.contains("\n")) {
      flush()
      return
    }
    let now = DispatchTime.now().uptimeNanoseconds
    if now &- lastFlush > 200_000_000 { flush() }
  }

  public func flush() {
    lastFlush = DispatchTime.now().uptimeNanoseconds
    guard !buffer.isEmpty else { return }
    let bytes = buffer
    buffer.removeAll(keepingCapacity: true)
    writeBytes(bytes)
  }
}
