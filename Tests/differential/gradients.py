"""Gradients of random compositions of differentiable ops: mnl's `grad` (float32, reverse mode)
against central finite differences of the same composition evaluated by NumPy in float64.

Inputs a [p, q] and b [q, p]; every node of the expression tree has a shape in {p, q}², so
matmuls, transposes, broadcasting against keepdims reductions, softmax along either axis,
slices, concat, stack, gathers and `where` all compose. The loss is sum(tree * W) for a
constant random W, so every element of the tree's gradient matters."""
import re
import numpy as np
import numpy_diff as nd
import tensor_api_cases


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis):
    s = x - np.max(x, axis=axis, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


class Tree:
    """Random expressions as (mnl text, NumPy function of the inputs) pairs."""

    def __init__(self, g, p, q):
        self.g, self.p, self.q = g, p, q
        self.constants = {}

    def constant(self, shape):
        name = f"k{len(self.constants)}"
        value = self.g.rng.normal(0, 1, shape).astype(np.float32)
        self.constants[name] = value
        return name, (lambda env, v=value: v.astype(np.float64))

    def leaf(self, shape):
        p, q = self.p, self.q
        options = []
        if shape == (p, q):
            options += [("a", lambda e: e["a"]), ("b.T", lambda e: e["b"].T)]
        if shape == (q, p):
            options += [("b", lambda e: e["b"]), ("transpose(a)", lambda e: e["a"].T)]
        if shape == (p, p):
            options += [("(a @ b)", lambda e: e["a"] @ e["b"])]
        if shape == (q, q):
            options += [("matmul(b, a)", lambda e: e["b"] @ e["a"])]
        if not options or self.g.chance(0.1):
            options.append(self.constant(shape))
        return self.g.choice(options)

    def node(self, shape, depth):
        g = self.g
        if depth == 0 or g.chance(0.15):
            return self.leaf(shape)
        kind = g.choice(["unary"] * 4 + ["binary"] * 4 + ["matmul", "softmax", "reduce", "reorder", "reorder", "where", "api", "api"])
        r, c = shape
        if kind == "api":  # sort, scans, clip, pad, einsum, ...: tensor_api_cases.py
            return tensor_api_cases.gradient_node(self, shape, depth)
        if kind == "unary":
            text, f = self.node(shape, depth - 1)
            name = g.choice(["tanh", "sigmoid", "square", "exp-tanh", "log1p-square", "sqrt1p-square", "neg", "relu", "abs", "pow"])
            return {
                "tanh": (f"tanh({text})", lambda e: np.tanh(f(e))),
                "sigmoid": (f"sigmoid({text})", lambda e: sigmoid(f(e))),
                "square": (f"square({text})", lambda e: f(e) ** 2),
                "exp-tanh": (f"exp(tanh({text}))", lambda e: np.exp(np.tanh(f(e)))),
                "log1p-square": (f"log(square({text}) + 1)", lambda e: np.log(f(e) ** 2 + 1)),
                "sqrt1p-square": (f"sqrt(square({text}) + 1)", lambda e: np.sqrt(f(e) ** 2 + 1)),
                "neg": (f"(-{text})", lambda e: -f(e)),
                "relu": (f"relu({text})", lambda e: np.maximum(f(e), 0)),
                "abs": (f"abs({text})", lambda e: np.abs(f(e))),
                "pow": (f"(({text}) ** 3)", lambda e: f(e) ** 3),
            }[name]
        if kind == "binary":
            lt, lf = self.node(shape, depth - 1)
            # the right operand may broadcast: a keepdims reduction, a row, a number
            form = g.choice(["same", "same", "row", "column", "scalar"])
            if form == "same":
                rt, rf = self.node(shape, depth - 1)
            elif form == "row":
                it, inf = self.node(shape, depth - 1)
                rt, rf = f"mean({it}, axis: 0, keepdims: true)", (lambda e: np.mean(inf(e), axis=0, keepdims=True))
            elif form == "column":
                it, inf = self.node(shape, depth - 1)
                rt, rf = f"sum({it}, axis: 1, keepdims: true)", (lambda e: np.sum(inf(e), axis=1, keepdims=True))
            else:
                v = g.choice([0.5, 2.0, -1.5, 3])
                rt, rf = repr(v), (lambda e, v=v: v)
            op = g.choice(["+", "-", "*", "/", "maximum", "minimum"])
            if op == "/":
                return f"({lt} / (square({rt}) + 1))", (lambda e: lf(e) / (rf(e) ** 2 + 1))
            if op in ("maximum", "minimum"):
                fn = np.maximum if op == "maximum" else np.minimum
                return f"{op}({lt}, {rt})", (lambda e: fn(lf(e), rf(e)))
            fn = {"+": np.add, "-": np.subtract, "*": np.multiply}[op]
            return f"({lt} {op} {rt})", (lambda e: fn(lf(e), rf(e)))
        if kind == "matmul":
            k = g.choice([self.p, self.q])
            lt, lf = self.node((r, k), depth - 1)
            rt, rf = self.node((k, c), depth - 1)
            return f"({lt} @ {rt})", (lambda e: lf(e) @ rf(e))
        if kind == "softmax":
            text, f = self.node(shape, depth - 1)
            axis = g.choice([0, 1, -1])
            if g.chance(0.5):
                return f"softmax({text}, axis: {axis})", (lambda e: softmax(f(e), axis))
            return f"log_softmax({text}, axis: {axis})", (lambda e: log_softmax(f(e), axis))
        if kind == "reduce":
            text, f = self.node(shape, depth - 1)
            other, of = self.node(shape, depth - 1)
            name = g.choice(["sum", "mean", "max", "min", "var", "std"])
            axis = g.choice([0, 1])
            npf = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "var": np.var, "std": np.std}[name]
            if name == "std":
                # std's slope is infinite where the values are all equal (a size-1 axis, x − x):
                # mnl, JAX and PyTorch give NaN there, finite differences 0. Keep away from it:
                # a reduced axis of at least 2, and a random constant added so no row is flat.
                if shape[axis] < 2:
                    axis = 1 - axis
                if shape[axis] < 2:
                    name, npf = "var", np.var
                else:
                    kt, kf = self.constant(shape)
                    return (f"({other} * std({text} + {kt}, axis: {axis}, keepdims: true) + 1)",
                            lambda e: of(e) * np.std(f(e) + kf(e), axis=axis, keepdims=True) + 1)
            return (f"({other} + {name}({text}, axis: {axis}, keepdims: true))",
                    lambda e: of(e) + npf(f(e), axis=axis, keepdims=True))
        if kind == "where":
            lt, lf = self.node(shape, depth - 1)
            rt, rf = self.node(shape, depth - 1)
            mask = g.rng.random(shape) < 0.5
            name = f"m{len(self.constants)}"
            self.constants[name] = mask
            return f"where({name}, {lt}, {rt})", (lambda e: np.where(mask, lf(e), rf(e)))
        # reorder: shape-preserving views and copies
        text, f = self.node(shape, depth - 1)
        form = g.choice(["reverse", "reverse-cols", "reshape", "transpose2", "split-concat", "stack-sum", "gather"])
        if form == "reverse":
            return f"{text}[::-1]", (lambda e: f(e)[::-1])
        if form == "reverse-cols":
            return f"{text}[:, ::-1]", (lambda e: f(e)[:, ::-1])
        if form == "reshape":
            return f"reshape(reshape({text}, [-1]), [{r}, {c}])", (lambda e: f(e).reshape(-1).reshape(r, c))
        if form == "transpose2":
            return f"transpose(transpose({text}, [1, 0]))", (lambda e: f(e))
        if form == "split-concat":
            cut = int(g.rng.integers(0, r + 1))
            return f"concat([{text}[:{cut}], {text}[{cut}:]], axis: 0)", (lambda e: np.concatenate([f(e)[:cut], f(e)[cut:]], axis=0))
        if form == "stack-sum":
            other, of = self.node(shape, depth - 1)
            return f"sum(stack([{text}, {other}], axis: 2), axis: 2)", (lambda e: np.sum(np.stack([f(e), of(e)], axis=2), axis=2))
        perm = [int(i) for i in g.rng.permutation(r)]
        return f"{text}[{perm}]", (lambda e: f(e)[perm])


