import CZMQ
import Foundation
import Glibc
import MNLDisplay
import MNLInterrupt
import MNLLanguage
import MNLRepl

/// The Jupyter kernel (`mnl kernel -f CONNECTION_FILE`): messaging protocol 5.3 over ZeroMQ.
///
/// Shell and control requests are served one at a time by `run()`; a cell runs on the
/// interpreter's thread while the loop waits, and its outputs go out on iopub as they happen.
/// The heartbeat echoes on its own thread so a long cell never looks like a dead kernel.
/// Interrupts arrive as SIGINT (`interrupt_mode: signal` in kernel.json) — or as an
/// interrupt_request on control — and stop the running cell at its next check, keeping the
/// session's variables.
public final class JupyterKernel {
  let connection: ConnectionInfo
  let signer: MessageSigner
  let context: ZMQContext
  let shell: ZMQSocket
  let control: ZMQSocket
  let iopub: ZMQSocket
  let stdin: ZMQSocket
  let sessionID = UUID().uuidString.lowercased()
  var session: NotebookSession!
  var executionCount = 0
  var history: [(line: Int, code: String)] = []
  /// The request whose cell is running: outputs name it as their parent.
  var currentParent: [String: Any] = [:]
  var currentIdentities: [[UInt8]] = []
  var allowStdin = false
  var silent = false
  var lastError: NotebookOutput?
  var shouldStop = false

  public init(connection: ConnectionInfo) throws {
    self.connection = connection
    signer = try MessageSigner(key: connection.key, scheme: connection.signatureScheme)
    context = try ZMQContext()
    shell = try ZMQSocket(context, type: ZMQ_ROUTER)
    control = try ZMQSocket(context, type: ZMQ_ROUTER)
    iopub = try ZMQSocket(context, type: ZMQ_PUB)
    stdin = try ZMQSocket(context, type: ZMQ_ROUTER)
    try shell.bind(connection.endpoint(connection.shellPort))
    try control.bind(connection.endpoint(connection.controlPort))
    try iopub.bind(connection.endpoint(connection.iopubPort))
    try stdin.bind(connection.endpoint(connection.stdinPort))
    try startHeartbeat()
    session = makeSession()
  }

  func makeSession() -> NotebookSession {
    let session = NotebookSession { [unowned self] output in self.publish(output) }
    session.interpreter.register(inputBuiltin())
    return session
  }

  /// Serves requests until a shutdown request.
  public func run() {
    KernelInterrupts.install()
    publishStatus("starting", parent: [:])
    while !shouldStop {
      let ready = ZMQSocket.poll([control, shell], timeout: 500)
      // Control first: an interrupt or shutdown must not wait behind queued cells.
      for index in ready {
        let socket = index == 0 ? control : shell
        guard let frames = try? socket.receive() else { continue }
        handle(frames, on: socket)
        if shouldStop { break }
      }
    }
    // Wakes the heartbeat thread (its wait fails with ETERM), so it closes its socket.
    zmq_ctx_shutdown(context.handle)
  }

  func handle(_ frames: [[UInt8]], on socket: ZMQSocket) {
    let message: WireMessage
    switch signer.decode(frames) {
    case .success(let m): message = m
    case .failure(let error):
      log("dropped a message: \(error)")
      return
    }
    publishStatus("busy", parent: message.rawHeader)
    defer { publishStatus("idle", parent: message.rawHeader) }
    let content = message.content
    switch message.header.msgType {
    case "kernel_info_request":
      reply(message, on: socket, type: "kernel_info_reply", content: KernelInfo.content)
    case "execute_request":
      execute(message, on: socket)
    case "complete_request":
      let code = content["code"] as? String ?? ""
      let cursor = content["cursor_pos"] as? Int ?? code.unicodeScalars.count
      let result = session.complete(code, cursor: cursor)
      reply(message, on: socket, type: "complete_reply", content: [
        "status": "ok", "matches": result.matches, "cursor_start": result.start, "cursor_end": result.end,
        "metadata": [String: Any](),
      ])
    case "inspect_request":
      let code = content["code"] as? String ?? ""
      let cursor = content["cursor_pos"] as? Int ?? code.unicodeScalars.count
      let text = session.inspect(code, cursor: cursor)
      reply(message, on: socket, type: "inspect_reply", content: [
        "status": "ok", "found": text != nil, "data": text.map { ["text/plain": $0] } ?? [String: Any](),
        "metadata": [String: Any](),
      ])
    case "is_complete_request":
      let (status, indent) = session.isComplete(content["code"] as? String ?? "")
      var reply = ["status": status]
      if status == "incomplete" { reply["indent"] = indent }
      self.reply(message, on: socket, type: "is_complete_reply", content: reply)
    case "history_request":
      reply(message, on: socket, type: "history_reply", content: ["status": "ok", "history": historyReply(content)])
    case "comm_info_request":
      reply(message, on: socket, type: "comm_info_reply", content: ["status": "ok", "comms": [String: Any]()])
    case "interrupt_request":
      Interrupt.request()
      reply(message, on: socket, type: "interrupt_reply", content: ["status": "ok"])
    case "shutdown_request":
      let restart = content["restart"] as? Bool ?? false
      reply(message, on: socket, type: "shutdown_reply", content: ["status": "ok", "restart": restart])
      // The kernel process ends either way: jupyter_client starts a new one for a restart.
      shouldStop = true
    default:
      log("ignored an unknown request '\(message.header.msgType)'")
    }
  }

