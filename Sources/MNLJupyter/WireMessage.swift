import Crypto
import Foundation

/// A Jupyter message header (messaging protocol 5.3).
struct MessageHeader: Codable {
  var msgID: String
  var session: String
  var username: String
  var date: String
  var msgType: String
  var version: String

  enum CodingKeys: String, CodingKey {
    case msgID = "msg_id", session, username, date, msgType = "msg_type", version
  }

  init(type: String, session: String) {
    msgID = UUID().uuidString.lowercased()
    self.session = session
    username = "mnl"
    date = MessageHeader.now()
    msgType = type
    version = "5.3"
  }

  init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    msgID = try c.decode(String.self, forKey: .msgID)
    session = try c.decodeIfPresent(String.self, forKey: .session) ?? ""
    username = try c.decodeIfPresent(String.self, forKey: .username) ?? ""
    date = try c.decodeIfPresent(String.self, forKey: .date) ?? ""
    msgType = try c.decode(String.self, forKey: .msgType)
    version = try c.decodeIfPresent(String.self, forKey: .version) ?? "5.3"
  }

  static func now() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
  }
}

/// A message as it travels on a socket: routing identities, `<IDS|MSG>`, the HMAC signature,
/// then header, parent header, metadata and content as JSON, then optional binary buffers.
struct WireMessage {
  var identities: [[UInt8]]
  var header: MessageHeader
  /// The header as it came (a reply's parent header echoes it whole).
  var rawHeader: [String: Any] = [:]
  var parentHeader: [String: Any]
  var metadata: [String: Any]
  var content: [String: Any]

  static let delimiter = Array("<IDS|MSG>".utf8)
}

/// Signs and checks messages with the connection file's key (HMAC-SHA256, hex digest); an
/// empty key means no signing, as the spec allows.
struct MessageSigner {
  let key: SymmetricKey?

  init(key: String, scheme: String) throws {
    guard key.isEmpty || scheme == "hmac-sha256" else {
      throw KernelError("unsupported signature scheme '\(scheme)' (mnl signs with hmac-sha256)")
    }
    self.key = key.isEmpty ? nil : SymmetricKey(data: Data(key.utf8))
  }

  func signature(_ parts: [[UInt8]]) -> [UInt8] {
    guard let key else { return [] }
    var hmac = HMAC<SHA256>(key: key)
    for part in parts { hmac.update(data: part) }
    let hex = hmac.finalize().map { String(format: "%02x", $0) }.joined()
    return Array(hex.utf8)
  }

  func isValid(_ signature: [UInt8], _ parts: [[UInt8]]) -> Bool {
    guard let key else { return true }
    guard let digest = Self.bytes(fromHex: signature) else { return false }
    var data = Data()
    for part in parts { data.append(contentsOf: part) }
    return HMAC<SHA256>.isValidAuthenticationCode(digest, authenticating: data, using: key)
  }

  static func bytes(fromHex hex: [UInt8]) -> [UInt8]? {
    guard hex.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(hex.count / 2)
    var i = 0
    while i < hex.count {
      guard let high = nibble(hex[i]), let low = nibble(hex[i + 1]) else { return nil }
      out.append(high << 4 | low)
      i += 2
    }
    return out
  }

  private static func nibble(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: return c - 0x30
    case 0x61...0x66: return c - 0x61 + 10
    case 0x41...0x46: return c - 0x41 + 10
    default: return nil
    }
  }

  /// Parses and checks a received multipart message; nil (with a reason) when it is malformed
  /// or its signature is wrong.
  func decode(_ frames: [[UInt8]]) -> Result<WireMessage, KernelError> {
    guard let split = frames.firstIndex(of: WireMessage.delimiter), frames.count >= split + 6 else {
      return .failure(KernelError("malformed message: no <IDS|MSG> delimiter or too few frames"))
    }
    let parts = Array(frames[(split + 2)...(split + 5)])
    guard isValid(frames[split + 1], parts) else { return .failure(KernelError("message with an invalid signature")) }
    do {
      let header = try JSONDecoder().decode(MessageHeader.self, from: Data(parts[0]))
      func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
      }
      return .success(
        WireMessage(
          identities: Array(frames[..<split]), header: header, rawHeader: try object(parts[0]),
          parentHeader: try object(parts[1]),
          metadata: try object(parts[2]), content: try object(parts[3])))
    } catch {
      return .failure(KernelError("malformed message JSON: \(error)"))
    }
  }

  /// The frames of a message to send.
  func encode(_ message: WireMessage) throws -> [[UInt8]] {
    let header = Array(try JSONEncoder().encode(message.header))
    func json(_ object: [String: Any]) throws -> [UInt8] {
      Array(try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]))
    }
    let parts = [header, try json(message.parentHeader), try json(message.metadata), try json(message.content)]
    return message.identities + [WireMessage.delimiter, signature(parts)] + parts
  }
}
