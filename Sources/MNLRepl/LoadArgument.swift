/// The argument of `:load`: a file name, optionally followed by `--cell N`.
enum LoadArgument {
  static func parse(_ argument: String) throws -> (path: String, cell: Int?) {
    let words = argument.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    guard let index = words.firstIndex(where: { $0 == "--cell" || $0.hasPrefix("--cell=") }) else {
      return (argument, nil)
    }
    let word = words[index]
    let value: String
    var used = 1
    if word.hasPrefix("--cell=") {
      value = String(word.dropFirst("--cell=".count))
    } else {
      guard index + 1 < words.count else { throw CommandError(":load: --cell needs a cell number") }
      value = words[index + 1]
      used = 2
    }
    guard let n = Int(value), n >= 1 else {
      throw CommandError(":load: --cell needs a cell number from 1, found '\(value)'")
    }
    guard index + used == words.count, index > 0 else {
      throw CommandError(":load: write :load FILE --cell N")
    }
    return (words[..<index].joined(separator: " "), n)
  }
}
