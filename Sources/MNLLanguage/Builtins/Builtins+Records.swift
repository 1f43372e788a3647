extension Builtins {
  static let records: [BuiltinFunction] = [
    BuiltinFunction("keys", [.init("record")], doc: "The field names of a record, in order.") { ctx in
      .list(try ctx.record(0).keys.map { .string($0) })
    },
    BuiltinFunction("values", [.init("record")], doc: "The field values of a record, in order.") { ctx in
      .list(try ctx.record(0).values)
    },
    BuiltinFunction("items", [.init("record")], doc: "The [name, value] pairs of a record.") { ctx in
      .list(try ctx.record(0).fields.map { .list([.string($0.0), $0.1]) })
    },
    BuiltinFunction("has", [.init("record"), .init("name")], doc: "True if the record has a field with this name.") { ctx in
      .bool(try ctx.record(0)[try ctx.string(1)] != nil)
    },
    BuiltinFunction(
      "get", [.init("record"), .init("name"), .init("default", default: Value.none)],
      doc: "A field's value, or default when the record has no such field."
    ) { ctx in
      try ctx.record(0)[try ctx.string(1)] ?? ctx[2]
    },
    BuiltinFunction("remove", [.init("record"), .init("name")], doc: "Removes a field; returns its value.") { ctx in
      let r = try ctx.record(0)
      let name = try ctx.string(1)
      guard let v = r[name] else { throw Indexing.missingField(name, in: r) }
      r[name] = nil
      return v
    },
  ]
}
