import Foundation

/// Finds the file of `use "name"`: `name.mnl` (or `name` if it ends in .mnl) in the directory of
/// the file that uses it, then each `MNL_PATH` entry, then the `stdlib/` of the repository the
/// executable was built in (found by walking up from the executable), then `./stdlib/`.
enum ModuleLoader {
  static func searchDirectories(for requester: SourceFile) -> [String] {
    let fm = FileManager.default
    var dirs: [String] = []
    if fm.fileExists(atPath: requester.name) {
      dirs.append(parentDirectory(of: requester.name))
    } else {
      dirs.append(fm.currentDirectoryPath)
    }
    if let path = ProcessInfo.processInfo.environment["MNL_PATH"] {
      dirs += path.split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }
    if let stdlib = executableStdlib() { dirs.append(stdlib) }
    dirs.append((fm.currentDirectoryPath as NSString).appendingPathComponent("stdlib"))
    return dirs.map { $0.isEmpty ? "." : $0 }
  }

  /// `<repo>/stdlib` for an executable at `<repo>/.build/<triple>/<config>/mnl`.
  static func executableStdlib() -> String? {
    let fm = FileManager.default
    guard let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
    var dir = parentDirectory(of: exe)
    while dir != "/" && !dir.isEmpty {
      let candidate = (dir as NSString).appendingPathComponent("stdlib")
      var isDir: ObjCBool = false
      if fm.fileExists(atPath: candidate, isDirectory: &isDir), isDir.boolValue { return candidate }
      dir = parentDirectory(of: dir)
    }
    return nil
  }

  static func resolve(_ name: String, from requester: SourceFile) throws -> (path: String, searched: [String]) {
    let file = name.hasSuffix(".mnl") ? name : name + ".mnl"
    let dirs = name.hasPrefix("/") ? [""] : searchDirectories(for: requester)
    for dir in dirs {
      let candidate = dir.isEmpty ? file : (dir as NSString).appendingPathComponent(file)
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue {
        return ((candidate as NSString).standardizingPath, dirs)
      }
    }
    throw ScriptError(
      "cannot find module '\(name)'",
      note: "looked for \(file) in: " + dirs.joined(separator: ", "))
  }
}

extension Interpreter {
  /// Parses and compiles a module once per interpreter (compile time of the `use`).
  func loadModule(_ name: String, from requester: SourceFile, at loc: SourceLocation) throws -> LoadedModule {
    let path: String
    do { path = try ModuleLoader.resolve(name, from: requester).path } catch { throw Diagnostic.wrap(error, at: loc) }
    if let m = runtime.modules[path] { return m }
    let module = LoadedModule(path: path)
    runtime.modules[path] = module
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Diagnostic("cannot read module file \(path)", at: loc)
    }
    let file = SourceFile(name: Interpreter.displayPath(path), text: String(decoding: data, as: UTF8.self))
    let compiler = Compiler(runtime: runtime, file: file, checksNamesStatically: true)
    module.code = try compiler.compileProgram(try Parser.parseProgram(file))
    return module
  }

  /// A path relative to the current directory when it lies below it (shorter diagnostics).
  static func displayPath(_ path: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
    return path
  }
}
