import ArgumentParser

/// The subcommands of `mnl` (the run command is the default one).
enum MNLSubcommands {
  static let all: [ParsableCommand.Type] = [RunCommand.self, ReplCommand.self, NotebookCommand.self, KernelCommand.self]
}
