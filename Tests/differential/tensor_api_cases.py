"""Differential cases for the Tensor API built-ins (sort, argsort, topk, unique, cumsum, cumprod,
clip, isnan/isfinite/isinf, linspace, allclose, tile, repeat, flip, pad, diag, outer, einsum),
each against NumPy on random inputs. NaNs and infinities enter through a mask:
`where(nm, NAN, a)` in mnl, `np.where(nm, nan, a)` in NumPy.

`makers(nd)` returns (case maker, weight) pairs for numpy_diff's MAKERS."""
import numpy as np

NAN = "(tensor(0.0) / tensor(0.0))"
INF = "(tensor(1.0) / tensor(0.0))"


def makers(nd):
    Case, promote, canonical, exact_ints, fits = nd.Case, nd.promote, nd.canonical, nd.exact_ints, nd.fits

    def with_specials(g, a, inputs, dtype):
        """mnl text and NumPy array of `a` with some NaNs and infinities when it is float32."""
        if dtype != "float32" or not g.chance(0.4):
            return "a", a
        nm = g.rng.random(a.shape) < 0.25
        im = (g.rng.random(a.shape) < 0.15) & ~nm
        inputs["nm"], inputs["im"] = nm, im
        signs = np.where(g.rng.random(a.shape) < 0.5, -1.0, 1.0).astype(np.float32)
        inputs["sg"] = signs
        value = np.where(nm, np.float32(np.nan), np.where(im, signs * np.float32(np.inf), a)).astype(np.float32)
        return f"where(nm, {NAN}, where(im, sg * {INF}, a))", value

    def axis_choice(g, rank, allow_none=True):
        options = (["none"] if allow_none else []) + ([str(int(g.rng.integers(-rank, rank)))] if rank else [])
        if g.chance(0.05) or not options:
            options = [str(rank)]  # out of range: both must fail
        return g.choice(options)

    def np_axis(text):
        return None if text == "none" else int(text)

    def lane_order(x, axis, descending):
        """Stable order along axis; NaN largest. Ascending is NumPy's own; descending is
        torch.sort(descending=True)'s (NaN first), built from Python's stable sort."""
        if not descending:
            return np.argsort(x, axis=axis, kind="stable")

        def one(lane):
            def key(i):
                v = lane[i]
                if isinstance(v, (float, np.floating)) and np.isnan(v):
                    return (0, 0)
                return (1, -float(v) if x.dtype == np.float32 else -int(v))
            return np.array(sorted(range(len(lane)), key=key), dtype=np.int64)
        if x.size == 0:
            return np.zeros(x.shape, dtype=np.int64)
        return np.apply_along_axis(one, axis, x)

    def sort_case(g):
        name = g.choice(["sort", "argsort", "topk", "topk-indices", "unique", "unique-counts"])
        dtype = g.choice(nd.DTYPES)
        shape = g.shape(0 if g.chance(0.1) else 1, 3)
        a = g.array(shape, dtype)
        inputs = {"a": a}
        text, x = with_specials(g, a, inputs, dtype)
        if name.startswith("unique"):
            counts = name == "unique-counts"
            mnl = f"unique({text}, counts: true)[1]" if counts else f"unique({text})"

            def reference():
                values, c = np.unique(x, return_counts=True)
                return (c.astype(np.int64), "int64") if counts else (values, dtype)
            return Case("sort " + name, inputs, mnl, reference)
        rank = len(shape)
        descending = name != "topk" and name != "topk-indices" and g.chance(0.4)
        if name.startswith("topk"):
            axis = str(int(g.rng.integers(-rank, rank))) if rank and not g.chance(0.05) else str(rank)
            n = shape[int(axis)] if rank and int(axis) < rank else 0
            k = int(g.rng.integers(0, n + 1)) if not g.chance(0.05) else n + 1
            pick = 1 if name == "topk-indices" else 0
            mnl = f"topk({text}, {k}, axis: {axis})[{pick}]"

            def reference():
                if not rank or int(axis) >= rank:
                    raise np.exceptions.AxisError("axis out of range")
                if k > n:
                    raise ValueError("k out of range")
                order = np.take(lane_order(x, int(axis), True), np.arange(k), axis=int(axis))
                if pick:
                    return order.astype(np.int64), "int64"
                return np.take_along_axis(x, order, axis=int(axis)), dtype
            return Case("sort " + name, inputs, mnl, reference)
        axis = axis_choice(g, rank)
        extra = f", axis: {axis}" + (", descending: true" if descending else "")
        mnl = f"{name}({text}{extra})"

        def reference():
            ax = np_axis(axis)
            flat = x.reshape(-1) if ax is None else x
            order = lane_order(flat, -1 if ax is None else ax, descending)
            if name == "argsort":
                return order.astype(np.int64), "int64"
            return np.take_along_axis(flat, order, axis=-1 if ax is None else ax), dtype
        return Case("sort " + name, inputs, mnl, reference)

    def scan_case(g):
        name = g.choice(["cumsum", "cumprod"])
        dtype = g.choice(nd.DTYPES)
        shape = g.shape(0, 3)
        a = g.array(shape, dtype)
        if name == "cumprod" and dtype == "float32":
            a = (a / np.float32(2)).astype(np.float32)  # keep long products finite
        inputs = {"a": a}
        text, x = with_specials(g, a, inputs, dtype)
        axis = axis_choice(g, len(shape))
        mnl = f"{name}({text}, axis: {axis})" if axis != "none" or g.chance(0.5) else f"{name}({text})"

        def reference():
            ax = np_axis(axis)
            if dtype == "float32":
                # NumPy accumulates float32 in float32, in order: so does mnl.
                return getattr(np, name)(x, axis=ax).astype(np.float32), "float32"
            r = getattr(np, name)(exact_ints(x), axis=ax)
            if not fits(r, "int64"):
                raise OverflowError("overflow-error")
            return np.asarray(r).astype(np.int64), "int64"
        return Case("scan " + name, inputs, mnl, reference)

    def element_case(g):
        name = g.choice(["isnan", "isfinite", "isinf", "clip", "clip", "linspace", "allclose"])
        if name == "linspace":
            start, stop = g.choice([0, 1, -2.5, 3]), g.choice([1, 10, -1.5, 0.25])
            n = int(g.rng.integers(0, 7)) if not g.chance(0.05) else -1
            endpoint = g.chance(0.7)
            mnl = f"linspace({start}, {stop}, {n}, endpoint: {'true' if endpoint else 'false'})"
            return Case("element linspace", {}, mnl,
                        lambda: (np.linspace(start, stop, n, endpoint=endpoint).astype(np.float32), "float32"))
        if name == "allclose":
            sa, sb = g.broadcast_pair()
            a = g.array(sa, "float32")
            try:  # often a near-copy of a, so that both answers occur
                b = np.broadcast_to(a, sb).copy() if g.chance(0.5) else g.array(sb, "float32")
            except ValueError:
                b = g.array(sb, "float32")
            b = (b * np.float32(1 + g.choice([0, 1e-7, 1e-4, 1e-6]))).astype(np.float32)
            inputs = {"a": a, "b": b}
            text, x = with_specials(g, a, inputs, "float32")
            equal_nan = g.chance(0.3)
            mnl = f"allclose({text}, b" + (", equal_nan: true" if equal_nan else "") + ")"
            return Case("element allclose", inputs, mnl,
                        lambda: (np.array(np.allclose(x.astype(np.float64), b.astype(np.float64), equal_nan=equal_nan)), "bool"))
        if name == "clip":
            dtype = g.choice(["float32", "float32", "int64", "int32", "uint8"])
            shape = g.shape(0, 3)
            a = g.array(shape, dtype)
            inputs = {"a": a}
            text, x = with_specials(g, a, inputs, dtype)

            def bound():
                r = g.rng.random()
                if r < 0.2:
                    return "none", None
                if r < 0.6:
                    v = g.choice([0, 3, 7] if dtype == "uint8" else [-2, 0, 3, 7])
                    return str(v), v
                if r < 0.75:
                    v = g.choice([0.5, -1.25, 2.5])
                    return repr(v), v
                name = f"c{len(inputs)}"
                inputs[name] = g.array(g.shape(0, len(shape)) if not shape else shape[len(shape) - int(g.rng.integers(0, len(shape) + 1)):], dtype)
                return name, inputs[name]
            (lt, lo), (ht, hi) = bound(), bound()
            mnl = f"clip({text}, {lt}, {ht})"

            def reference():
                floats = dtype == "float32" or isinstance(lo, float) or isinstance(hi, float)
                if floats:
                    r = np.clip(x.astype(np.float64), None if lo is None else np.asarray(lo, dtype=np.float64),
                                None if hi is None else np.asarray(hi, dtype=np.float64))
                    return np.asarray(r).astype(np.float32), "float32"
                r = np.clip(x, lo, hi)
                return np.asarray(r).astype(dtype), dtype
            return Case("element clip", inputs, mnl, reference)
        dtype = g.choice(nd.DTYPES)
        a = g.array(g.shape(0, 3), dtype)
        inputs = {"a": a}
        text, x = with_specials(g, a, inputs, dtype)
        return Case("element " + name, inputs, f"{name}({text})",
                    lambda: (getattr(np, name)(x.astype(np.float32)), "bool"))

    def array_case(g):
        name = g.choice(["tile", "repeat", "flip", "pad", "diag", "outer", "einsum", "einsum"])
        dtype = g.choice(nd.DTYPES)
        if name == "einsum":
            return einsum_case(g)
        shape = g.shape(1 if name in ("pad", "diag") else 0, 3)
        if name == "diag":
            shape = shape[:2] if not g.chance(0.05) else shape + (2,)
        a = g.array(shape, dtype)
        inputs = {"a": a}
        rank = len(shape)
        if name == "tile":
            reps = [int(g.rng.integers(0, 4)) for _ in range(int(g.rng.integers(1, 4)))]
            return Case("array tile", inputs, f"tile(a, {reps})", lambda: (np.tile(a, reps), dtype))
        if name == "repeat":
            axis = axis_choice(g, rank)
            ax = np_axis(axis)
            n = a.size if ax is None else (shape[ax] if ax < rank else 1)
            if g.chance(0.5):
                reps = int(g.rng.integers(0, 4))
            else:
                reps = [int(g.rng.integers(0, 3)) for _ in range(n if not g.chance(0.05) else n + 1)]
            return Case("array repeat", inputs, f"repeat(a, {reps}, axis: {axis})", lambda: (np.repeat(a, reps, axis=ax), dtype))
        if name == "flip":
            if g.chance(0.4) or not rank:
                axis, ax = "none", None
            elif g.chance(0.5):
                ax = int(g.rng.integers(-rank, rank))
                axis = str(ax)
            else:
                ax = tuple(sorted(set(int(g.rng.integers(0, rank)) for _ in range(2))))
                axis = str(list(ax))
            return Case("array flip", inputs, f"flip(a, axis: {axis})", lambda: (np.flip(a, axis=ax), dtype))
        if name == "pad":
            form = g.choice(["int", "pair", "per-axis"])
            if form == "int":
                widths = int(g.rng.integers(0, 3))
            elif form == "pair":
                widths = [int(g.rng.integers(0, 3)), int(g.rng.integers(0, 3))]
            else:
                widths = [[int(g.rng.integers(0, 3)), int(g.rng.integers(0, 3))] for _ in range(rank)]
                if g.chance(0.05):
                    widths[0][0] = -1  # negative: both must fail
            value = {"float32": 1.5, "bool": 1, "uint8": 7}.get(dtype, -3)
            text = str(widths)
            return Case("array pad", inputs, f"pad(a, {text}, {value})",
                        lambda: (np.pad(a, widths, constant_values=value), dtype))
        if name == "diag":
            k = int(g.rng.integers(-3, 4))
            return Case("array diag", inputs, f"diag(a, {k})",
                        lambda: (np.diag(a, k) if a.ndim in (1, 2) else (_ for _ in ()).throw(ValueError("diag rank")), dtype))
        # outer
        db = g.choice(nd.DTYPES)
        b = g.array(g.shape(0, 2), db)
        inputs["b"] = b
        rd = promote(dtype, db)

        def reference():
            result_dtype = "int64" if rd == "bool" else rd
            return nd.binary_reference("*", a.reshape(-1, 1), b.reshape(1, -1), result_dtype), result_dtype
        return Case("array outer", inputs, "outer(a, b)", reference)

    EINSUMS = ["ij,jk->ik", "ij->ji", "ii->", "ii->i", "bij,bjk->bik", "i,j->ij", "ij,ij->ij", "ij,ij->i",
               "ijk,jl->kil", "ij,jk,kl->il", "iij->j", "ij->", "i,i->", "ijk->kji", "ij,jk", "ba",
               "...ij,...jk->...ik", "...i,...i->...", "bi,bj->bij"]

    def einsum_case(g):
        subscripts = g.choice(EINSUMS)
        lhs = subscripts.split("->")[0].split(",")
        sizes = {c: g.choice([1, 2, 3, 4]) for c in "abijkl"}
        ellipsis = [g.choice([1, 2, 3]) for _ in range(int(g.rng.integers(0, 3)))]
        dtype = g.choice(["float32", "float32", "int64"])
        inputs, names = {}, []
        for n, term in enumerate(lhs):
            parts = [[sizes[c] for c in part] for part in term.split("...")]
            dims = parts[0]
            if len(parts) == 2:  # a suffix of the shared ellipsis sizes: they broadcast
                dims = dims + ellipsis[int(g.rng.integers(0, len(ellipsis) + 1)):] + parts[1]
            if g.chance(0.04) and dims:
                dims[-1] += 1  # a size mismatch: both must fail (unless it lands on a free label)
            name = "abcd"[n]
            inputs[name] = g.array(tuple(dims), dtype) if dtype != "int64" else (g.array(tuple(dims), "int32") % 7).astype("int64")
            names.append(name)
        mnl = f'einsum("{subscripts}", {", ".join(names)})'

        def reference():
            operands = [inputs[n] for n in names]
            if dtype == "float32":
                return np.einsum(subscripts, *[o.astype(np.float64) for o in operands]).astype(np.float32), "float32"
            return np.asarray(np.einsum(subscripts, *operands)).astype(np.int64), "int64"
        return Case("einsum " + subscripts, inputs, mnl, reference)

    return [(sort_case, 8), (scan_case, 5), (element_case, 6), (array_case, 9)]


