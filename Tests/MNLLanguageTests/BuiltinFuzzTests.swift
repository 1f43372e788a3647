import Foundation
import MNLInterrupt
import XCTest

@testable import MNLLanguage

/// Every built-in, operator, index and gradient call with hostile arguments must give a value or
/// a thrown error, never a trap. Calls are mnl source text, so a failing one can be replayed with
/// `mnl -e`; set MNL_FUZZ_LOG=1 to print each call to stderr before it runs (the last line
/// printed before a crash is the culprit).
final class BuiltinFuzzTests: XCTestCase {
  typealias Rng = FuzzRandom

  /// Hostile values as source text. `r0`…`r7` hold results of earlier calls.
  static let pool = [
    "0", "1", "-1", "2", "4294967296", "(-9223372036854775807 - 1)", "9223372036854775807", "1e300", "-1e-300",
    "float(\"nan\")", "float(\"inf\")", "-float(\"inf\")", "0.5", "\"\"", "\"x\"", "\"sub/x\"", "\"int32\"",
    "\"uint8\"", "\"float32\"", "\"{:999999999d}\"", "\"{:.1000000f}\"", "\"{}{0}{:>}{:x}\"",
    "\"{9223372036854775807}\"", "none", "true",
    "[]", "[[]]", "[1, [2]]", "[[1, 2], [3]]", "[[[[1]]]]", "{w: 1}", "{a: {b: [1]}, c: \"s\"}",
    "[100000, 100000, 100000]", "[-1]", "[0, 5]", "[3000000000]", "[2, -1]",
    "[(-9223372036854775807 - 1), 1]", "[1.5, none]",
    "[float(\"nan\"), 1]", "tensor(1.5)", "zeros([0])", "ones([1])", "tensor([1, 2, 3])",
    "tensor([[1, 2, 3], [4, 5, 6]])", "zeros([0, 3])", "ones([1, 1, 1, 1])",
    "tensor([1, 2, 3], dtype = \"int32\")", "tensor([[0, 255]], dtype = \"uint8\")",
    "tensor([float(\"nan\"), float(\"inf\"), -1])", "tensor([-9e18, 9e18, 3e9])",
    "tensor([[float(\"nan\"), 1], [float(\"inf\"), 0]])",
    "ones([28, 28])", "fn(x) { x }", "fn() { none }",
    "fn(a, b) { a @ b }", "fn(x) { error(\"boom\") }", "len", "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
  ]

  /// Values of the right kind for common parameter names, so calls get past type checks and
  /// reach the code that uses the value.
  static let typed: [String: [String]] = {
    let shapes = [
      "[100000, 100000, 100000]", "[-1]", "[0, 5]", "[3000000000]", "[2, -1]", "[]", "[2147483648]", "[46341, 46341]",
      "[65536, 32768]", "[9223372036854775807, 0]", "[0, 9223372036854775807, 2]", "[2, 3]", "[3]", "[1, -1]",
      "[-1, -1]", "[0, 9223372036854775807]", "[0, 2147483647, 2147483647]", "[100000, 0]", "[0, 100000]",
      "[" + Array(repeating: "1", count: 40).joined(separator: ", ") + "]", "[1.5]", "[\"x\"]",
    ]
    let ints = [
      "0", "1", "-1", "3", "4294967296", "16777217", "(-9223372036854775807 - 1)",
      "9223372036854775807", "1e300", "float(\"nan\")", "-float(\"inf\")", "0.5",
    ]
    let tensors = [
      "tensor(1.5)", "zeros([0])", "ones([1])", "tensor([1, 2, 3])", "tensor([[1, 2, 3], [4, 5, 6]])",
      "zeros([0, 3])", "ones([1, 1, 1, 1])", "tensor([1, 2, 3], dtype = \"int32\")",
      "tensor([[0, 255]], dtype = \"uint8\")", "tensor([float(\"nan\"), float(\"inf\"), -1])",
      "tensor([-9e18, 9e18, 3e9])",
    "tensor([[float(\"nan\"), 1], [float(\"inf\"), 0]])", "ones([28, 28])",
      "ones([784])", "zeros([100000, 0])", "zeros([0, 100000])", "tensor([9, -1, 2147483647], dtype = \"int32\")",
      "[tensor([1.0]), tensor([[2.0]])]",
      "{w: ones([2, 2]), b: zeros([2])}", "r0", "r1",
    ]
    let paths = ["\"x\"", "\"sub/x\"", "\"\"", "\".\"", "\"empty\"", "\"junk\"", "\"huge.pgm\"",
                 "\"huge.safetensors\"", "\"huge.idx\""]
    var table: [String: [String]] = [:]
    for name in ["shape", "size"] { table[name] = shapes }
    for name in ["axis", "axes"] { table[name] = ints + ["[1, 0]", "[0, 0]", "[5, -1]", "[]"] }
    for name in ["dtype"] { table[name] = ["\"int32\"", "\"uint8\"", "\"float32\"", "\"float64\"", "\"\""] }
    for name in ["n", "index", "total", "every", "digits", "step", "start", "stop", "end", "low", "high", "stddev",
                 "mean", "decay", "learning_rate", "value", "default"] { table[name] = ints }
    for name in ["x", "a", "b", "logits", "labels", "tensors", "image", "data", "values", "indices", "params",
                 "grads", "w", "tree", "items", "averages", "container"] { table[name] = tensors }
    for name in ["path", "dir", "svg"] { table[name] = paths }
    table["template"] = [
      "\"{9223372036854775807}\"", "\"{:999999999d}\"", "\"{:.1000000f}\"", "\"{:>99999999999999999999}\"",
      "\"{0:{1}}\"", "\"{:,.2%}\"", "\"{:x}{:b}{:o}{:e}\"", "\"{\"", "\"}\"", "\"{-1}\"", "\"{:.0e}\"",
    ]
    return table
  }()

