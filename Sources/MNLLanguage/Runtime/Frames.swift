/// The local variables of one function call, resolved to slots at compile time.
/// Slots live in raw memory so the hot path pays no array or exclusivity checks.
/// A variable holds `none` until it is assigned, and a flag says whether it has been: reads the
/// compiler cannot prove to follow an assignment check the flag, so reading a variable before
/// it is assigned is an error, never a silent `none`.
final class Frame {
  let slots: UnsafeMutablePointer<Value>
  /// One flag per slot, in the same allocation (a call allocates once).
  let assigned: UnsafeMutablePointer<Bool>
  let count: Int
  /// The frame the function was defined in (for closures); nil at top level.
  let parent: Frame?

  /// A frame whose first `parameterCount` slots the caller fills before any code reads them.
  init(count: Int, parent: Frame?, parameterCount: Int = 0) {
    self.count = count
    self.parent = parent
    let capacity = max(count, 1)
    let valueBytes = capacity * MemoryLayout<Value>.stride
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: valueBytes + capacity, alignment: MemoryLayout<Value>.alignment)
    slots = raw.bindMemory(to: Value.self, capacity: capacity)
    slots.initialize(repeating: .none, count: count)
    assigned = (raw + valueBytes).bindMemory(to: Bool.self, capacity: capacity)
    let filled = min(parameterCount, count)
    assigned.initialize(repeating: true, count: filled)
    (assigned + filled).initialize(repeating: false, count: capacity - filled)
  }

  deinit {
    slots.deinitialize(count: count)
    UnsafeMutableRawPointer(slots).deallocate()
  }

  /// Assigns a variable.
  @inline(__always)
  func store(_ slot: Int, _ value: consuming Value) {
    slots[slot] = value
    assigned[slot] = true
  }

  /// The frame `depth` levels out (0 = this one).
  @inline(__always)
  func ancestor(_ depth: Int) -> Frame {
    var f = self
    var d = depth
    while d > 0, let p = f.parent {
      f = p
      d -= 1
    }
    return f
  }
}

/// How a statement finished: normally, or unwinding to the nearest loop or function.
enum Signal: UInt8 {
  case normal, breakLoop, continueLoop, returnValue
}

/// Interpreter-wide control state: only one statement runs at a time.
struct ControlState {
  var signal: Signal = .normal
  var returnValue: Value = .none
  var depth = 0
}

/// Global variables. Storage is allocated in fixed chunks that never move, so compiled code
/// holds a direct pointer to each global's slot (nil = not assigned yet).
final class Globals {
  private(set) var names: [String] = []
  private var index: [String: Int] = [:]
  private var chunks: [UnsafeMutablePointer<Value?>] = []
  private static let chunkSize = 1024

  deinit {
    for chunk in chunks {
      chunk.deinitialize(count: Globals.chunkSize)
      chunk.deallocate()
    }
  }

  /// The slot of `name`, created (unassigned) if new.
  func slot(_ name: String) -> UnsafeMutablePointer<Value?> {
    if let i = index[name] { return pointer(i) }
    let i = names.count
    if i / Globals.chunkSize >= chunks.count {
      let chunk = UnsafeMutablePointer<Value?>.allocate(capacity: Globals.chunkSize)
      chunk.initialize(repeating: nil, count: Globals.chunkSize)
      chunks.append(chunk)
    }
    names.append(name)
    index[name] = i
    return pointer(i)
  }

  private func pointer(_ i: Int) -> UnsafeMutablePointer<Value?> {
    chunks[i / Globals.chunkSize] + (i % Globals.chunkSize)
  }

  func value(_ name: String) -> Value? {
    guard let i = index[name] else { return nil }
    return pointer(i).pointee
  }

  /// Unassigns every global (releases all values).
  func clear() {
    for i in 0..<names.count { pointer(i).pointee = nil }
  }

  /// Names that currently hold a value (not the hidden variables of top-level catch blocks,
  /// whose names contain '@').
  var definedNames: [String] {
    names.enumerated().compactMap { i, name in pointer(i).pointee == nil || name.contains("@") ? nil : name }
  }
}
