#!/usr/bin/env python3
"""Differential test of mnl's tensor library against NumPy.

Random cases (shapes with 0-d, size-0 and size-1 dimensions; dtypes float32, int64, int32,
uint8, bool; elementwise ops with broadcasting and weak scalars, reductions with axis and
keepdims, indexing and slicing, shape ops, matmul with batch dimensions, softmax, and the Tensor
API built-ins of tensor_api_cases.py) are written
as one mnl program and evaluated by NumPy from the same seed; every result's dtype, shape and
values must agree (exactly for integers and bools, within float32 tolerances for floats).
Where mnl deliberately differs from NumPy, the deviation is applied to NumPy's answer and named
in DEVIATIONS (all are documented in docs/tensors.md). Then random compositions of
differentiable ops: mnl's `grad` against central finite differences of the same composition
evaluated by NumPy in float64 (gradients.py).

usage: numpy_diff.py MNL [--seed N] [--cases N] [--grad-cases N] [--verbose]
Exit status 0 when every case agrees; the summary line gives the counts.
"""
import argparse, os, re, subprocess, sys, tempfile, time, warnings
import numpy as np

# NumPy warns on means of empty slices and the like; the comparison checks those results.
warnings.filterwarnings("ignore", category=RuntimeWarning)

DTYPES = ["float32", "int64", "int32", "uint8", "bool"]
RANK = {"bool": 0, "uint8": 1, "int32": 2, "int64": 3, "float32": 4}
INT_RANGE = {"uint8": (0, 255), "int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}

# mnl's documented choices where NumPy says otherwise (docs/tensors.md), applied to NumPy's answer.
DEVIATIONS = {
    "float32-only": "no float64: anything mixed with a float, true division and means of integers are float32",
    "bool-arithmetic": "bools count as 0 and 1 in + - * (bool + bool is int64, not a logical or)",
    "overflow-error": "integer results that leave their dtype are an error, not a wrap-around",
    "int-division-by-zero": "integer // and % by zero are an error (NumPy gives 0 and a warning)",
    "sum-int64": "sum, cumsum and cumprod of any integer or bool dtype are int64 (NumPy: uint64 for uint8)",
    "empty-of-empty": "max/min/argmax/argmin over an empty axis are an error only when the result has elements; NumPy refuses even an empty result",
    "bool-unary": "abs, floor, relu, sign and square of a bool tensor stay bool (NumPy: int8 square, no bool sign)",
}


class Case:
    """One mnl expression over named inputs, and the NumPy function that computes its answer."""

    def __init__(self, kind, inputs, mnl, numpy_fn, dtype_rule=None, deviation=None):
        self.kind, self.inputs, self.mnl, self.numpy_fn = kind, inputs, mnl, numpy_fn
        self.dtype_rule, self.deviation = dtype_rule, deviation
        self.expect_error = False
        self.expected = None
        self.disagreement = None


class PromotionDisagreement(Exception):
    """mnl's documented promotion rules and NumPy's disagree beyond the listed deviations."""


def promote(a, b):
    return a if RANK[a] >= RANK[b] else b


def mnl_literal(array):
    """An mnl expression that builds exactly this array (shape and dtype included)."""
    dtype = array.dtype.name
    flat = array.reshape(-1).tolist()
    if dtype == "bool":
        items = ["true" if v else "false" for v in flat]
    elif dtype == "float32":
        items = [repr(float(v)) for v in flat]
    else:
        items = [str(int(v)) for v in flat]
    shape = "[" + ", ".join(str(d) for d in array.shape) + "]"
    return f'reshape(tensor([{", ".join(items)}], dtype: "{dtype}"), {shape})'


class Generator:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def choice(self, items):
        return items[int(self.rng.integers(len(items)))]

    def chance(self, p):
        return self.rng.random() < p

    def dim(self):
        return self.choice([0, 1, 1, 2, 2, 3, 3, 4, 5]) if self.chance(0.9) else self.choice([1, 2, 3])

    def shape(self, min_rank=0, max_rank=3):
        rank = int(self.rng.integers(min_rank, max_rank + 1))
        shape = [self.dim() for _ in range(rank)]
        if 0 in shape and self.chance(0.6):  # size-0 tensors: present, but not in most cases
            shape = [d if d else 1 for d in shape]
        return tuple(shape)

    def array(self, shape, dtype, positive=False):
        n = int(np.prod(shape)) if shape else 1
        if dtype == "float32":
            if self.chance(0.5):
                values = self.rng.integers(-12, 13, n) / 4.0
            else:
                values = self.rng.normal(0, 3, n)
            if positive:
                values = np.abs(values) + 0.25
            return values.astype(np.float32).reshape(shape)
        if dtype == "bool":
            return (self.rng.random(n) < 0.5).reshape(shape)
        low, high = (0, 12) if dtype == "uint8" else (-9, 10)
        if positive:
            low = 1
        # Sometimes values near the dtype's limits, to meet the overflow rules.
        if self.chance(0.05):
            lo, hi = INT_RANGE[dtype]
            return self.rng.integers(max(lo, -2**62), min(hi, 2**62) + 1, n, dtype=np.int64).astype(dtype).reshape(shape)
        return self.rng.integers(low, high, n).astype(dtype).reshape(shape)

    def broadcast_pair(self):
        base = self.shape(0, 4)
        other = list(base[len(base) - int(self.rng.integers(0, len(base) + 1)):])
        other = [1 if self.chance(0.3) else d for d in other]
        if self.chance(0.06) and other:
            i = int(self.rng.integers(len(other)))
            other[i] = other[i] + 2  # incompatible: both must fail
        a, b = base, tuple(other)
        return (a, b) if self.chance(0.5) else (b, a)


# ---------------------------------------------------------------- the reference semantics

def fits(values, dtype):
    lo, hi = INT_RANGE[dtype]
    return all(lo <= int(v) <= hi for v in np.asarray(values, dtype=object).reshape(-1))


def exact_ints(array):
    return np.asarray(array).astype(object)


def binary_reference(op, a, b, result_dtype):
    """NumPy's answer for mnl's a OP b in result_dtype (mnl's promotion), with mnl's deviations."""
    if result_dtype == "float32" or op == "/":
        x, y = np.asarray(a).astype(np.float64), np.asarray(b).astype(np.float64)
        with np.errstate(all="ignore"):
            if op == "//":
                # float32 floor division and modulo, as NumPy computes them in float32
                r = np.floor_divide(np.asarray(a).astype(np.float32), np.asarray(b).astype(np.float32))
            elif op == "%":
                r = np.remainder(np.asarray(a).astype(np.float32), np.asarray(b).astype(np.float32))
            else:
                r = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide, "**": np.power,
                     "maximum": np.maximum, "minimum": np.minimum}[op](x, y)
        return np.asarray(r).astype(np.float32)
    x, y = exact_ints(a), exact_ints(b)
    if op in ("//", "%") and np.any(np.asarray(b) == 0) and np.broadcast(np.asarray(a), np.asarray(b)).size > 0:
        raise ZeroDivisionError("int-division-by-zero")
    if op == "**" and np.any(np.asarray(b).astype(np.int64) < 0):
        raise ValueError("Integers to negative integer powers are not allowed.")
    if op == "**" and np.any(np.abs(np.asarray(b).astype(np.int64)) > 64):
        # exact powers would be astronomically large; these overflow unless the base is 0 or ±1
        base = np.broadcast_to(np.asarray(a).astype(np.int64), np.broadcast(a, b).shape)
        if np.any(np.abs(base) > 1):
            raise OverflowError("overflow-error")
    func = {"+": lambda p, q: p + q, "-": lambda p, q: p - q, "*": lambda p, q: p * q,
            "//": lambda p, q: p // q, "%": lambda p, q: p % q, "**": lambda p, q: p ** q,
            "maximum": lambda p, q: max(p, q), "minimum": lambda p, q: min(p, q)}[op]
    shape = np.broadcast(np.asarray(a), np.asarray(b)).shape
    xb, yb = np.broadcast_to(x, shape), np.broadcast_to(y, shape)
    r = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        r[idx] = func(int(xb[idx]), int(yb[idx]))
    if result_dtype == "bool":
        result_dtype = "int64"
    if not fits(r, result_dtype):
        raise OverflowError("overflow-error")
    return r.astype(np.int64).astype(result_dtype)


