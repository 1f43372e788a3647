import Foundation
import MNLData
import MNLTensor

extension Builtins {
  /// Data in and out beyond checkpoints: NumPy's .npy/.npz, CSV tables, text files and
  /// directory listings. Every write is atomic (AtomicFile).
  static let files: [BuiltinFunction] = [
    BuiltinFunction("load_npy", [.init("path")], doc: "Reads a NumPy .npy file as a tensor (float32/int64/int32/uint8/bool; float64 becomes float32).") { ctx in
      .tensor(try NPY.load(try ctx.string(0)))
    },
    BuiltinFunction("save_npy", [.init("path"), .init("x")], doc: "Writes a tensor as a NumPy .npy file (np.load reads it), atomically.") { ctx in
      let path = try ctx.string(0)
      try createParentDirectory(of: path)
      try NPY.save(path, try ctx.tensor(1))
      return .none
    },
    BuiltinFunction("load_npz", [.init("path")], doc: "Reads a NumPy .npz archive (np.savez or np.savez_compressed) as a record of tensors by name.") { ctx in
      .record(RecordObject(try NPZ.load(try ctx.string(0)).map { ($0.name, Value.tensor($0.tensor)) }))
    },
    BuiltinFunction(
      "save_npz", [.init("path"), .init("arrays"), .init("compressed", default: .bool(false))],
      doc: "Writes a record of tensors as a NumPy .npz archive (deflated if compressed, like np.savez_compressed), atomically."
    ) { ctx in
      let path = try ctx.string(0)
      let record = try ctx.record(1)
      let arrays = try record.keys.map { key -> (String, Tensor) in
        guard let t = try record[key]?.tensorArg()?.tensor else {
          throw ScriptError("save_npz(): '\(key)' is \(record[key]?.typeName ?? "missing"), not a tensor")
        }
        return (key, t)
      }
      try createParentDirectory(of: path)
      try NPZ.save(path, arrays, compress: try ctx.bool(2))
      return .none
    },
    BuiltinFunction("read_text", [.init("path")], doc: "The whole of a text file (UTF-8) as a string.") { ctx in
      .string(try readText(try ctx.string(0)))
    },
    BuiltinFunction("read_lines", [.init("path")], doc: "The lines of a text file, without their line endings.") { ctx in
      .list(ListObject(lines(of: try readText(try ctx.string(0))).map { Value.string(String($0)) }))
    },
    BuiltinFunction("write_text", [.init("path"), .init("text")], doc: "Writes a string to a file (UTF-8), atomically, replacing it.") { ctx in
      let path = try ctx.string(0)
      try createParentDirectory(of: path)
      try AtomicFile.write(Array(try ctx.string(1).utf8), to: path)
      return .none
    },
    BuiltinFunction(
      "list_dir", [.init("path", default: .string(".")), .init("pattern", default: .string("*"))],
      doc: "The names in a directory that match a shell pattern (\"*.png\"), sorted; names starting with '.' only when the pattern does."
    ) { ctx in
      let path = try ctx.string(0)
      let pattern = try ctx.string(1)
      let names: [String]
      do {
        names = try FileManager.default.contentsOfDirectory(atPath: path)
      } catch {
        throw ScriptError("list_dir(): cannot read directory \(path): \((error as NSError).localizedDescription)")
      }
      let matching = names.filter { fnmatch(pattern, $0, FNM_PERIOD) == 0 }
        .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
      return .list(ListObject(matching.map(Value.string)))
    },
    BuiltinFunction(
      "load_csv",
      [.init("path"), .init("header", default: .bool(true)), .init("columns", default: Value.none),
       .init("delimiter", default: .string(","))],
      doc: "Reads a CSV table of numbers: {data: float32 tensor [rows, columns], columns: names}; columns selects by name or index; empty fields are NaN."
    ) { ctx in
      let path = try ctx.string(0)
      let delimiter = try ctx.string(3)
      guard delimiter.unicodeScalars.count == 1, let separator = delimiter.first else {
        throw ScriptError("load_csv(): delimiter must be one character, got \"\(delimiter)\"")
      }
      let table = try CSVTable.parse(try readText(path), separator: separator, header: try ctx.bool(1), file: path)
      var selected = Array(table.names.indices)
      if case .list(let l) = ctx[2] {
        selected = try l.items.map { item in
          switch item {
          case .int(let i):
            guard i >= -table.names.count, i < table.names.count else {
              throw ScriptError("load_csv(): column \(i) is out of range for \(table.names.count) columns")
            }
            return i < 0 ? i + table.names.count : i
          case .string(let name):
            guard let i = table.names.firstIndex(of: name) else {
              throw ScriptError("load_csv(): no column named '\(name)'; the columns are \(table.names.joined(separator: ", "))")
            }
            return i
          default:
            throw ScriptError("load_csv(): columns must be names or indices, found \(item.typeName)")
          }
        }
      } else if !ctx[2].isNone {
        throw ctx.typeError(2, expected: "a list of column names or indices")
      }
      var values: [Float] = []
      values.reserveCapacity(table.rows.count * selected.count)
      for row in table.rows { for j in selected { values.append(row[j]) } }
      let data = try Tensor(shape: [table.rows.count, selected.count], values: values)
      return .record(RecordObject([
        ("data", .tensor(data)), ("columns", .list(ListObject(selected.map { .string(table.names[$0]) }))),
      ]))
    },
  ]