def gradient_node(tree, shape, depth):
    """A random differentiable Tensor API op for gradients.py's expression trees: an
    (mnl text, NumPy function) pair of shape `shape`, built on subtrees of the same kind."""
    g = tree.g
    r, c = shape
    text, f = tree.node(shape, depth - 1)
    kind = g.choice(["cumsum", "cumprod", "sort", "topk", "flip", "clip", "pad", "tile", "repeat",
                     "einsum-matmul", "einsum-product", "outer"] + (["diag"] if r == c else []))
    axis = g.choice([0, 1])
    if kind == "cumsum":
        return f"cumsum({text}, axis: {axis})", (lambda e: np.cumsum(f(e), axis=axis))
    if kind == "cumprod":
        return f"cumprod(tanh({text}) + 1.5, axis: {axis})", (lambda e: np.cumprod(np.tanh(f(e)) + 1.5, axis=axis))
    if kind == "sort":
        descending = g.chance(0.5)
        return (f"sort({text}, axis: {axis}, descending: {'true' if descending else 'false'})",
                lambda e: np.flip(np.sort(f(e), axis=axis), axis=axis) if descending else np.sort(f(e), axis=axis))
    if kind == "topk":
        return f"topk({text}, {r}, axis: 0)[0]", (lambda e: -np.sort(-f(e), axis=0))
    if kind == "flip":
        ax = g.choice([0, 1, None])
        return f"flip({text}, axis: {'none' if ax is None else ax})", (lambda e: np.flip(f(e), axis=ax))
    if kind == "clip":
        return f"clip({text}, -0.5, 0.7)", (lambda e: np.clip(f(e), -0.5, 0.7))
    if kind == "pad":
        return f"pad({text}, [[1, 2], [0, 1]], value: 3.0)[1:{r + 1}, :{c}]", (lambda e: f(e))
    if kind == "tile":
        return (f"mean(reshape(tile({text}, [3, 1]), [3, {r}, {c}]), axis: 0)",
                lambda e: np.mean(np.tile(f(e), (3, 1)).reshape(3, r, c), axis=0))
    if kind == "repeat":
        return (f"repeat({text}, 2, axis: {axis})[{'::2' if axis == 0 else ':, 1::2'}]",
                lambda e: np.repeat(f(e), 2, axis=axis)[(slice(None, None, 2),) if axis == 0 else (slice(None), slice(1, None, 2))])
    if kind == "einsum-matmul":
        k = g.choice([tree.p, tree.q])
        lt, lf = tree.node((r, k), depth - 1)
        rt, rf = tree.node((c, k), depth - 1)
        return f'einsum("ik,jk->ij", {lt}, {rt})', (lambda e: lf(e) @ rf(e).T)
    if kind == "einsum-product":
        other, of = tree.node(shape, depth - 1)
        return f'einsum("ij,ij->ij", {text}, {other})', (lambda e: f(e) * of(e))
    if kind == "outer":
        other, of = tree.node(shape, depth - 1)
        return (f"outer(sum({text}, axis: 1), mean({other}, axis: 0))",
                lambda e: np.outer(np.sum(f(e), axis=1), np.mean(of(e), axis=0)))
    return f"diag(diag({text}))", (lambda e: np.diag(np.diag(f(e))))