def canonical(dtype):
    """NumPy's result dtype as mnl names it, under the documented deviations."""
    name = np.dtype(dtype).name
    return {"float64": "float32", "float16": "float32", "uint64": "int64", "int8": "int64", "int16": "int64",
            "uint16": "int32", "uint32": "int64"}.get(name, name)


# ---------------------------------------------------------------- the cases

def scalar_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def elementwise_case(g):
    op = g.choice(["+", "-", "*", "/", "//", "%", "**", "maximum", "minimum",
                   "==", "!=", "<", "<=", ">", ">=", "logical_and", "logical_or", "logical_xor", "where"])
    sa, sb = g.broadcast_pair()
    da, db = g.choice(DTYPES), g.choice(DTYPES)
    if op == "**":  # keep exponents small so that the interesting cases are not all overflows
        b = g.array(sb, db) if db == "float32" else (np.abs(g.array(sb, "int32")) % 4).astype(db)
        a = g.array(sa, da)
    else:
        a, b = g.array(sa, da), g.array(sb, db)
    inputs = {"a": a, "b": b}
    weak = None
    if op not in ("where",) and g.chance(0.25):  # a script number beside a tensor: weak
        weak = g.choice([0, 1, 2, 3, -1, 7, 300, 2.5, -0.5, True])
        if op == "**" and not isinstance(weak, float):
            weak = abs(int(weak)) % 4
        del inputs["b"]
    btext = scalar_text(weak) if weak is not None else "b"
    if op in ("maximum", "minimum", "logical_and", "logical_or", "logical_xor"):
        mnl = f"{op}(a, {btext})"
    elif op == "where":
        c = g.array(g.broadcast_pair()[0] if g.chance(0.2) else sa, "bool")
        inputs["c"] = c
        mnl = "where(c, a, b)"
    else:
        mnl = f"a {op} {btext}"
    bvalue = weak if weak is not None else b

    def reference():
        av, bv = a, bvalue
        if op == "where":
            r = np.where(inputs["c"], a, b)
            return r.astype(promote(da, db)), canonical(r.dtype)
        if op in ("==", "!=", "<", "<=", ">", ">="):
            r = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal, ">": np.greater,
                 ">=": np.greater_equal}[op](np.asarray(av).astype(np.float64) if isinstance(bv, float) or "float32" in (da, db) else exact_ints(av),
                                             bv if isinstance(bv, (bool, int, float)) else (np.asarray(bv).astype(np.float64) if "float32" in (da, db) or isinstance(bv, float) else exact_ints(bv)))
            return np.asarray(r, dtype=bool), "bool"
        if op.startswith("logical_"):
            r = getattr(np, op)(av, bv)
            return r, canonical(r.dtype)
        # the result dtype by mnl's documented rules (NEP 50 with weak scalars, no float64)
        if weak is not None:
            if isinstance(weak, float):
                rd = "float32"
            elif isinstance(weak, bool):
                rd = da
            else:
                rd = "int64" if da == "bool" else da
                if rd != "float32" and not fits([weak], rd):
                    raise OverflowError(f"Python integer {weak} out of bounds for {rd}")
        else:
            rd = promote(da, db)
        if op == "/":
            rd = "float32"
        bool_arith = rd == "bool" and op not in ("maximum", "minimum")  # those stay bool, as in NumPy
        if bool_arith:
            rd = "int64"
        r = binary_reference(op, av, bv, rd)
        # NumPy's own dtype must be mnl's under the documented deviations
        if not bool_arith and rd != "float32" and weak is None:
            np_dtype = np.result_type(a, b)
            if canonical(np_dtype) != rd:
                raise PromotionDisagreement(f"NumPy promotes {da} and {db} to {np_dtype.name}; mnl's rules say {rd}")
        return r, rd

    return Case("elementwise " + op, inputs, mnl, reference)


