import CZMQ
import Glibc

/// A ZeroMQ error with libzmq's message.
public struct ZMQError: Error, CustomStringConvertible {
  public let description: String
  init(_ what: String) {
    description = "\(what): " + String(cString: zmq_strerror(zmq_errno()))
  }
}

/// A ZeroMQ context (one per kernel process).
final class ZMQContext: @unchecked Sendable {
  let handle: UnsafeMutableRawPointer

  init() throws {
    guard let handle = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
    self.handle = handle
  }

  deinit { zmq_ctx_term(handle) }
}

/// One ZeroMQ socket. Multipart messages are lists of frames (byte arrays). A socket is used
/// by one thread at a time (the kernel's loop, or the cell running on the interpreter's
/// thread while the loop waits for it).
final class ZMQSocket: @unchecked Sendable {
  let handle: UnsafeMutableRawPointer
  /// Kept so the context (whose termination waits for every socket) outlives its sockets.
  private let context: ZMQContext

  init(_ context: ZMQContext, type: Int32) throws {
    guard let handle = zmq_socket(context.handle, type) else { throw ZMQError("zmq_socket") }
    self.handle = handle
    self.context = context
    var linger: Int32 = 0  // closing never waits for unsent messages
    zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
  }

  deinit { zmq_close(handle) }

  func bind(_ endpoint: String) throws {
    guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("bind \(endpoint)") }
  }

  func send(_ frames: [[UInt8]]) throws {
    for (i, frame) in frames.enumerated() {
      let flags: Int32 = i == frames.count - 1 ? 0 : ZMQ_SNDMORE
      while true {
        let n = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
        if n >= 0 { break }
        if zmq_errno() == EINTR { continue }
        throw ZMQError("zmq_send")
      }
    }
  }

  /// Receives one multipart message; nil if interrupted by a signal before any frame arrived.
  func receive() throws -> [[UInt8]]? {
    var frames: [[UInt8]] = []
    while true {
      var message = zmq_msg_t()
      zmq_msg_init(&message)
      defer { zmq_msg_close(&message) }
      if zmq_msg_recv(&message, handle, 0) < 0 {
        if zmq_errno() == EINTR {
          if frames.isEmpty { return nil }
          continue
        }
        throw ZMQError("zmq_msg_recv")
      }
      let size = zmq_msg_size(&message)
      if let data = zmq_msg_data(&message), size > 0 {
        frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
      } else {
        frames.append([])
      }
      if zmq_msg_more(&message) == 0 { return frames }
    }
  }

  /// Waits up to `timeout` milliseconds (-1: forever) for any of `sockets` to have a message;
  /// returns the indices of the readable ones (empty on timeout or signal).
  static func poll(_ sockets: [ZMQSocket], timeout: Int) -> [Int] {
    var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
    let n = zmq_poll(&items, Int32(items.count), timeout)
    guard n > 0 else { return [] }
    return items.indices.filter { items[$0].revents & Int16(ZMQ_POLLIN) != 0 }
  }
}