def finite_difference(loss, env, name, h=1e-6):
    x = env[name]
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        up = loss(env)
        x[idx] = old - h
        down = loss(env)
        x[idx] = old
        grad[idx] = (up - down) / (2 * h)
    return grad


def make_case(g, index):
    p, q = g.choice([1, 2, 3]), g.choice([1, 2, 3, 4])
    tree = Tree(g, p, q)
    shape = g.choice([(p, q), (q, p), (p, p), (q, q)])
    text, f = tree.node(shape, int(g.rng.integers(1, 4)))
    while not re.search(r"(?<![\w.])[ab](?!\w)", text):  # a tree of constants has no gradient
        text, f = tree.node(shape, int(g.rng.integers(1, 4)))
    a = g.rng.normal(0, 1, (p, q)).astype(np.float32)
    b = g.rng.normal(0, 1, (q, p)).astype(np.float32)
    w = g.rng.normal(0, 1, shape).astype(np.float32)
    env = {"a": a.astype(np.float64), "b": b.astype(np.float64)}
    loss = lambda e: float(np.sum(f(e) * w.astype(np.float64)))
    reference = [finite_difference(loss, env, "a"), finite_difference(loss, env, "b")]
    lines = [f"{name} = {nd.mnl_literal(v)}" for name, v in tree.constants.items()]
    lines += [f"w{index} = {nd.mnl_literal(w)}", f"a{index} = {nd.mnl_literal(a)}", f"b{index} = {nd.mnl_literal(b)}",
              f"g = grad(fn(a, b) {{ sum({text} * w{index}) }}, argnums: [0, 1])(a{index}, b{index})"]
    return text, lines, reference