UNARY = {
    "neg": ("-a", lambda x: -x), "abs": ("abs(a)", np.abs), "square": ("square(a)", np.square),
    "exp": ("exp(a)", np.exp), "log": ("log(a)", np.log), "sqrt": ("sqrt(a)", np.sqrt), "tanh": ("tanh(a)", np.tanh),
    "sigmoid": ("sigmoid(a)", lambda x: 1 / (1 + np.exp(-x))), "relu": ("relu(a)", lambda x: np.maximum(x, 0)),
    "sign": ("sign(a)", np.sign), "floor": ("floor(a)", np.floor), "logical_not": ("logical_not(a)", np.logical_not),
}


def unary_case(g):
    name = g.choice(list(UNARY))
    dtype = g.choice(DTYPES)
    a = g.array(g.shape(), dtype, positive=name in ("log", "sqrt") and g.chance(0.8))
    mnl, fn = UNARY[name]

    def reference():
        if name == "logical_not":
            return np.logical_not(a), "bool"
        if name in ("exp", "log", "sqrt", "tanh", "sigmoid") or dtype == "float32":
            with np.errstate(all="ignore"):
                r = fn(a.astype(np.float64))
            return r.astype(np.float32), "float32"
        if dtype == "bool":
            if name == "neg":
                raise TypeError("The numpy boolean negative, the `-` operator, is not supported")
            # abs, floor, relu, sign and square of 0/1 are 0/1: mnl keeps bool (NumPy keeps
            # bool for abs and floor, gives int8 for square and has no bool sign)
            return a.copy(), "bool"
        rd = dtype
        x = exact_ints(a.astype(np.int64))
        r = np.vectorize(lambda v: int(fn(np.int64(v)) if name not in ("neg", "abs", "square") else {"neg": -v, "abs": abs(v), "square": v * v}[name]), otypes=[object])(x) if x.size else x
        if rd != "bool" and not fits(r, rd):
            raise OverflowError("overflow-error")
        return np.asarray(r).astype(np.int64).astype(rd).reshape(a.shape), rd

    return Case("unary " + name, {"a": a}, mnl, reference)


