/// The kinds of tokens the lexer produces.
enum TokenKind: Equatable {
  case identifier(String)
  case int(Int)
  case float(Double)
  case string(String)
  /// f"…{expr}…": literal pieces and the scalar ranges of embedded expressions.
  case interpolated([InterpolationPiece])
  case keyword(Keyword)
  case symbol(Symbol)
  case end
}

enum InterpolationPiece: Equatable {
  case text(String)
  /// Scalar offsets of the expression text in the file, an optional conversion (`!r`, `!s`),
  /// an optional format spec after ':', and for `{x=}` the text shown before the value.
  case expression(start: Int, end: Int, spec: String?, conversion: Character?, label: String?)
}

enum Keyword: String, CaseIterable {
  case fn, `if`, `else`, `while`, `for`, `in`, `break`, `continue`, `return`
  case `true`, `false`, none, and, or, not, use
}

enum Symbol: String, CaseIterable {
  case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
  case leftBrace = "{", rightBrace = "}", comma = ",", dot = ".", dotDot = "..", colon = ":"
  case semicolon = ";"
  case plus = "+", minus = "-", star = "*", slash = "/", slashSlash = "//", percent = "%"
  case starStar = "**", at = "@"
  case equal = "=", equalEqual = "==", bangEqual = "!=", less = "<", lessEqual = "<="
  case greater = ">", greaterEqual = ">="
  case plusEqual = "+=", minusEqual = "-=", starEqual = "*=", slashEqual = "/="
}

struct Token {
  let kind: TokenKind
  /// Scalar offset of the first character.
  let offset: Int
  /// True when a line break separates this token from the previous one (ends a statement).
  let startsLine: Bool

  /// How the token is named in "expected …, found …" messages.
  var quoted: String {
    switch kind {
    case .identifier(let name): return "'\(name)'"
    case .int(let v): return "'\(v)'"
    case .float(let v): return "'\(v)'"
    case .string, .interpolated: return "a string"
    case .keyword(let k): return "'\(k.rawValue)'"
    case .symbol(let s): return "'\(s.rawValue)'"
    case .end: return "end of input"
    }
  }
}