  private static func readText(_ path: String) throws -> String {
    String(decoding: try FileIO.readAll(path, limit: 1 << 31), as: UTF8.self)
  }

  /// Lines split at \n, \r\n or \r; a final line ending adds no empty line.
  static func lines(of text: String) -> [Substring] {
    var result = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    if result.last == "" { result.removeLast() }
    return result
  }
}

/// A CSV table of numbers (RFC 4180 quoting: "a, b" and "" inside quotes).
struct CSVTable {
  var names: [String]
  var rows: [[Float]]

  static func parse(_ text: String, separator: Character, header: Bool, file: String) throws -> CSVTable {
    var names: [String] = []
    var rows: [[Float]] = []
    for (index, line) in Builtins.lines(of: text).enumerated() {
      let number = index + 1
      if line.allSatisfy(\.isWhitespace) { continue }
      let fields = try split(line, separator: separator, file: file, line: number)
      if header && index == 0 {
        names = fields.map { $0.trimmingCharacters(in: .whitespaces) }
        continue
      }
      if names.isEmpty && rows.isEmpty { names = fields.indices.map(String.init) }
      guard fields.count == names.count else {
        throw DataError(file: file, "line \(number) has \(fields.count) fields, expected \(names.count)")
      }
      rows.append(try fields.enumerated().map { column, field in
        let text = field.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .nan }
        guard let v = Float(text) else {
          throw DataError(file: file, "line \(number), column \(column + 1) (\(names[column])): '\(text)' is not a number")
        }
        return v
      })
    }
    return CSVTable(names: names, rows: rows)
  }

  private static func split(_ line: Substring, separator: Character, file: String, line number: Int) throws -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var chars = line.makeIterator()
    while let c = chars.next() {
      if quoted {
        if c == "\"" {
          var lookahead = chars
          if lookahead.next() == "\"" {
            field.append("\"")
            chars = lookahead
          } else {
            quoted = false
          }
        } else {
          field.append(c)
        }
      } else if c == "\"" && field.allSatisfy(\.isWhitespace) {
        field = ""
        quoted = true
      } else if c == separator {
        fields.append(field)
        field = ""
      } else {
        field.append(c)
      }
    }
    guard !quoted else { throw DataError(file: file, "line \(number) has an unterminated quoted field") }
    fields.append(field)
    return fields
  }
}
