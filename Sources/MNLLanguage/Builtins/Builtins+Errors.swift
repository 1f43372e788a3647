extension Builtins {
  static let errors: [BuiltinFunction] = [
    BuiltinFunction(
      "raise", [.init("message"), .init("kind", default: .string("error"))],
      doc: "Raises an error try/catch can catch: raise(\"msg\"), raise(\"msg\", kind: \"value\"); raise(e) re-raises a caught error."
    ) { ctx in
      if case .object(let caught as ErrorObject) = ctx[0] {
        // Re-raised as it was: its original location, kind and traceback.
        throw caught.diagnostic
      }
      guard case .string(let message) = ctx[0] else {
        throw ctx.typeError(0, expected: "a message (string) or an error caught by 'catch'")
      }
      let kind = try ctx.string(1)
      guard !kind.isEmpty, kind.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
        throw ScriptError("raise(): kind must be a word such as \"value\", got \"\(kind)\"", kind: "value")
      }
      throw ScriptError(message, kind: kind)
    }
  ]
}