def reduction_case(g):
    name = g.choice(["sum", "mean", "max", "min", "var", "std", "argmax", "argmin", "any", "all"])
    dtype = g.choice(DTYPES)
    shape = g.shape(0, 3)
    a = g.array(shape, dtype)
    args, axis = [], None
    if shape and g.chance(0.75):
        rank = len(shape)
        if name not in ("argmax", "argmin") and g.chance(0.35):
            axes = sorted(set(int(g.rng.integers(-rank, rank)) % rank for _ in range(int(g.rng.integers(1, rank + 1)))))
            axis = tuple(ax - rank if g.chance(0.3) else ax for ax in axes)
            args.append("axis: [" + ", ".join(map(str, axis)) + "]")
        else:
            axis = int(g.rng.integers(-rank, rank))
            args.append(f"axis: {axis}")
    keepdims = g.chance(0.4) and (axis is not None or name not in ("argmax", "argmin"))
    if keepdims:
        args.append("keepdims: true")
    mnl = f"{name}(a{''.join(', ' + x for x in args)})"

    def reference():
        x = a
        with np.errstate(all="ignore"):
            if name in ("sum",):
                r = np.sum(exact_ints(x) if dtype != "float32" else x.astype(np.float64), axis=axis, keepdims=keepdims)
                rd = "float32" if dtype == "float32" else "int64"
                if rd == "int64" and not fits(r, "int64"):
                    raise OverflowError("overflow-error")
                return np.asarray(r).astype(np.float64 if rd == "float32" else np.int64).astype(rd), rd
            if name in ("mean", "var", "std"):
                r = getattr(np, name)(x.astype(np.float64), axis=axis, keepdims=keepdims)
                return np.asarray(r).astype(np.float32), "float32"
            if name in ("max", "min", "argmax", "argmin") and x.size == 0 and axis is not None:
                # Reducing an empty axis into an empty result: NumPy refuses, mnl gives the
                # empty result (no element lacks a value; see DEVIATIONS).
                out_shape = list(x.shape)
                for ax in (axis if isinstance(axis, tuple) else (axis,)):
                    out_shape[ax] = 1 if keepdims else None
                out_shape = [d for d in out_shape if d is not None]
                if 0 in out_shape:
                    rd = "int64" if name.startswith("arg") else dtype
                    return np.zeros(out_shape, dtype=rd), rd
            if name in ("max", "min"):
                r = getattr(np, name)(x, axis=axis, keepdims=keepdims)
                return np.asarray(r), canonical(np.asarray(r).dtype)
            if name in ("argmax", "argmin"):
                r = getattr(np, name)(x, axis=axis, keepdims=keepdims)
                return np.asarray(r).astype(np.int64), "int64"
            r = getattr(np, name)(x, axis=axis, keepdims=keepdims)
            return np.asarray(r), "bool"

    return Case("reduction " + name, {"a": a}, mnl, reference)


