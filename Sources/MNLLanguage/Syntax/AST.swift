/// The syntax tree. Every node keeps the location used in its error messages.
final class Expr {
  let kind: ExprKind
  let location: SourceLocation
  init(_ kind: ExprKind, _ location: SourceLocation) {
    self.kind = kind
    self.location = location
  }
}

indirect enum ExprKind {
  case literal(Value)
  case interpolated([InterpolatedPart])
  case name(String)
  case list([Expr])
  /// `[element for a, b in iterable if condition for c in a …]`: the first clause is a `for`.
  case comprehension(element: Expr, clauses: [ComprehensionClause])
  case record([(String, Expr)])
  case unary(UnaryOperator, Expr)
  case not(Expr)
  case binary(BinaryOperator, Expr, Expr)
  case and(Expr, Expr)
  case or(Expr, Expr)
  /// `a..b`: integers from a up to b, excluded.
  case range(Expr, Expr)
  case call(Expr, [Argument])
  case member(Expr, String)
  case index(Expr, [IndexExpr])
  case function(FunctionDecl)
  case ifElse(condition: Expr, then: Block, otherwise: Block?)
  case block(Block)
  /// `try { … } catch e { … } finally { … }`: at least one of catch and finally.
  case tryCatch(TryCatch)
}

/// The parts of a `try`; `variable` is the catch block's own name for the error.
struct TryCatch {
  let body: Block
  let variable: String?
  let handler: Block?
  let cleanup: Block?
}

/// One clause of a comprehension; clauses nest left to right, as in Python.
enum ComprehensionClause {
  case forIn(variables: [String], iterable: Expr)
  case filter(Expr)
}

enum InterpolatedPart {
  case text(String)
  /// `{x!r:>8}`: the conversion ('r' display form, 's' text) applies before the spec.
  case value(Expr, spec: String?, conversion: Character?)
}

struct Argument {
  let label: String?
  let value: Expr
  let location: SourceLocation
}

enum IndexExpr {
  case single(Expr)
  case slice(start: Expr?, end: Expr?, step: Expr?)
}

struct Parameter {
  let name: String
  let defaultValue: Expr?
  let location: SourceLocation
}

final class FunctionDecl {
  let name: String?
  let parameters: [Parameter]
  let body: Block
  let location: SourceLocation
  init(name: String?, parameters: [Parameter], body: Block, location: SourceLocation) {
    self.name = name
    self.parameters = parameters
    self.body = body
    self.location = location
  }
}

struct Block {
  let statements: [Stmt]
  let location: SourceLocation
}

final class Stmt {
  let kind: StmtKind
  let location: SourceLocation
  init(_ kind: StmtKind, _ location: SourceLocation) {
    self.kind = kind
    self.location = location
  }
}

enum StmtKind {
  case expression(Expr)
  /// `a = e`, `a, b = e`, `r.w = e`, `xs[i] = e`
  case assign(targets: [Expr], value: Expr)
  /// `a += e` etc.
  case compoundAssign(target: Expr, op: BinaryOperator, value: Expr)
  case whileLoop(condition: Expr, body: Block)
  case forLoop(variables: [String], iterable: Expr, body: Block)
  case breakLoop
  case continueLoop
  case returnValue(Expr?)
  case function(FunctionDecl)
  case use(String)
  /// `nonlocal a, b` / `global a, b`: assignments in this function rebind those variables.
  case declare(Declaration, [String])
}

enum Declaration: String {
  case nonlocal, global
}

/// Binary operators; tensors and other extension values receive these through `ValueExtension`.
public enum BinaryOperator: String, Sendable, CaseIterable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//"
  case modulo = "%", power = "**", matmul = "@"
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
  case greaterEqual = ">=", contains = "in"
}

public enum UnaryOperator: String, Sendable {
  case negate = "-", plus = "+"
}
