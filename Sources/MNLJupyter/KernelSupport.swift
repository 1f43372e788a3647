import CZMQ
import Foundation
import Glibc
import MNLInterrupt
import MNLLanguage

/// What kernel_info_reply says about mnl.
enum KernelInfo {
  static let version = "0.1.0"

  static var content: [String: Any] {
    [
      "status": "ok", "protocol_version": "5.3", "implementation": "mnl", "implementation_version": version,
      "language_info": [
        "name": "mnl", "version": version, "mimetype": "text/x-mnl", "file_extension": ".mnl",
        "pygments_lexer": "python", "codemirror_mode": "python",
      ],
      "banner": "mnl \(version) — a notebook-style scripting language for machine learning. :help lists commands and built-ins.",
      "help_links": [[String: Any]](),
    ]
  }
}

/// SIGINT (Jupyter's "interrupt kernel" with interrupt_mode signal) sets the interrupt flag:
/// the running cell stops at its next check with "interrupted"; the kernel goes on.
enum KernelInterrupts {
  static func install() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in Interrupt.request() }
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_RESTART
    sigaction(SIGINT, &action, nil)
  }
}

extension JupyterKernel {
  /// The heartbeat: a REP socket on its own thread that echoes every ping.
  func startHeartbeat() throws {
    let socket = try ZMQSocket(context, type: ZMQ_REP)
    try socket.bind(connection.endpoint(connection.hbPort))
    let thread = Thread {
      // A signal interrupts a wait (receive gives nil): wait again. An error means the context
      // is ending: stop, which closes the socket.
      while true {
        do {
          guard let frames = try socket.receive() else { continue }
          try socket.send(frames)
        } catch {
          return
        }
      }
    }
    thread.name = "mnl-heartbeat"
    thread.start()
  }

  /// `input(prompt)` in a cell asks the front end over the stdin channel (an input_request),
  /// as Jupyter's input boxes do; without a front end that allows input it is an error.
  func inputBuiltin() -> BuiltinFunction {
    let kernel = KernelReference(self)
    return BuiltinFunction(
      "input", [.init("prompt", default: .string(""))],
      doc: "Reads a line: in a notebook, from the input box the front end shows (none if it is cancelled)."
    ) { ctx in
      let prompt: String
      if case .string(let s) = ctx[0] { prompt = s } else { prompt = ctx[0].display() }
      guard let line = try kernel.value.requestInput(prompt: prompt) else { return .none }
      return .string(line)
    }
  }

  func requestInput(prompt: String) throws -> String? {
    guard allowStdin else {
      throw ScriptError("input() needs a front end that accepts input; this request does not allow stdin")
    }
    session.interpreter.output.flush()
    send(stdin, type: "input_request", parent: currentParent, content: ["prompt": prompt, "password": false],
         identities: currentIdentities)
    while true {
      if Interrupt.isRequested { throw ScriptError("interrupted") }
      guard !ZMQSocket.poll([stdin], timeout: 100).isEmpty, let frames = try stdin.receive() else { continue }
      guard case .success(let message) = signer.decode(frames), message.header.msgType == "input_reply" else { continue }
      return message.content["value"] as? String
    }
  }
}

/// Lets a `@Sendable` built-in reach the kernel (all of it runs on one thread at a time).
struct KernelReference: @unchecked Sendable {
  unowned let value: JupyterKernel
  init(_ value: JupyterKernel) { self.value = value }
}
