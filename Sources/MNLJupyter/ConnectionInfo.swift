import Foundation

/// The connection file Jupyter writes for a kernel (`mnl kernel -f FILE`): where to bind the
/// five sockets and the key that signs messages.
public struct ConnectionInfo: Decodable, Sendable {
  public var transport: String
  public var ip: String
  public var shellPort: Int
  public var iopubPort: Int
  public var stdinPort: Int
  public var controlPort: Int
  public var hbPort: Int
  public var key: String
  public var signatureScheme: String

  enum CodingKeys: String, CodingKey {
    case transport, ip, key
    case shellPort = "shell_port", iopubPort = "iopub_port", stdinPort = "stdin_port"
    case controlPort = "control_port", hbPort = "hb_port", signatureScheme = "signature_scheme"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    transport = try c.decodeIfPresent(String.self, forKey: .transport) ?? "tcp"
    ip = try c.decodeIfPresent(String.self, forKey: .ip) ?? "127.0.0.1"
    shellPort = try c.decode(Int.self, forKey: .shellPort)
    iopubPort = try c.decode(Int.self, forKey: .iopubPort)
    stdinPort = try c.decode(Int.self, forKey: .stdinPort)
    controlPort = try c.decode(Int.self, forKey: .controlPort)
    hbPort = try c.decode(Int.self, forKey: .hbPort)
    key = try c.decodeIfPresent(String.self, forKey: .key) ?? ""
    signatureScheme = try c.decodeIfPresent(String.self, forKey: .signatureScheme) ?? "hmac-sha256"
  }

  public static func read(_ path: String) throws -> ConnectionInfo {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw KernelError("cannot read the connection file '\(path)'")
    }
    do {
      return try JSONDecoder().decode(ConnectionInfo.self, from: data)
    } catch {
      throw KernelError("connection file '\(path)' is not valid: \(error)")
    }
  }

  /// `tcp://127.0.0.1:5555`, or `ipc://path-5555` for the ipc transport.
  func endpoint(_ port: Int) -> String {
    transport == "ipc" ? "ipc://\(ip)-\(port)" : "\(transport)://\(ip):\(port)"
  }
}

public struct KernelError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
