import XCTest

@testable import MNLLanguage

/// Walks every built-in with an argument that grad is tracing and checks its declared policy
/// (Tensors/TracedArguments.swift): a built-in that propagates gives gradients that match
/// central finite differences, one whose result is constant by nature accepts the traced value,
/// and every other one stops with "cannot be differentiated". A built-in missing from `calls`
/// fails the test, so a new built-in cannot silently cut the tape.
final class TracedArgumentTableTests: XCTestCase {
  /// A call of each propagating or constant-result built-in with the traced 6-vector `w`.
  /// Refusing built-ins need no entry: they are called with `w` for every required argument.
  static let calls: [String: String] = [
    // tensor math (checked against finite differences)
    "exp": "exp(w)", "log": "log(w * w + 0.5)", "sqrt": "sqrt(w * w + 0.5)", "abs": "abs(w)",
    "tanh": "tanh(w)", "sigmoid": "sigmoid(w)", "relu": "relu(w)", "square": "square(w)",
    "maximum": "maximum(w, 0.1)", "minimum": "minimum(w, 0.2)",
    "where": "where(w > 0, w * 2, w * w)",
    "sum": "sum(reshape(w, [2, 3]), axis: 1)", "mean": "mean(reshape(w, [2, 3]), axis: 0)",
    "max": "max(reshape(w, [2, 3]), axis: 1)", "min": "min(w)",
    "var": "var(reshape(w, [2, 3]), axis: 1)", "std": "std(w)",
    "softmax": "softmax(reshape(w, [2, 3]))", "log_softmax": "log_softmax(reshape(w, [2, 3]))",
    "l2_loss": "l2_loss(w)",
    "sparse_softmax_cross_entropy": "sparse_softmax_cross_entropy(reshape(w, [2, 3]), tensor([0, 2]))",
    "matmul": "matmul(reshape(w, [2, 3]), reshape(w * w, [3, 2]))",
    "linear": "linear(reshape(w, [2, 3]), reshape(w * 0.5, [3, 2]), w[0:2], relu: true)",
    "cast": "cast(w, \"float32\")", "reshape": "reshape(w, [3, 2])",
    "transpose": "transpose(reshape(w, [2, 3])) * tensor([1.0, 2.0])",
    "squeeze": "squeeze(reshape(w, [1, 6]))", "expand_dims": "expand_dims(w, 0)",
    "broadcast_to": "broadcast_to(w, [2, 6])", "concat": "concat([w, w * w], 0)",
    "stack": "stack([w, w * w])", "take": "take(w, tensor([0, 2, 2, 5]))",
    "tensor": "tensor([w[0] * w[1], w[2], 3.0])",
    "conv2d": "conv2d(reshape(w, [1, 2, 3, 1]), reshape(w * w, [2, 3, 1, 1]), w[0:1], relu: true)",
    "max_pool": "max_pool(reshape(w * w, [1, 2, 3, 1]), size: 2, padding: \"SAME\")",
    "avg_pool": "avg_pool(reshape(w, [1, 3, 2, 1]), size: [2, 1], stride: 1)",
    "cumsum": "cumsum(reshape(w, [2, 3]), axis: 1)", "cumprod": "cumprod(w)", "clip": "clip(w, -1.0, 1.0)",
    "topk": "topk(w, 3)[0]", "tile": "tile(w, [2, 1])", "repeat": "repeat(w, [1, 2, 0, 1, 3, 1])",
    "flip": "flip(reshape(w, [2, 3]), axis: 1)", "pad": "pad(reshape(w, [2, 3]), [[1, 0], [0, 2]], value: 5.0)",
    "diag": "sum(diag(w[0:3], k: -1)) * diag(reshape(w, [2, 3]), k: 1)", "outer": "outer(w, w * w)",
    "einsum": "einsum(\"ij,kj->ik\", reshape(w, [2, 3]), reshape(w * w, [2, 3]))",
    "grad": "grad(fn(v) { sum(v * v * v) })(w)",
    "value_and_grad": "value_and_grad(fn(v) { sum(v * v * v) })(w)[1]",
    // functions of functions and containers: the traced values come back out
    "tree_map": "tree_map(fn(x) { x * x }, [w, w])[1]", "map": "map(fn(x) { x * x }, [w])[0]",
    "filter": "filter(fn(x) { true }, [w])[0]", "sort": "sort([w])[0] + sort(w, descending: true)",
    "list": "stack(list(w))", "copy": "copy([w])[0]", "reversed": "stack(reversed(list(w)))",
    "zip": "zip([w], [1])[0][0]", "enumerate": "enumerate([w])[0][1]",
    "append": "(fn() { l = []; append(l, w); l[0] })()",
    "push": "(fn() { l = []; push(l, w); l[0] })()",
    "extend": "(fn() { l = []; extend(l, [w]); l[0] })()",
    "insert": "(fn() { l = [1]; insert(l, 0, w); l[0] })()",
    "pop": "pop([w])", "get": "get({a: w}, \"a\")", "remove": "remove({a: w}, \"a\")",
    "keys": "w * len(keys({a: w}))", "values": "values({a: w})[0]", "items": "items({a: w})[0][1]",
    "clone": "clone({a: w}).a",
    // constant by nature: accepted, the result carries no gradient
    "argmax": "argmax(w)", "argmin": "argmin(w)", "equal": "equal(w, w)", "sign": "sign(w)",
    "floor": "floor(w)", "int": "int(w[0])", "bool": "bool(w[0])", "any": "any(w > 0)",
    "all": "all(w > 0)", "one_hot": "one_hot(argmax(reshape(w, [2, 3]), axis: 1), 3)",
    "accuracy": "accuracy(reshape(w, [2, 3]), tensor([0, 1]))", "shape": "shape(w)",
    "zeros_like": "zeros_like(w)", "ones_like": "ones_like(w)", "param_count": "param_count([w])",
    "len": "len(w)", "type": "type(w)", "print": "print(w)", "repr": "repr(w)", "str": "str(w)",
    "format": "format(\"{}\", w)", "show": "show(reshape(abs(w), [2, 3]))",
    "assert": "assert(w[0] > 0)", "error": "none", "raise": "none", "index_of": "index_of([1, w], 1)",
    "has": "has({a: w}, \"a\")", "contains": "contains([w], 1)", "stop_gradient": "stop_gradient(w)",
    "argsort": "argsort(w)", "nonzero": "nonzero(w > 0)", "isnan": "isnan(w)", "isfinite": "isfinite(w)",
    "isinf": "isinf(w)", "allclose": "allclose(w, w * 1.0)",
    "plot": "plot(w, [w, w * 2])", "scatter": "scatter(w, w * w)", "hist": "hist(w, bins: 3)",
  ]