def kinked(text):
    return any(k in text for k in ("relu", "abs", "maximum", "minimum", "max(", "min(", "sort(", "topk(", "clip("))


def run(mnl, seed, count):
    g = nd.Generator(seed + 1)
    cases = [make_case(g, i) for i in range(count)]
    failures = []
    pending = list(range(count))
    results = {}
    while pending:
        lines, line_of = [nd.OUT_FN], {}
        for i in pending:
            # constants are named per case: prefix them
            text, body, _ = cases[i]
            body = [re.sub(r"\b([km]\d+)\b", rf"\1_{i}", l) for l in body]
            line_of[sum(x.count("\n") + 1 for x in lines) + 1] = i
            for l in body:
                lines.append(l)
            lines.append(f"out({2 * i}, g[0])\nout({2 * i + 1}, g[1])")
        status, stdout, stderr, _ = nd.run_mnl(mnl, "\n".join(lines) + "\n")
        for line in stdout.splitlines():
            m = re.match(r"R (\d+) (\w+) \[([\d, ]*)\] (.*)$", line)
            if m:
                results[int(m.group(1))] = nd.parse_values(m.group(4), "float32")
        if status == 0:
            break
        m = re.search(r":(\d+):(\d+): error: (.*)", stderr)
        failed = nd.case_at(line_of, int(m.group(1))) if m else None
        if failed is None:
            failures.append(f"gradient program failed outside a case: {stderr[:1500]}")
            break
        failures.append(f"[gradient] {cases[failed][0]}\n  mnl error: {m.group(3)}")
        pending = [i for i in pending if i > failed]
    for i, (text, _, reference) in enumerate(cases):
        for j, want in enumerate(reference):
            got = results.get(2 * i + j)
            if got is None:
                continue
            got = np.array(got).reshape(want.shape)
            scale = max(1.0, float(np.max(np.abs(want))))
            if not np.all(np.abs(got - want) <= 2e-3 * scale):
                if kinked(text) and np.sum(np.abs(got - want) > 2e-3 * scale) <= 1:
                    continue  # a point within h of a kink: the finite difference straddles it
                failures.append(f"[gradient] d/d{'ab'[j]} of sum({text} * w)\n  mnl   {got.reshape(-1).tolist()}\n  fd64  {want.reshape(-1).tolist()}")
    return failures, count
