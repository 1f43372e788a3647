import Foundation
import MNLData
import MNLTensor

/// The categories `catch e` reports as `e.kind`, coarse like Python's built-in exception
/// classes. Most errors are tagged where they are raised (`ScriptError(kind:)`); errors of the
/// Swift libraries carry their category in their type (`DataError` is "io"), and the few
/// families tagged nowhere are recognised by the wording every such message shares.
public enum ErrorKinds {
  /// Every kind the interpreter produces (`raise(msg, kind:)` may add others).
  public static let all = [
    "type", "index", "key", "name", "arithmetic", "shape", "value", "io", "recursion", "assertion", "runtime",
    "error",
  ]

  /// The kind of an error thrown by a library (tensors, data files, the file system).
  static func kind(of error: any Error) -> String {
    switch error {
    case let e as ScriptError: return e.kind ?? classify(e.message)
    case let d as Diagnostic: return d.kind
    case is DataError, is CocoaError: return "io"
    case let e as TensorError: return classify(e.message, otherwise: "value")
    default:
      if (error as NSError).domain == NSPOSIXErrorDomain { return "io" }
      return classify(String(describing: error))
    }
  }

  /// The kind a message's wording shows, for errors not tagged where they were raised.
  static func classify(_ message: String, otherwise fallback: String = "runtime") -> String {
    if message.contains("out of range") { return "index" }
    if message.contains("by zero") || message.contains("overflow") { return "arithmetic" }
    if message.contains("has no field") { return "key" }
    if message.hasPrefix("unknown name") || message.contains("is used before it is assigned") { return "name" }
    if message.hasPrefix("stack depth exceeded") { return "recursion" }
    if message.contains("shape") || message.contains("broadcast") { return "shape" }
    return fallback
  }
}
