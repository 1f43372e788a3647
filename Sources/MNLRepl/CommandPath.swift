import Foundation

/// The file name a command such as `:predict` or `:load` was given, as a shell user would
/// write it: `my five.png` as it stands, `"my five.png"` or `'my five.png'` quoted (inside
/// double quotes `\"` and `\\` are escapes), and `~/x` in the home directory.
func commandPath(_ argument: String) throws -> String {
  var path = argument
  if let quote = argument.first, quote == "\"" || quote == "'" {
    var result = ""
    var closed = false
    var escaped = false
    for character in argument.dropFirst() {
      if closed {
        throw CommandError("unexpected text after the closing quote in \(argument)")
      } else if escaped {
        result.append(character)
        escaped = false
      } else if character == "\\" && quote == "\"" {
        escaped = true
      } else if character == quote {
        closed = true
      } else {
        result.append(character)
      }
    }
    guard closed else { throw CommandError("missing closing \(quote) in \(argument)") }
    path = result
  }
  if path == "~" || path.hasPrefix("~/") {
    path = NSString(string: path).expandingTildeInPath
  }
  return path
}
