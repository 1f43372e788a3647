import Foundation
import MNLFuzzTargets

#if MNL_LIBFUZZER
  import CLibFuzzer
#endif

// One executable, two ways to build it:
//
// - `scripts/fuzz` builds it with `-sanitize=fuzzer,address -D MNL_LIBFUZZER` into its own
//   scratch path (.build-fuzz). `-sanitize=fuzzer` adds coverage instrumentation (inline 8-bit
//   counters, comparison tracing) to every Swift module it compiles — the interpreter and the
//   file readers are all coverage-guided — and links libFuzzer. libFuzzer normally brings its
//   own `main`, but SwiftPM links an executable target's entry point as `main`, so this keeps
//   its Swift `main` and hands control to libFuzzer through `LLVMFuzzerRunDriver` (libFuzzer's
//   API for that case): same command-line options, same behaviour as a libFuzzer `main`. The
//   target is named by $MNL_FUZZ_TARGET (language, files).
// - A plain `swift build` gives a replay tool: `mnl-fuzz TARGET FILE...` runs files through the
//   same target, and `mnl-fuzz dictionary` prints the language dictionary (keywords, operators,
//   built-in names) that scripts/fuzz passes to libFuzzer.

private func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

nonisolated(unsafe) private var selected = FuzzTarget.language

@main
struct FuzzMain {
  static func main() {
    #if MNL_LIBFUZZER
      let name = ProcessInfo.processInfo.environment["MNL_FUZZ_TARGET"] ?? "language"
      guard let target = FuzzTarget(rawValue: name) else {
        printError("mnl-fuzz: unknown MNL_FUZZ_TARGET '\(name)' (targets: \(FuzzTarget.allCases.map(\.rawValue)))")
        exit(2)
      }
      selected = target
      target.prepare()
      var argc = CommandLine.argc
      var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
      exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
      })
    #else
      replay(Array(CommandLine.arguments.dropFirst()))
    #endif
  }

  static func replay(_ arguments: [String]) {
    if arguments.first == "dictionary" {
      print(FuzzTarget.languageDictionary(), terminator: "")
      return
    }
    guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
      printError("usage: mnl-fuzz {\(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|"))} FILE... | mnl-fuzz dictionary")
      exit(2)
    }
    target.prepare()
    for path in arguments.dropFirst() {
      guard let data = FileManager.default.contents(atPath: path) else {
        printError("mnl-fuzz: cannot read \(path)")
        exit(1)
      }
      target.run(Array(data))
      print("ok \(path)")
    }
  }
}
