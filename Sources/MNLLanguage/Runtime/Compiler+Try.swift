import MNLInterrupt

extension Compiler {
  /// `try { body } catch e { handler } finally { cleanup }`. The value is the body's, or the
  /// handler's when an error was caught. `break`, `continue` and `return` are signals, not
  /// errors, so they pass through the body and handler untouched (after `finally` runs).
  func tryCatch(_ t: TryCatch, at loc: SourceLocation) throws -> Code {
    let c = rt.control
    // The body may stop anywhere: nothing it assigns is certainly assigned afterwards.
    let body = try mayNotRun { try block(t.body) }
    var bind: Store?
    var handler: Code?
    if let handlerBlock = t.handler {
      handler = try mayNotRun {
        guard let name = t.variable else { return try block(handlerBlock) }
        // The error variable is the block's own: `e` after the block is whatever it was before.
        rt.catchCount += 1
        let hidden = "\(name)@catch\(rt.catchCount)"
        if scope.isTopLevel { rt.declaredGlobals.insert(hidden) }
        let previous = scope.beginCatch(name, hiddenName: hidden)
        defer { scope.endCatch(name, previous: previous) }
        bind = try storer(Expr(.name(name), loc))
        return try block(handlerBlock)
      }
    }
    let cleanup = try t.cleanup.map { try block($0) }

    let protected: Code
    if let handler {
      protected = { f in
        do {
          return try body(f)
        } catch let error where Compiler.isCatchable(error) {
          c.pointee.signal = .normal
          try bind?(f, .object(ErrorObject(Diagnostic.wrap(error, at: loc))))
          return try handler(f)
        }
      }
    } else {
      protected = body
    }
    guard let cleanup else { return protected }
    return { f in
      let value: Value
      do {
        value = try protected(f)
      } catch {
        // A break/continue/return in `finally` drops the pending error, as in Python.
        if try Compiler.runCleanup(cleanup, f, c) { return .none }
        throw error
      }
      _ = try Compiler.runCleanup(cleanup, f, c)
      return value
    }
  }

  /// Runs a `finally` block with the pending break/continue/return set aside; returns true
  /// when the block itself signalled one (which then replaces the pending one).
  private static func runCleanup(_ cleanup: Code, _ f: Frame, _ c: UnsafeMutablePointer<ControlState>) throws -> Bool {
    let pending = c.pointee
    c.pointee.signal = .normal
    _ = try cleanup(f)
    if c.pointee.signal != .normal { return true }
    c.pointee.signal = pending.signal
    c.pointee.returnValue = pending.returnValue
    return false
  }

  /// Ctrl-C and `exit()` stop the script whatever it catches; so does any error raised while
  /// an interrupt is pending (a kernel cut short by Ctrl-C may fail in its own way).
  static func isCatchable(_ error: any Error) -> Bool {
    if Interrupt.isRequested || error is ExitRequest { return false }
    return true
  }
}