def index_case(g):
    shape = g.shape(1, 3)
    dtype = g.choice(DTYPES)
    a = g.array(shape, dtype)
    inputs = {"a": a}
    kind = g.choice(["basic", "basic", "basic", "mask", "gather"])
    if kind == "mask":
        lead = int(g.rng.integers(1, len(shape) + 1))
        inputs["m"] = g.array(shape[:lead], "bool")
        return Case("index mask", inputs, "a[m]", lambda: (a[inputs["m"]], dtype))
    if kind == "gather":
        n = shape[0]
        idx = [int(g.rng.integers(-n - 1, n + 1)) if n else int(g.rng.integers(-1, 2)) for _ in range(int(g.rng.integers(0, 4)))]
        text = "[" + ", ".join(map(str, idx)) + "]"
        if not idx:
            return Case("index gather", inputs, f'a[tensor([], dtype: "int64")]', lambda: (a[np.array([], dtype=np.int64)], dtype))
        return Case("index gather", inputs, f"a[{text}]", lambda: (a[idx], dtype))
    items, np_items = [], []
    for d in shape[:int(g.rng.integers(1, len(shape) + 1))]:
        r = g.rng.random()
        if r < 0.35:
            i = int(g.rng.integers(-d - 1, d + 1)) if d else 0
            items.append(str(i)); np_items.append(i)
        elif r < 0.9:
            def bound():
                return None if g.chance(0.3) else int(g.rng.integers(-d - 2, d + 3))
            start, stop = bound(), bound()
            step = None if g.chance(0.4) else g.choice([1, 2, 3, -1, -2])
            text = f"{'' if start is None else start}:{'' if stop is None else stop}"
            if step is not None:
                text += f":{step}"
            items.append(text); np_items.append(slice(start, stop, step))
        else:
            items.append("none"); np_items.append(None)
    key = tuple(np_items)
    return Case("index basic", inputs, f"a[{', '.join(items)}]", lambda: (np.asarray(a[key]), dtype))


def shape_case(g):
    op = g.choice(["reshape", "transpose", "T", "squeeze", "expand_dims", "broadcast_to", "concat", "stack"])
    dtype = g.choice(DTYPES)
    shape = g.shape(0, 3)
    a = g.array(shape, dtype)
    inputs = {"a": a}
    n = a.size
    if op == "reshape":
        divisors = [d for d in range(1, max(n, 1) + 1) if n % d == 0] or [0]
        first = g.choice(divisors) if n else g.choice([0, 1, 2])
        rest = n // first if first else g.choice([0, 3])
        new = g.choice([[first, rest], [n], [first, -1], [-1], [rest, 1, first], [first, rest + 1]])
        if n == 0 and -1 in new and 0 in new:
            new = [0, 2]
        text = "[" + ", ".join(map(str, new)) + "]"
        return Case("shape reshape", inputs, f"reshape(a, {text})", lambda: (a.reshape(new), dtype))
    if op == "transpose":
        perm = list(g.rng.permutation(len(shape)))
        if g.chance(0.1) and perm:
            perm[0] = perm[-1]  # a repeated axis: both must fail
        text = "[" + ", ".join(map(str, perm)) + "]"
        return Case("shape transpose", inputs, f"transpose(a, {text})", lambda: (np.transpose(a, perm), dtype))
    if op == "T":
        return Case("shape T", inputs, "a.T", lambda: (a.T, dtype))
    if op == "squeeze":
        if shape and g.chance(0.5):
            ax = int(g.rng.integers(-len(shape), len(shape)))
            return Case("shape squeeze axis", inputs, f"squeeze(a, {ax})", lambda: (np.squeeze(a, ax), dtype))
        return Case("shape squeeze", inputs, "squeeze(a)", lambda: (np.squeeze(a), dtype))
    if op == "expand_dims":
        ax = int(g.rng.integers(-len(shape) - 1, len(shape) + 1))
        return Case("shape expand_dims", inputs, f"expand_dims(a, {ax})", lambda: (np.expand_dims(a, ax), dtype))
    if op == "broadcast_to":
        target = [g.dim() for _ in range(int(g.rng.integers(0, 2)))] + [d if d != 1 or g.chance(0.5) else g.dim() for d in shape]
        text = "[" + ", ".join(map(str, target)) + "]"
        return Case("shape broadcast_to", inputs, f"broadcast_to(a, {text})", lambda: (np.broadcast_to(a, target), dtype))
    # concat / stack of 2-3 tensors, maybe of different dtypes (promoted)
    count = int(g.rng.integers(1, 4))
    names = ["a", "b", "c"][:count]
    dtypes = [dtype] + [dtype if g.chance(0.6) else g.choice(DTYPES) for _ in names[1:]]
    if op == "concat" and shape:
        axis = int(g.rng.integers(-len(shape), len(shape)))
        parts = []
        for name, dt in zip(names, dtypes):
            s = list(shape)
            s[axis] = g.dim() if not g.chance(0.05) else s[axis]
            if g.chance(0.05) and len(s) > 1:
                s[(axis + 1) % len(s)] += 1  # mismatch: both must fail
            parts.append(g.array(tuple(s), dt))
    else:
        axis = int(g.rng.integers(-len(shape) - 1, len(shape) + 1))
        parts = [g.array(shape if not g.chance(0.05) else shape + (2,), dt) for dt in dtypes]
        op = "stack"
    for name, p in zip(names, parts):
        inputs[name] = p
    text = f"{op}([{', '.join(names)}], axis: {axis})"

    def reference():
        rd = dtypes[0]
        for dt in dtypes[1:]:
            rd = promote(rd, dt)
        r = (np.concatenate if op == "concat" else np.stack)([p.astype(rd) for p in parts], axis=axis)
        return r, rd

    return Case("shape " + op, inputs, text, reference)