  /// Junk files for the loaders to choke on (written in the temporary directory).
  func writeJunkFiles() {
    let files: [(String, [UInt8])] = [
      ("empty", []), ("junk", Array("\u{1F}\u{8B}not really gzip".utf8)),
      ("huge.pgm", Array("P5\n99999999 99999999\n255\n".utf8)),
      ("huge.safetensors", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + Array("{}".utf8)),
      ("huge.idx", [0, 0, 0x0D, 4, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF]),
    ]
    for (name, bytes) in files { XCTAssertTrue(FileManager.default.createFile(atPath: name, contents: Data(bytes))) }
  }

  static let keywordNames = ["dtype", "axis", "shape", "n", "step", "end", "keepdims", "svg", "title", "every", "zz"]

  /// Built-ins that would stop the test or wait for the keyboard.
  static let skipped: Set<String> = ["exit", "input"]

  var log = ProcessInfo.processInfo.environment["MNL_FUZZ_LOG"] != nil
  /// MNL_FUZZ_SCALE=10 runs ten times the calls and MNL_FUZZ_SEED=n varies them, for a longer
  /// hunt by hand; the defaults keep the test at about a second.
  var scale: Int { Int(ProcessInfo.processInfo.environment["MNL_FUZZ_SCALE"] ?? "") ?? 1 }
  var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["MNL_FUZZ_SEED"] ?? "") ?? 0 }

  func makeInterpreter() -> Interpreter {
    let interp = Interpreter(output: OutputSink { _ in })
    interp.maxCallDepth = 500
    for i in 0..<8 { interp.setGlobal("r\(i)", .none) }
    return interp
  }

  /// Runs one cell; errors are expected, a trap ends the test process. A watchdog interrupts
  /// runaway loops in user code.
  @discardableResult
  func survive(_ source: String, _ interp: Interpreter) -> Value? {
    if log { FileHandle.standardError.write(Data((source + "\n").utf8)) }
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      if done.wait(timeout: .now() + 2) == .timedOut { Interrupt.request() }
    }
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try? interp.evaluateCell(source: source, name: "fuzz")
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    if log, seconds > 0.1 { FileHandle.standardError.write(Data("SLOW \(seconds)s\n".utf8)) }
    done.signal()
    Interrupt.clear()
    return value
  }

  /// Runs in a fresh temporary directory, so paths like "x" or "sub/x" given to save() and
  /// friends land there and never touch real files.
  func inTemporaryDirectory(_ body: () throws -> Void) rethrows {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("mnl-fuzz-\(UUID().uuidString)")
    try? fm.createDirectory(at: dir, withIntermediateDirectories: true)
    let previous = fm.currentDirectoryPath
    guard fm.changeCurrentDirectoryPath(dir.path) else { return XCTFail("cannot enter \(dir.path)") }
    defer {
      XCTAssertTrue(fm.changeCurrentDirectoryPath(previous))
      try? fm.removeItem(at: dir)
    }
    try body()
  }

  func pick(_ rng: inout Rng) -> String { Self.pool[rng.below(Self.pool.count)] }

  func testEveryBuiltinWithHostileArguments() {
    let builtins = Builtins.standardGroups.joined().filter { !Self.skipped.contains($0.name) }
    var names: [String] = []
    for b in builtins where !names.contains(b.name) { names.append(b.name) }
    XCTAssertGreaterThan(names.count, 80)
    inTemporaryDirectory {
      writeJunkFiles()
      var rng = Rng(state: 0x2545_F491_4F6C_DD1D ^ seed)
      let interp = makeInterpreter()
      var calls = 0
      var results = 0
      for round in 0..<60 * scale {
        for name in names {
          let params = builtins.first { $0.name == name }?.parameters ?? []
          var args = (0..<rng.below(5)).map { _ in pick(&rng) }
          // Two rounds in three give each declared parameter a value (of a kind that suits its
          // name in one of them), some by keyword.
          if round % 3 != 0 {
            args = params.enumerated().map { i, p in
              var value = pick(&rng)
              if round % 3 == 2, let choices = Self.typed[p.name] { value = choices[rng.below(choices.count)] }
              return rng.below(4) == 0 || i >= 4 ? "\(p.name) = \(value)" : value
            }
            if args.contains(where: { $0.contains(" = ") }) {
              // Keywords must follow positionals.
              args.sort { !$0.contains(" = ") && $1.contains(" = ") }
            }
          }
          if rng.below(8) == 0 {
            args.append("\(Self.keywordNames[rng.below(Self.keywordNames.count)]) = \(pick(&rng))")
          }
          let slot = "r\(rng.below(8))"
          calls += 1
          if let v = survive("\(slot) = \(name)(\(args.joined(separator: ", ")))\n\(slot)", interp) {
            results += 1
            // Returned functions (grad(f), objects' methods) get called too.
            if case .builtin = v { survive("\(slot)(\(pick(&rng)))", interp) }
          }
        }
      }
      XCTAssertGreaterThan(calls, 3000)
      XCTAssertGreaterThan(results, 100, "some calls should succeed")
    }
  }

  /// Inputs that once trapped (or looped for ever), kept as regression checks: source and
  /// whether it must throw (false: it must give a value).
  static let knownCrashers: [(String, Bool)] = [
    ("tensor([(-9223372036854775807 - 1)])", false), ("ones([2]) + (-9223372036854775807 - 1)", false),
    ("take(ones([3]), [(-9223372036854775807 - 1)])", true), ("round(1.5, (-9223372036854775807 - 1))", false),
    ("len([] * 9223372036854775807)", false), ("len(\"\" * 9223372036854775807)", false),
    ("format(\"{9223372036854775807}\", 1)", true), ("ones([3])[cast(tensor(float(\"nan\")), \"int32\")]", true),
    ("zeros([46341, 46341])", true), ("sum(zeros([0, 9223372036854775807]), axis = 0)", true),
    ("concat([zeros([0, 2147483647]), zeros([0, 2147483647])], axis = 1)", true),
    ("sparse_softmax_cross_entropy(zeros([0, 3000000000]), zeros([0]))", true),
    ("ones([1048576, 1]) + ones([1, 1048576])", true), ("ones([1048576, 1]) * ones([1, 1048576])", true),
    ("linear(zeros([100000, 0]), zeros([0, 100000]))", true),
    ("save(\"x\", ones([1]))", false), ("save(\".\", ones([1]))", true), ("save(\"a/\", ones([1]))", true),
    ("plot_training([1], [1], [1], [1], svg = \"p\")", false),
    ("arange(9223372036854775807, 3, 0.5)", false), ("arange(-1e38, 1e38, 1)", true),
  ]

  func testInputsThatOnceTrapped() throws {
    try inTemporaryDirectory {
      let interp = makeInterpreter()
      for (source, throwsError) in Self.knownCrashers {
        if throwsError {
          XCTAssertThrowsError(try interp.evaluateCell(source: source, name: "fuzz"), source)
        } else {
          XCTAssertNoThrow(try interp.evaluateCell(source: source, name: "fuzz"), source)
        }
      }
      XCTAssertTrue(FileManager.default.fileExists(atPath: "x"))
    }
  }

  func testParentDirectory() {
    let cases = [("a/b/c", "a/b"), ("a/b/", "a"), ("/x", "/"), ("x", ""), ("", ""), (".", ""), ("/", "/"),
                 ("//", "/"), ("a//b", "a"), ("/a/b", "/a")]
    for (path, parent) in cases { XCTAssertEqual(parentDirectory(of: path), parent, path) }
  }

  static let operands = [
    "tensor(1.5)", "zeros([0])", "ones([1])", "tensor([1, 2, 3])", "tensor([[1, 2, 3], [4, 5, 6]])",
    "zeros([0, 3])", "ones([1, 1, 1, 1])", "tensor([1, 2, 3], dtype = \"int32\")",
    "tensor([[0, 255]], dtype = \"uint8\")", "tensor([float(\"nan\"), float(\"inf\"), -1])",
    "tensor([0, 0, 0], dtype = \"int32\")", "tensor([-9e18, 9e18, 3e9])", "ones([3, 1])", "ones([2, 3, 3])",
    "0", "-1", "2147483648", "9223372036854775807", "(-9223372036854775807 - 1)", "1e300", "float(\"nan\")",
    "float(\"inf\")", "\"x\"", "none", "true", "[1, 2]", "[]", "{w: 1}",
  ]
  static let indices = [
    "0", "-1", "3", "-4", "2147483648", "9223372036854775807", "(-9223372036854775807 - 1)", "1.5", "none",
    "\"x\"", "true", "[0, 1]", "[-100]", "tensor([0, 2], dtype = \"int32\")", "tensor([5])", "tensor(0)",
    "float(\"nan\")",
  ]
  static let binaryOperators = ["+", "-", "*", "/", "//", "%", "**", "@", "==", "!=", "<", ">=", "in", "and"]

  func testTensorOperatorsAndIndexingWithHostileOperands() {
    var rng = Rng(state: 0xDEAD_BEEF_CAFE_F00D ^ seed)
    let interp = makeInterpreter()
    func operand() -> String { Self.operands[rng.below(Self.operands.count)] }
    func index() -> String { Self.indices[rng.below(Self.indices.count)] }
    func bound() -> String { rng.below(4) == 0 ? "" : index() }
    for _ in 0..<3000 * scale {
      let t = operand()
      let source: String
      switch rng.below(10) {
      case 0: source = "\(t) \(Self.binaryOperators[rng.below(Self.binaryOperators.count)]) \(operand())"
      case 1: source = "t = \(t)\nt[\(index())]"
      case 2: source = "t = \(t)\nt[\(bound()):\(bound())\(rng.below(2) == 0 ? "" : ":" + bound())]"
      case 3: source = "t = \(t)\nt[\(index()), \(bound()):\(bound())]"
      case 4: source = "t = \(t)\nt[\(index())] = \(operand())\nt"
      case 5: source = "t = \(t)\nt[\(bound()):\(bound())] = \(operand())\nt"
      case 6: source = ["-\(t)", "len(\(t))", "int(\(t))", "float(\(t))", "bool(\(t))", "(\(t)).shape",
                        "(\(t)).T", "(\(t)).dtype", "str(\(t))", "not \(t)"][rng.below(10)]
      case 7: source = "s = 0\nfor x in \(t) { s = s + x }\ns"
      case 8: source = "t = \(t)\nt \(["+=", "-=", "*=", "/="][rng.below(4)]) \(operand())\nt"
      default:
        let spec = ["", ".3f", ">10", "d", ".1000000f", "999999999d", "x", ",", "+.2e"][rng.below(9)]
        source = "f\"{\(t):\(spec)}\""
      }
      survive(source, interp)
    }
  }

  static let hostileFunctions = [
    "fn(p) { p }", "fn(p) { sum(p * p) }", "fn(p) { p[100] }", "fn(p) { none }", "fn(p) { sum(log(p)) }",
    "fn(p) { sum(reshape(p, [-1])) }", "fn(p) { grad(fn(q) { sum(q * q) })(p) }", "fn(p) { error(\"boom\") }",
    "fn(p) { sum(p.w @ p.w) }", "fn(p) { p = 3\np }", "fn(p) { sum(p / 0) }", "fn(p) { sum(p ** float(\"nan\")) }",
    "fn(p) { mean(softmax(p, axis = 5)) }", "fn(p) { sum(p[0:0]) }", "fn(p) { sum(p.T @ p) }",
    "fn(p) { max(p) }", "fn(p) { sum(cast(p, \"int32\")) }", "fn(p, q) { sum(p) + q }", "fn() { 1 }",
    "fn(p) { x = p\nx[0] = 5\nsum(x) }", "fn(p) { sum(concat([p, p])) }", "fn(p) { sum(one_hot(p, 3)) }",
  ]
  static let parameters = [
    "tensor(1.5)", "zeros([0])", "tensor([1, 2, 3])", "tensor([[1, 2], [3, 4]])", "{w: tensor([[1, 2], [3, 4]])}",
    "[tensor([1.0]), {b: tensor(2.0)}]", "tensor([1, 2], dtype = \"int32\")", "1", "none", "\"x\"", "[]", "{}",
    "tensor([float(\"nan\"), -1])",
  ]

  func testGradientsOfHostileFunctions() {
    var rng = Rng(state: 0x1234_5678_9ABC_DEF1 ^ seed)
    let interp = makeInterpreter()
    for _ in 0..<600 * scale {
      let f = Self.hostileFunctions[rng.below(Self.hostileFunctions.count)]
      let p = Self.parameters[rng.below(Self.parameters.count)]
      let extra = rng.below(3) == 0 ? ", \(Self.parameters[rng.below(Self.parameters.count)])" : ""
      let wrapper = rng.below(2) == 0 ? "grad" : "value_and_grad"
      survive("\(wrapper)(\(f))(\(p)\(extra))", interp)
    }
  }
}
