import Foundation

/// `:help name` for functions written in mnl: the `#` comment lines directly above the `fn`
/// (its doc comment, as in stdlib/nn.mnl), found in the session's globals or, for a stdlib
/// function not loaded yet, in the stdlib's modules.
public struct FunctionDoc: Sendable {
  /// "adam(params, lr = 0.001, …)"
  public let signature: String
  /// The comment text, one entry per line, without the leading '#'.
  public let lines: [String]
  /// Where the function is defined: a file name (or a REPL cell's name).
  public let source: String
  /// For a stdlib function that is not loaded yet: the module that defines it ("optim").
  public let module: String?

  /// What `:help name` (and a notebook's inspector) shows: the signature, the doc comment
  /// indented, and where the function comes from.
  public var helpText: String {
    let session = source.hasPrefix("<")
    if lines.isEmpty && session { return signature + "  (defined in this session)\n" }
    var out = signature + "\n"
    for line in lines { out += "  " + line + "\n" }
    if let module {
      out += "  (defined in \(source); use \"\(module)\" loads it)\n"
    } else {
      out += session ? "  (defined in this session)\n" : "  (defined in \(source))\n"
    }
    return out
  }
}

extension Interpreter {
  public func functionDoc(_ name: String) -> FunctionDoc? {
    if case .function(let f)? = globals.value(name) {
      let loc = f.compiled.location
      return FunctionDoc(
        signature: f.signature, lines: FunctionDocs.comment(above: loc.line, in: loc.file),
        source: FunctionDocs.displayName(loc.file.name), module: nil)
    }
    return FunctionDocs.stdlibFunction(name)
  }
}

enum FunctionDocs {
  /// The comment block that ends on the line just above `line` (a blank line ends it).
  static func comment(above line: Int, in file: SourceFile) -> [String] {
    var lines: [String] = []
    var n = line - 1
    while n >= 1 {
      let text = file.line(n).trimmingCharacters(in: .whitespaces)
      guard text.hasPrefix("#") else { break }
      var body = text.dropFirst()
      if body.first == " " { body = body.dropFirst() }
      lines.insert(String(body), at: 0)
      n -= 1
    }
    return lines
  }

  /// Where the stdlib modules may be: next to the executable's repository, or in ./stdlib.
  static var stdlibDirectories: [String] {
    var directories: [String] = []
    if let stdlib = ModuleLoader.executableStdlib() { directories.append(stdlib) }
    directories.append((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("stdlib"))
    return directories
  }

  /// "stdlib/nn.mnl" for a stdlib module wherever the repository is; other files as named.
  static func displayName(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    let directory = ((absolute as NSString).deletingLastPathComponent as NSString).standardizingPath
    if stdlibDirectories.contains(where: { ($0 as NSString).standardizingPath == directory }) {
      return "stdlib/" + (path as NSString).lastPathComponent
    }
    return path
  }

  /// A top-level `fn name(…)` of a stdlib module (`stdlib/*.mnl`).
  static func stdlibFunction(_ name: String) -> FunctionDoc? {
    let fm = FileManager.default
    for dir in stdlibDirectories {
      guard let entries = try? fm.contentsOfDirectory(atPath: dir) else { continue }
      for entry in entries.sorted() where entry.hasSuffix(".mnl") {
        let path = (dir as NSString).appendingPathComponent(entry)
        guard let data = fm.contents(atPath: path) else { continue }
        let file = SourceFile(name: Interpreter.displayPath(path), text: String(decoding: data, as: UTF8.self))
        guard let statements = try? Parser.parseProgram(file) else { continue }
        for s in statements {
          guard case .function(let decl) = s.kind, decl.name == name else { continue }
          return FunctionDoc(
            signature: signature(of: decl, in: file), lines: comment(above: decl.location.line, in: file),
            source: "stdlib/" + entry, module: String(entry.dropLast(4)))
        }
      }
    }
    return nil
  }

  /// The parameter list as written: "adam(params, lr = 0.001)".
  private static func signature(of decl: FunctionDecl, in file: SourceFile) -> String {
    let name = decl.name ?? "fn"
    let text = file.line(decl.location.line)
    guard let open = text.range(of: name + "(") else { return name + "(…)" }
    var depth = 0
    var end = open.upperBound
    var index = text.index(before: open.upperBound)
    while index < text.endIndex {
      let c = text[index]
      if c == "(" || c == "[" || c == "{" { depth += 1 }
      if c == ")" || c == "]" || c == "}" {
        depth -= 1
        if depth == 0 {
          end = text.index(after: index)
          break
        }
      }
      index = text.index(after: index)
    }
    guard depth == 0 else { return name + "(…)" }
    return String(text[open.lowerBound..<end])
  }
}
