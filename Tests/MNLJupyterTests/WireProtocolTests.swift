import Foundation
import MNLData
import Testing

@testable import MNLJupyter

@Suite struct WireProtocolTests {
  @Test func hmacMatchesRFC4231() throws {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    let signer = try MessageSigner(key: "Jefe", scheme: "hmac-sha256")
    let signature = String(decoding: signer.signature([Array("what do ya want ".utf8), Array("for nothing?".utf8)]), as: UTF8.self)
    #expect(signature == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
  }

  @Test func messagesRoundTripAndBadSignaturesAreRejected() throws {
    let signer = try MessageSigner(key: "secret", scheme: "hmac-sha256")
    let message = WireMessage(
      identities: [Array("client".utf8)], header: MessageHeader(type: "execute_request", session: "s"),
      parentHeader: [:], metadata: [:], content: ["code": "1 + 1", "silent": false])
    var frames = try signer.encode(message)
    #expect(frames[1] == WireMessage.delimiter)
    guard case .success(let decoded) = signer.decode(frames) else {
      Issue.record("a signed message must decode")
      return
    }
    #expect(decoded.identities == [Array("client".utf8)])
    #expect(decoded.header.msgType == "execute_request")
    #expect(decoded.content["code"] as? String == "1 + 1")
    #expect(decoded.rawHeader["msg_id"] as? String == message.header.msgID)
    frames[frames.count - 1] = Array(#"{"code": "rm -rf"}"#.utf8)  // tampered content
    guard case .failure = signer.decode(frames) else {
      Issue.record("a tampered message must be rejected")
      return
    }
    #expect(throws: KernelError.self) { try MessageSigner(key: "k", scheme: "hmac-md5") }
  }

  @Test func connectionFileDecodes() throws {
    let json = """
      {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,
       "ip": "127.0.0.1", "key": "abc", "transport": "tcp", "signature_scheme": "hmac-sha256",
       "kernel_name": "mnl"}
      """
    let info = try JSONDecoder().decode(ConnectionInfo.self, from: Data(json.utf8))
    #expect(info.endpoint(info.hbPort) == "tcp://127.0.0.1:5")
    #expect(info.key == "abc")
  }

  @Test func kernelspecRunsThisBinaryWithSignalInterrupts() throws {
    let dir = NSTemporaryDirectory() + "mnl-kernelspec-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = try KernelSpec.install(at: .prefix(dir), executable: "/opt/bin/mnl", environment: [:])
    #expect(path == dir + "/share/jupyter/kernels/mnl")
    let spec = try JSONSerialization.jsonObject(with: Data(try FileIO.readAll(path + "/kernel.json"))) as? [String: Any]
    #expect(spec?["argv"] as? [String] == ["/opt/bin/mnl", "kernel", "-f", "{connection_file}"])
    #expect(spec?["interrupt_mode"] as? String == "signal")
    #expect(spec?["language"] as? String == "mnl")
    for size in [32, 64] {
      #expect(try PNG.read(path + "/logo-\(size)x\(size).png").shape == [size, size])
    }
    #expect(try KernelSpec.kernelsDirectory(.user, environment: ["HOME": "/home/u"]) == "/home/u/.local/share/jupyter/kernels")
    #expect(throws: KernelError.self) { try KernelSpec.kernelsDirectory(.user, environment: [:]) }
  }
}
