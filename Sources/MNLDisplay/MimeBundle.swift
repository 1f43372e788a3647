/// One output in several forms, keyed by MIME type, as Jupyter's display messages and the
/// outputs of an .ipynb carry them (IPython's `_repr_*_` methods make the same kind of bundle).
/// `text/plain` is always there; text types hold their text, binary types (image/png) base64.
public struct MimeBundle: Sendable, Equatable {
  public private(set) var entries: [String: String]

  public init(plain: String) {
    entries = ["text/plain": plain]
  }

  public var plain: String { entries["text/plain"] ?? "" }

  public subscript(mime: String) -> String? {
    get { entries[mime] }
    set { entries[mime] = mime == "text/plain" ? (newValue ?? "") : newValue }
  }

  /// MIME types in a stable order, the richest first (how notebook front ends choose).
  public var mimeTypes: [String] {
    entries.keys.sorted { (Self.rank($0), $0) < (Self.rank($1), $1) }
  }

  static func rank(_ mime: String) -> Int {
    switch mime {
    case "image/png": return 0
    case "image/svg+xml": return 1
    case "text/html": return 2
    case "text/plain": return 9
    default: return 5
    }
  }
}

/// Escapes text for HTML content and attribute values.
public func htmlEscape(_ text: String) -> String { xmlEscape(text) }