def matmul_case(g):
    k = g.dim()
    kind = g.choice(["2d", "2d", "1d-2d", "2d-1d", "1d-1d", "batch", "batch-broadcast", "4d", "nd-broadcast", "nd-vector"])
    n, m = g.dim(), g.dim()
    batch = g.choice([1, 2, 3])
    shapes = {"2d": ((n, k), (k, m)), "1d-2d": ((k,), (k, m)), "2d-1d": ((n, k), (k,)), "1d-1d": ((k,), (k,)),
              "batch": ((batch, n, k), (batch, k, m)), "batch-broadcast": ((1, n, k), (batch, k, m)) if g.chance(0.5) else ((batch, n, k), (k, m)),
              "4d": ((2, batch, n, k), (2, batch, k, m)),
              "nd-broadcast": g.choice([((2, 1, n, k), (batch, k, m)), ((batch, 2, n, k), (k, m)), ((n, k), (2, batch, k, m)),
                                        ((1, batch, n, k), (3, 1, k, m))]),
              "nd-vector": g.choice([((k,), (2, batch, k, m)), ((2, batch, n, k), (k,))])}[kind]
    sa, sb = shapes
    if g.chance(0.06):
        sb = sb[:-2] + (k + 1,) + sb[-1:] if len(sb) >= 2 else (k + 1,)  # inner mismatch
    da = g.choice(["float32", "float32", "int64", "int32", "uint8"])
    db = da if g.chance(0.7) else g.choice(["float32", "int64", "int32"])
    a, b = g.array(sa, da), g.array(sb, db)
    transpose = ""

    def reference():
        rd = promote(da, db)
        if rd == "float32":
            return np.matmul(a.astype(np.float64), b.astype(np.float64)).astype(np.float32), rd
        r = np.matmul(exact_ints(a), exact_ints(b)) if a.ndim and b.ndim else None
        if not fits(r, rd):
            raise OverflowError("overflow-error")
        return np.asarray(r).astype(np.int64).astype(rd), rd

    return Case("matmul " + kind, {"a": a, "b": b}, f"a @ b{transpose}", reference)


