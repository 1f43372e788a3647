import ArgumentParser

struct TrainBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "train", abstract: "(being written)")
  func run() throws { print("train benchmark: being written") }
}