  func testEveryBuiltinHasAPolicyThatHolds() throws {
    let names = Set(Builtins.standardGroups.joined().map(\.name))
    var checked = 0
    for name in names.sorted() {
      let policy = TracedArguments.policy(of: name)
      switch policy {
      case .refuses:
        try expectRefusal(name)
      case .propagates, .constantResult:
        guard let call = Self.calls[name] else {
          XCTFail("\(name): declared \(policy) but has no sample call in TracedArgumentTableTests.calls")
          continue
        }
        if policy == .propagates {
          try expectGradientMatchesFiniteDifferences(name, call)
        } else if name != "error" {
          try expectAcceptedAsConstant(name, call)
        }
      }
      checked += 1
    }
    XCTAssertGreaterThan(checked, 100, "the table should cover every built-in")
  }

  /// The interpreter with `w0` and the projection `weigh(r) = Σ r·c` onto fixed weights c,
  /// so every element of a result (and a wrong sign or scale anywhere) shows in the check.
  private func interpreter() throws -> Interpreter {
    let interpreter = Interpreter(output: OutputSink { _ in })
    _ = try interpreter.evaluateCell(
      source: """
        w0 = tensor([0.6, -0.9, 1.3, 0.4, -1.1, 0.8])
        fn weigh(r) { c = cast(reshape(arange(r.size), r.shape), "float32") * 0.1 + 1.0; sum(r * c) }
        """, name: "setup")
    return interpreter
  }

  private func expectGradientMatchesFiniteDifferences(_ name: String, _ call: String) throws {
    let interpreter = try interpreter()
    let source = """
      fn f(w) { weigh(\(call)) }
      g = grad(f)(w0)
      worst = 0.0
      h = 0.01
      for i in 0..6 {
        e = zeros([6])
        e[i] = h
        fd = (float(f(w0 + e)) - float(f(w0 - e))) / (2 * h)
        worst = max(worst, abs(float(g[i]) - fd) / (abs(fd) + 0.1))
      }
      worst
      """
    do {
      let worst = try interpreter.evaluateCell(source: source, name: name)?.asDouble
      XCTAssertNotNil(worst, name)
      XCTAssertLessThan(worst ?? 1, 0.02, "\(name): gradient differs from finite differences")
    } catch {
      XCTFail("\(name): \(error)")
    }
  }

  private func expectAcceptedAsConstant(_ name: String, _ call: String) throws {
    let interpreter = try interpreter()
    // The built-in reads the traced value; the function's result still depends on w.
    let source = "grad(fn(w) { r = \(call); sum(w * w) })(w0)"
    XCTAssertNoThrow(try interpreter.evaluateCell(source: source, name: name), name)
  }

  private func expectRefusal(_ name: String) throws {
    guard let builtin = Builtins.standardGroups.joined().last(where: { $0.name == name }) else { return }
    let required = builtin.parameters.filter { $0.defaultValue == nil }.count
    let count = max(required, builtin.variadic ? 1 : 0)
    guard count > 0 else { return }  // takes no arguments: nothing traced can reach it
    let interpreter = try interpreter()
    let args = Array(repeating: "w", count: count).joined(separator: ", ")
    let source = "grad(fn(w) { \(name)(\(args)); sum(w) })(w0)"
    XCTAssertThrowsError(try interpreter.evaluateCell(source: source, name: name), name) { error in
      let message = (error as? Diagnostic)?.rendered ?? "\(error)"
      XCTAssertTrue(message.contains("\(name)() cannot be differentiated"), "\(name): \(message)")
    }
  }
}