def softmax_case(g):
    name = g.choice(["softmax", "log_softmax"])
    shape = g.shape(1, 3)
    a = g.array(shape, "float32") * np.float32(g.choice([1, 1, 10, 1000]))
    axis = None if g.chance(0.4) else int(g.rng.integers(-len(shape), len(shape)))
    mnl = f"{name}(a)" if axis is None else f"{name}(a, axis: {axis})"

    def reference():
        ax = -1 if axis is None else axis
        x = a.astype(np.float64)
        shifted = x - (np.max(x, axis=ax, keepdims=True) if x.size else 0)
        log_sum = np.log(np.sum(np.exp(shifted), axis=ax, keepdims=True))
        r = shifted - log_sum if name == "log_softmax" else np.exp(shifted - log_sum)
        return r.astype(np.float32), "float32"

    return Case(name, {"a": a}, mnl, reference)


MAKERS = [(elementwise_case, 30), (unary_case, 10), (reduction_case, 18), (index_case, 14), (shape_case, 14),
          (matmul_case, 8), (softmax_case, 6)]
# The Tensor API built-ins (sort, scans, clip, pad, einsum, ...): tensor_api_cases.py.
MAKERS += __import__("tensor_api_cases").makers(sys.modules[__name__])


def make_cases(seed, count):
    g = Generator(seed)
    makers = [m for m, w in MAKERS for _ in range(w)]
    cases = []
    for _ in range(count):
        case = g.choice(makers)(g)
        try:
            with np.errstate(all="ignore"):
                value, dtype = case.numpy_fn()
            case.expected = (np.asarray(value), dtype)
        except (ValueError, IndexError, TypeError, OverflowError, ZeroDivisionError, np.exceptions.AxisError) as e:
            case.expect_error = True
            case.expected = str(e)
        except PromotionDisagreement as e:
            case.disagreement = str(e)
        cases.append(case)
    return cases


# ---------------------------------------------------------------- running mnl

OUT_FN = '''fn out(id, x) {
  if type(x) != "tensor" { x = tensor(x) }
  flat = reshape(x, [-1])
  if x.dtype == "float32" { values = [float(v) for v in flat] } else { values = [int(v) for v in flat] }
  print(f"R {id} {x.dtype} {x.shape} {values}")
}
'''


def program(cases, ids):
    lines = [OUT_FN]
    line_of = {}
    for i in ids:
        case = cases[i]
        line_of[sum(l.count("\n") + 1 for l in lines) + 1] = i
        for name, value in case.inputs.items():
            lines.append(f"{name} = {mnl_literal(value)}")
        lines.append(f"out({i}, {case.mnl})")
    return "\n".join(lines) + "\n", line_of


def case_at(line_of, line):
    """The case whose lines contain `line` (line_of: first line of each case → case)."""
    starts = [start for start in line_of if start <= line]
    return line_of[max(starts)] if starts else None


def run_mnl(mnl, source):
    with tempfile.NamedTemporaryFile("w", suffix=".mnl", delete=False) as f:
        f.write(source)
        path = f.name
    try:
        p = subprocess.run([mnl, path], capture_output=True, text=True, timeout=300)
        return p.returncode, p.stdout, p.stderr, path
    finally:
        os.unlink(path)


def parse_values(text, dtype):
    inner = text.strip()[1:-1].strip()
    if not inner:
        return []
    return [float(t) if dtype == "float32" else int(t) for t in inner.split(", ")]


def compare(case, dtype, shape, values):
    expected, expected_dtype = case.expected
    if dtype != expected_dtype:
        return f"dtype {dtype}, NumPy (with documented deviations) {expected_dtype}"
    if tuple(shape) != tuple(expected.shape):
        return f"shape {list(shape)}, NumPy {list(expected.shape)}"
    got = np.array(values, dtype=np.float64 if dtype == "float32" else object).reshape(expected.shape)
    if dtype == "float32":
        want = expected.astype(np.float64)
        scale = max(1.0, float(np.max(np.abs(want[np.isfinite(want)]))) if np.any(np.isfinite(want)) else 1.0)
        # float32 work: a few ulps per element, more for sums and products over many terms
        terms = max(1, int(np.prod(case.inputs["a"].shape)) if "a" in case.inputs else 1)
        tol = 4e-6 * (1 + np.sqrt(terms)) * scale if case.kind.split()[0] in ("reduction", "matmul", "softmax", "log_softmax", "scan", "einsum") else 2e-6
        same_nonfinite = np.array_equal(np.isnan(got), np.isnan(want)) and np.array_equal(got[np.isinf(got)], want[np.isinf(got)]) \
            and np.array_equal(np.isinf(got), np.isinf(want))
        finite = np.isfinite(want) & np.isfinite(got)
        close = np.all(np.abs(got[finite] - want[finite]) <= tol + 2e-6 * np.abs(want[finite]))
        if not (same_nonfinite and close):
            return f"values differ:\n  mnl   {got.reshape(-1)[:12].tolist()}\n  NumPy {want.reshape(-1)[:12].tolist()}"
        return None
    want = expected.astype(np.int64) if expected.size else expected
    if [int(v) for v in got.reshape(-1)] != [int(v) for v in np.asarray(want).reshape(-1)]:
        return f"values differ:\n  mnl   {got.reshape(-1)[:12].tolist()}\n  NumPy {np.asarray(want).reshape(-1)[:12].tolist()}"
    return None


