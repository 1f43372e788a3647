import ArgumentParser
import CSupport
import Foundation
import MNLKernels

/// `mnl-bench`: performance measurements, meant for release builds
/// (`swift run -c release mnl-bench <subcommand>`). Speed is measured here, never asserted in tests.
@main
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mnl-bench",
    abstract: "Benchmarks for mnl (run with -c release).",
    subcommands: [KernelsBench.self, LoopBench.self, TrainBench.self, ConvBench.self, CNNBench.self, DataParallelBench.self])
}

/// What every benchmark does first: the same allocator tuning as `mnl`, a clear stop on a bad
/// MNL_ISA / MNL_THREADS, and a line saying which kernels and how many threads run.
enum BenchSetup {
  static func start() throws {
    mnl_keep_large_blocks(64 << 20, 128 << 20)
    if let error = KernelDispatch.configurationError {
      FileHandle.standardError.write(Data("mnl-bench: \(error)\n".utf8))
      throw ExitCode(2)
    }
    print("kernels: \(KernelDispatch.summary)")
  }
}
