import Foundation
import MNLLanguage

/// Source code in, anything out: parse, check names, compile and run with a fresh interpreter
/// per input (so inputs cannot influence each other and a crash reproduces from one file).
enum LanguageFuzzing {
  /// Built-ins that touch the world outside the process (files, stdin, the MNIST data) or
  /// that only draw to the terminal: replaced by ones that throw, keeping their parameters so
  /// argument binding still runs. Everything else is fuzzed as users call it.
  static let disabledBuiltins: Set<String> = [
    "input", "save", "save_pgm", "load", "load_idx", "load_image", "load_metadata", "load_mnist",
    "plot_training", "progress_bar", "show", "bar_chart",
  ]

  /// The most nested calls: enough for every golden script, small enough that runaway
  /// recursion fails fast.
  static let maxCallDepth = 300

  static func prepare() {}

  static func run(_ bytes: [UInt8]) { _ = evaluate(bytes) }

  /// The rendered error of the program, or nil when it ran to the end.
  static func evaluate(_ bytes: [UInt8]) -> String? {
    let source = String(decoding: bytes, as: UTF8.self)
    let interpreter = makeInterpreter()
    var outcome: String?
    FuzzLimits.withBudget {
      do {
        try interpreter.runScript(source: source, path: "fuzz.mnl")
      } catch let diagnostic as Diagnostic {
        // Rendering is part of the job: locations, source lines and carets must be valid.
        outcome = diagnostic.rendered
      } catch {
        outcome = "\(error)"
      }
    }
    return outcome
  }

  static func makeInterpreter() -> Interpreter {
    let interpreter = Interpreter(output: OutputSink { _ in })
    interpreter.maxCallDepth = maxCallDepth
    for name in disabledBuiltins {
      guard case .builtin(let original)? = interpreter.global(name) else { continue }
      interpreter.register(
        BuiltinFunction(original.name, original.parameters, variadic: original.variadic, doc: original.doc) { _ in
          throw ScriptError("\(name)() is disabled while fuzzing")
        })
    }
    return interpreter
  }

  static let keywords = [
    "fn", "if", "else", "while", "for", "in", "break", "continue", "return", "true", "false", "none",
    "and", "or", "not", "use",
  ]
  static let symbols = [
    "(", ")", "[", "]", "{", "}", ",", ".", "..", ":", ";", "+", "-", "*", "/", "//", "%", "**", "@",
    "=", "==", "!=", "<", "<=", ">", ">=", "+=", "-=", "*=", "/=", "f\"", "{x}", "\"\"", "#",
  ]

  /// A libFuzzer dictionary: keywords, operators and the names of all built-ins.
  static func dictionary() -> String {
    let names = makeInterpreter().globalNames.filter { $0 != "args" }
    return (keywords + symbols + names).map { token in
      let escaped = token.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      return "\"\(escaped)\""
    }.joined(separator: "\n") + "\n"
  }
}
