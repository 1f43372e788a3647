import ArgumentParser
import Foundation
import MNLLanguage

/// Times the interpreter on a 10-million-iteration scalar loop (goal: under 2 s in release).
struct LoopBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loop", abstract: "Interpreter speed: `s = s + i * 0.5` ten million times.")

  @Option(help: "Iterations of the loop.")
  var iterations = 10_000_000

  @Option(help: "Repetitions; the best time is reported.")
  var repeats = 3

  /// CPU time of the whole process (the interpreter runs on its own thread); on a shared
  /// machine this is steadier than wall time.
  static func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }

  func run() throws {
    try BenchSetup.start()
    let cases: [(String, String)] = [
      ("top level (globals)", "s = 0.0\nfor i in 0..\(iterations) { s = s + i * 0.5 }\nresult = s"),
      (
        "inside a function (locals)",
        "fn f(n) { s = 0.0\n for i in 0..n { s = s + i * 0.5 }\n s }\nresult = f(\(iterations))"
      ),
      ("while loop (globals)", "s = 0.0\ni = 0\nwhile i < \(iterations) { s = s + i * 0.5\n i += 1 }\nresult = s"),
    ]
    let expected = 0.5 * Double(iterations) * Double(iterations - 1) / 2
    for (name, source) in cases {
      var best = Double.infinity
      var bestCPU = Double.infinity
      for _ in 0..<max(1, repeats) {
        let interpreter = Interpreter(output: OutputSink { _ in })
        let start = DispatchTime.now().uptimeNanoseconds
        let startCPU = Self.cpuSeconds()
        try interpreter.runScript(source: source, path: "<bench>")
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        bestCPU = min(bestCPU, Self.cpuSeconds() - startCPU)
        guard case .float(let s)? = interpreter.global("result"), s == expected else {
          throw ValidationError("wrong result for \(name)")
        }
      }
      let perIteration = best / Double(iterations) * 1e9
      print(
        "\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(format: "%.3f", best)) s wall, "
          + "\(String(format: "%.3f", bestCPU)) s CPU  (\(String(format: "%.1f", perIteration)) ns/iteration, best of \(repeats))")
    }
  }
}
