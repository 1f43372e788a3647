import Foundation

/// Runs work on a thread with a large stack (512 MB of address space, touched only as used),
/// so deep but legal recursion works; the interpreter's depth limit turns runaway recursion
/// into an error long before this stack is exhausted.
enum LargeStack {
  static let size = 512 << 20

  final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
  }

  static func run<T>(_ body: () throws -> T) throws -> T {
    try withoutActuallyEscaping(body) { escapable in
      let result = Box<Result<T, any Error>?>(nil)
      let work = Box<(() throws -> T)?>(escapable)
      let done = DispatchSemaphore(value: 0)
      let thread = Thread {
        if let body = work.value { result.value = Result { try body() } }
        // Release the closure before signalling: it must not outlive this call.
        work.value = nil
        done.signal()
      }
      thread.stackSize = size
      thread.start()
      done.wait()
      guard let r = result.value else { throw ScriptError("the interpreter thread did not finish") }
      return try r.get()
    }
  }
}