  func execute(_ message: WireMessage, on socket: ZMQSocket) {
    let code = message.content["code"] as? String ?? ""
    silent = message.content["silent"] as? Bool ?? false
    let storeHistory = (message.content["store_history"] as? Bool ?? true) && !silent
    allowStdin = message.content["allow_stdin"] as? Bool ?? false
    if storeHistory { executionCount += 1 }
    currentParent = message.rawHeader
    currentIdentities = message.identities
    lastError = nil
    if !silent {
      send(iopub, type: "execute_input", parent: message.rawHeader, content: ["code": code, "execution_count": executionCount])
    }
    if storeHistory { history.append((executionCount, code)) }
    let succeeded = session.execute(code, count: executionCount)
    var content: [String: Any] = ["execution_count": executionCount]
    if succeeded {
      content["status"] = "ok"
      content["user_expressions"] = [String: Any]()
      content["payload"] = [Any]()
    } else {
      content["status"] = "error"
      if case .error(let name, let value, let traceback)? = lastError {
        content["ename"] = name
        content["evalue"] = value
        content["traceback"] = traceback
      } else {
        content["ename"] = "Error"
        content["evalue"] = ""
        content["traceback"] = [String]()
      }
    }
    // Before the reply: whatever is queued now was sent before the front end saw the error.
    if !succeeded && (message.content["stop_on_error"] as? Bool ?? true) { abortQueuedExecutions() }
    reply(message, on: socket, type: "execute_reply", content: content)
    silent = false
  }

  /// After a failed cell, cells already queued behind it are not run (the notebook's "Run
  /// all" stops at the error): they get status "aborted". Only requests that arrived before
  /// the failed cell's reply go, so a cell run after seeing the error always runs.
  func abortQueuedExecutions() {
    while !ZMQSocket.poll([shell], timeout: 0).isEmpty {
      guard let frames = try? shell.receive(), case .success(let message) = signer.decode(frames) else { continue }
      if message.header.msgType == "execute_request" {
        publishStatus("busy", parent: message.rawHeader)
        reply(message, on: shell, type: "execute_reply", content: ["status": "aborted", "execution_count": executionCount])
        publishStatus("idle", parent: message.rawHeader)
      } else {
        handle(frames, on: shell)
      }
    }
  }

  /// A cell's output as an iopub message.
  func publish(_ output: NotebookOutput) {
    if case .error = output { lastError = output }
    if silent { return }
    switch output {
    case .stream(let name, let text):
      send(iopub, type: "stream", parent: currentParent, content: ["name": name, "text": text])
    case .display(let bundle, let id):
      send(iopub, type: "display_data", parent: currentParent, content: [
        "data": bundle.entries, "metadata": [String: Any](),
        "transient": id.map { ["display_id": $0] } ?? [String: Any](),
      ])
    case .update(let bundle, let id):
      send(iopub, type: "update_display_data", parent: currentParent, content: [
        "data": bundle.entries, "metadata": [String: Any](), "transient": ["display_id": id],
      ])
    case .result(let bundle):
      send(iopub, type: "execute_result", parent: currentParent, content: [
        "execution_count": executionCount, "data": bundle.entries, "metadata": [String: Any](),
      ])
    case .error(let name, let value, let traceback):
      send(iopub, type: "error", parent: currentParent, content: ["ename": name, "evalue": value, "traceback": traceback])
    }
  }

  func historyReply(_ content: [String: Any]) -> [[Any]] {
    var entries = history
    switch content["hist_access_type"] as? String ?? "tail" {
    case "range":
      let start = content["start"] as? Int ?? 0
      let stop = content["stop"] as? Int ?? Int.max
      entries = entries.filter { $0.line >= start && $0.line < stop }
    case "search":
      let pattern = content["pattern"] as? String ?? "*"
      entries = entries.filter { fnmatch(pattern, $0.code, 0) == 0 }
      if content["unique"] as? Bool ?? false {
        var seen = Set<String>()
        entries = entries.reversed().filter { seen.insert($0.code).inserted }.reversed()
      }
      if let n = content["n"] as? Int, n >= 0 { entries = Array(entries.suffix(n)) }
    default:
      if let n = content["n"] as? Int, n >= 0 { entries = Array(entries.suffix(n)) }
    }
    return entries.map { [1, $0.line, $0.code] }
  }

  func publishStatus(_ state: String, parent: [String: Any]) {
    send(iopub, type: "status", parent: parent, content: ["execution_state": state])
  }

  func reply(_ request: WireMessage, on socket: ZMQSocket, type: String, content: [String: Any]) {
    send(socket, type: type, parent: request.rawHeader, content: content, identities: request.identities)
  }

  func send(
    _ socket: ZMQSocket, type: String, parent: [String: Any], content: [String: Any], identities: [[UInt8]]? = nil
  ) {
    let header = MessageHeader(type: type, session: sessionID)
    // iopub messages carry their type as the topic.
    let routing = identities ?? [Array("kernel.\(sessionID).\(type)".utf8)]
    let message = WireMessage(identities: routing, header: header, parentHeader: parent, metadata: [:], content: content)
    do {
      try socket.send(try signer.encode(message))
    } catch {
      log("could not send \(type): \(error)")
    }
  }

  func log(_ text: String) {
    FileHandle.standardError.write(Data("mnl kernel: \(text)\n".utf8))
  }
}
