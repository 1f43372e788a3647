import ArgumentParser

/// `mnl-bench`: performance measurements, meant for release builds
/// (`swift run -c release mnl-bench <subcommand>`). Speed is measured here, never asserted in tests.
@main
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mnl-bench",
    abstract: "Benchmarks for mnl (run with -c release).",
    subcommands: [KernelsBench.self, LoopBench.self, TrainBench.self])
}