def describe(case):
    inputs = "; ".join(f"{k} = {v.dtype.name}{list(v.shape)} {v.reshape(-1)[:8].tolist()}" for k, v in case.inputs.items())
    return f"[{case.kind}] {case.mnl}   with {inputs}"


def run_cases(mnl, cases, verbose=False):
    failures = [f"{describe(c)}\n  {c.disagreement}" for c in cases if c.disagreement]
    ok_ids = [i for i, c in enumerate(cases) if not c.expect_error and not c.disagreement]
    pending = ok_ids
    results = {}
    while pending:
        source, line_of = program(cases, pending)
        status, stdout, stderr, path = run_mnl(mnl, source)
        for line in stdout.splitlines():
            m = re.match(r"R (\d+) (\w+) \[([\d, ]*)\] (.*)$", line)
            if m:
                shape = [int(s) for s in m.group(3).split(", ")] if m.group(3) else []
                results[int(m.group(1))] = (m.group(2), shape, parse_values(m.group(4), m.group(2)))
        if status == 0:
            break
        m = re.search(r":(\d+):(\d+): error: (.*)", stderr)
        failed = case_at(line_of, int(m.group(1))) if m else None
        if failed is None:
            failures.append(f"mnl failed outside any case (exit {status}):\n{stderr[:2000]}")
            break
        failures.append(f"{describe(cases[failed])}\n  mnl error: {m.group(3)}\n  NumPy gives {cases[failed].expected[1]} {cases[failed].expected[0].reshape(-1)[:12].tolist()}")
        pending = [i for i in pending if i > failed]
    for i in ok_ids:
        if i in results:
            problem = compare(cases[i], *results[i])
            if problem:
                failures.append(f"{describe(cases[i])}\n  {problem}")
        elif not any(f.startswith(describe(cases[i])) for f in failures):
            failures.append(f"{describe(cases[i])}\n  no result printed")
    # Cases where NumPy (or a documented deviation) refuses: mnl must fail with a located message.
    for i, case in enumerate(cases):
        if not case.expect_error or case.disagreement:
            continue
        source, line_of = program(cases, [i])
        status, stdout, stderr, _ = run_mnl(mnl, source)
        if status != 1 or not re.search(r":\d+:\d+: error: ", stderr) or "R " in stdout:
            failures.append(f"{describe(case)}\n  NumPy refuses ({case.expected}) but mnl exits {status}: {stdout.strip()[:300]} {stderr.strip()[:300]}")
        elif verbose:
            print(f"  refused as expected: {case.mnl}: {stderr.splitlines()[0]}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mnl")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("MNL_DIFF_SEED", "20261201")))
    parser.add_argument("--cases", type=int, default=int(os.environ.get("MNL_DIFF_CASES", "1900")))
    parser.add_argument("--grad-cases", type=int, default=int(os.environ.get("MNL_DIFF_GRAD_CASES", "150")))
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    start = time.time()
    cases = make_cases(args.seed, args.cases)
    failures = run_cases(args.mnl, cases, args.verbose)
    refused = sum(c.expect_error for c in cases)
    import gradients
    grad_failures, grad_count = gradients.run(args.mnl, args.seed, args.grad_cases)
    failures += grad_failures
    for f in failures:
        print("FAIL " + f)
    print(f"numpy_diff: seed {args.seed}: {len(cases)} cases ({len(cases) - refused} values compared, {refused} refusals), "
          f"{grad_count} gradient cases; {len(failures)} failures; {time.time() - start:.1f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
