import ArgumentParser

struct KernelsBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "kernels", abstract: "(being written)")
  func run() throws { print("kernels benchmark: being written") }
}
