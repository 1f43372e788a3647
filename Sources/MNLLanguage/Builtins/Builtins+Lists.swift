extension Builtins {
  static let lists: [BuiltinFunction] = [
    BuiltinFunction("append", [.init("list"), .init("item")], doc: "Adds an item at the end of a list (in place).") { ctx in
      try ctx.list(0).items.append(ctx[1])
      return .none
    },
    BuiltinFunction("push", [.init("list"), .init("item")], doc: "Same as append.") { ctx in
      try ctx.list(0).items.append(ctx[1])
      return .none
    },
    BuiltinFunction(
      "pop", [.init("list"), .init("index", default: .int(-1))],
      doc: "Removes and returns the item at index (default: the last)."
    ) { ctx in
      let l = try ctx.list(0)
      guard !l.items.isEmpty else { throw ScriptError("pop() from an empty list") }
      return l.items.remove(at: try Indexing.normalize(try ctx.int(1), count: l.items.count, what: "list"))
    },
    BuiltinFunction(
      "insert", [.init("list"), .init("index"), .init("item")], doc: "Inserts an item before index (in place)."
    ) { ctx in
      let l = try ctx.list(0)
      var i = try ctx.int(1)
      if i < 0 { i += l.items.count }
      l.items.insert(ctx[2], at: min(max(i, 0), l.items.count))
      return .none
    },
    BuiltinFunction("extend", [.init("list"), .init("items")], doc: "Appends all items of another list (in place).") { ctx in
      try ctx.list(0).items += try Indexing.elements(ctx[1])
      return .none
    },
    BuiltinFunction(
      "contains", [.init("container"), .init("item")], doc: "True if item is in the list/string/record (same as `in`)."
    ) { ctx in .bool(try Operators.contains(ctx[0], ctx[1])) },
    BuiltinFunction("index_of", [.init("list"), .init("item")], doc: "Position of the first equal item, or -1.") { ctx in
      .int(try ctx.list(0).items.firstIndex { Operators.equal($0, ctx[1]) } ?? -1)
    },
    BuiltinFunction("list", [.init("items", default: .list([]))], doc: "A new list of the items of a list, string or record.") { ctx in
      .list(try Indexing.elements(ctx[0]))
    },
    BuiltinFunction("copy", [.init("x")], doc: "A shallow copy of a list or record.") { ctx in
      switch ctx[0] {
      case .list(let l): return .list(l.items)
      case .record(let r): return .record(r.fields)
      default: return ctx[0]
      }
    },
    BuiltinFunction("reversed", [.init("items")], doc: "A new list with the items in reverse order.") { ctx in
      .list(try Indexing.elements(ctx[0]).reversed())
    },
    BuiltinFunction(
      "sort", [.init("items"), .init("key", default: Value.none), .init("reverse", default: .bool(false))],
      doc: "A new sorted list; key: a function giving the sort key; reverse: largest first."
    ) { ctx in
      let items = try Indexing.elements(ctx[0])
      var keyed: [(Value, Value)] = []
      for item in items {
        if case .none = ctx[1] {
          keyed.append((item, item))
        } else {
          keyed.append((try ctx.interpreter.call(ctx[1], [item], at: ctx.location), item))
        }
      }
      let descending = try Operators.truthy(ctx[2])
      // Stable merge sort over a throwing comparison (a plain `sort(by:)` cannot report errors).
      let sorted = try mergeSort(keyed) { a, b in
        let c = try Operators.compare(a.0, b.0, .less)
        return descending ? c > 0 && c != 2 : c < 0
      }
      return .list(sorted.map(\.1))
    },
    BuiltinFunction(
      "enumerate", [.init("items"), .init("start", default: .int(0))],
      doc: "The list of [index, item] pairs: for i, x in enumerate(xs) { … }."
    ) { ctx in
      let start = try ctx.int(1)
      return .list(try Indexing.elements(ctx[0]).enumerated().map { .list([.int(start &+ $0.offset), $0.element]) })
    },
    BuiltinFunction("zip", [], variadic: true, doc: "Pairs up items: zip([1, 2], [\"a\", \"b\"]) is [[1, \"a\"], [2, \"b\"]].") { ctx in
      let lists = try ctx.rest.map(Indexing.elements)
      let n = lists.map(\.count).min() ?? 0
      return .list((0..<n).map { i in .list(lists.map { $0[i] }) })
    },
    BuiltinFunction("any", [.init("items")], doc: "True if some item is true.") { ctx in
      .bool(try Indexing.elements(ctx[0]).contains { try Operators.truthy($0) })
    },
    BuiltinFunction("all", [.init("items")], doc: "True if every item is true.") { ctx in
      .bool(try Indexing.elements(ctx[0]).allSatisfy { try Operators.truthy($0) })
    },
  ]

  static func mergeSort<T>(_ items: [T], _ less: (T, T) throws -> Bool) throws -> [T] {
    if items.count < 2 { return items }
    let mid = items.count / 2
    let a = try mergeSort(Array(items[..<mid]), less)
    let b = try mergeSort(Array(items[mid...]), less)
    var out: [T] = []
    out.reserveCapacity(items.count)
    var i = 0
    var j = 0
    while i < a.count && j < b.count {
      if try less(b[j], a[i]) {
        out.append(b[j])
        j += 1
      } else {
        out.append(a[i])
        i += 1
      }
    }
    out += a[i...]
    out += b[j...]
    return out
  }
}
