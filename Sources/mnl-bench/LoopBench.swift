import ArgumentParser

struct LoopBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "loop", abstract: "(being written)")
  func run() throws { print("loop benchmark: being written") }
}
