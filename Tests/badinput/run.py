#!/usr/bin/env python3
"""Table-driven bad-input suite, run through the real `mnl` binary.

Every case must end with exit status 1 and a located message `FILE:LINE:COL: error: …` (or,
for command-line problems, `mnl: …`) matching the case's pattern — never a crash, a signal, a
hang or a silent success. Truncations of the golden scripts (sampled at token boundaries with
a fixed seed, plus every line boundary of short scripts) must exit 0 or 1 with a located
message: half a program is either a program or a located error.

usage: run.py MNL [--truncations N]   (N per script; MNL_BADINPUT_TRUNCATIONS; default 1)
"""
import argparse, concurrent.futures, gzip, json, os, random, re, resource, struct, subprocess, sys, tempfile, time, zlib

LOCATED = r"^\S+:\d+:\d+: error: "

# (name, source, pattern the first error line must match after the location)
SCRIPTS = [
    ("unbalanced paren", "print((1 + 2)\n", "expected ',' or '\\)'"),
    ("unbalanced bracket", "x = [1, 2\n", "expected ',' or '\\]'"),
    ("unbalanced brace", "fn f() {\n  1\n", "expected|end of input"),
    ("extra closer", "print(1))\n", "found '\\)'"),
    ("stray closing brace", "}\n", ""),
    ("unterminated string", 'print("abc)\n', "string"),
    ("wrong argument count (user fn)", "fn f(a) { a }\nf(1, 2)\n", "takes 1 argument but 2 were given"),
    ("wrong argument count (built-in)", "len()\n", "len\\(\\)"),
    ("unknown keyword argument", "zeros([2], colour: 1)\n", "no parameter named 'colour'"),
    ("wrong argument type", "len(1)\n", "len\\(\\)"),
    ("wrong shape type", 'zeros("a")\n', "zeros\\(\\)"),
    ("calling an int", "x = 3\nx(1)\n", "not a function"),
    ("calling none", "none()\n", "not a function"),
    ("calling a tensor", "t = zeros([2])\nt(0)\n", "not a function"),
    ("list index out of range", "xs = [1]\nprint(xs[5])\n", "out of range"),
    ("negative list index out of range", "xs = [1]\nprint(xs[-2])\n", "out of range"),
    ("string index out of range", 's = "ab"\nprint(s[2])\n', "out of range"),
    ("tensor index out of range", "print(zeros([2])[5])\n", "out of range"),
    ("tensor index out of range, axis 1", "print(zeros([2, 3])[0, 3])\n", "out of range"),
    ("too many indices", "print(zeros([2])[0, 0])\n", "too many|index"),
    ("missing record field", "r = {a: 1}\nprint(r.b)\n", "'b'"),
    ("int overflow +", "print(9223372036854775807 + 1)\n", "overflow"),
    ("int overflow *", "print(4611686018427387904 * 2)\n", "overflow"),
    ("int overflow **", "print(2 ** 64)\n", "overflow"),
    ("int overflow negate", "x = -9223372036854775807 - 1\nprint(-x)\n", "overflow"),
    ("int64 tensor overflow", "print(tensor([9223372036854775807]) + 1)\n", "overflow"),
    ("uint8 tensor overflow", 'print(tensor([3], dtype: "uint8") - 128)\n', "overflow|out of range"),
    ("int32 sum overflow into cast", 'print(cast(tensor([2147483647], dtype: "int32") * 2, "float32"))\n', "overflow"),
    ("float to int too large", "print(int(1e300))\n", "too large"),
    ("float nan to int", 'print(int(float("nan")))\n', "nan|NaN"),
    ("cast nan to int32", 'print(cast(tensor([0.0]) / 0, "int32"))\n', "cast|NaN|nan"),
    ("division by zero /", "print(1 / 0)\n", "division by zero"),
    ("division by zero //", "print(1 // 0)\n", "division by zero"),
    ("modulo by zero", "print(5 % 0)\n", "division by zero|modulo"),
    ("int tensor // 0", "print(tensor([1, 2]) // 0)\n", "division by zero|by zero"),
    ("int tensor % 0", "print(tensor([1, 2]) % tensor([1, 0]))\n", "by zero"),
    ("unbounded recursion", "fn f(n) { f(n + 1) }\nf(0)\n", "stack depth exceeded"),
    ("mutual recursion", "fn f(n) { g(n) }\nfn g(n) { f(n) }\nf(0)\n", "stack depth exceeded"),
    ("impossible reshape", "print(reshape(zeros([6]), [4, -1]))\n", "cannot reshape"),
    ("reshape two -1", "print(reshape(zeros([6]), [-1, -1]))\n", "-1"),
    ("reshape wrong count", "print(reshape(zeros([6]), [4, 2]))\n", "cannot reshape"),
    ("absurd size", "zeros([1000000000000])\n", "cannot allocate"),
    ("absurd size, overflow", "zeros([4294967296, 4294967296])\n", "cannot allocate"),
    ("absurd size from ones", "ones([100000, 100000])\n", "cannot allocate"),
    ("negative dimension", "zeros([-1])\n", "negative"),
    ("eye absurd", "eye(10000000)\n", "cannot allocate"),
    ("arange absurd", "arange(0, 1e12)\n", "too many elements|cannot allocate"),
    ("list repetition absurd", "x = [0] * 100000000000\n", "too large"),
    ("matmul mismatch", "print(tensor([1, 2]) @ tensor([1, 2, 3]))\n", "shape mismatch in @"),
    ("matmul 2-D mismatch", "print(zeros([2, 3]) @ zeros([2, 3]))\n", "shape mismatch in @"),
    ("matmul of a scalar", "print(tensor(1.0) @ zeros([2]))\n", "@"),
    ("transpose bad axes", "print(transpose(zeros([2, 3]), [0, 0]))\n", "transpose"),
    ("concat mismatch", "print(concat([zeros([2, 3]), zeros([2, 4])], axis: 0))\n", "concat"),
    ("stack mismatch", "print(stack([zeros([2]), zeros([3])]))\n", "stack"),
    ("axis out of range", "print(sum(zeros([2, 3]), axis: 2))\n", "axis"),
    ("squeeze a non-1 axis", "print(squeeze(zeros([2, 3]), 0))\n", "squeeze"),
    ("broadcast_to impossible", "print(broadcast_to(zeros([3]), [2, 2]))\n", "broadcast"),
    ("softmax of an empty axis", "print(max(zeros([0])))\n", "empty"),
    ("mask of the wrong shape", "x = zeros([3])\nprint(x[tensor([true, false])])\n", "mask"),
    ("float index array", "x = zeros([3])\nprint(x[tensor([0.0])])\n", "float32"),
    ("one_hot label out of range", "print(one_hot(tensor([5]), 3))\n", "one_hot|range"),
    ("cross entropy label out of range", "print(sparse_softmax_cross_entropy(zeros([1, 3]), tensor([3])))\n", "label|range"),
    ("tensor from ragged list", "tensor([[1, 2], [3]])\n", "ragged|rectangular|shape"),
    ("unknown dtype", 'zeros([2], dtype: "float64")\n', "dtype"),
    ("unknown name", "print(undefined_thing)\n", "unknown name"),
    ("grad of a non-function", "grad(3)\n", "grad"),
    ("missing module", 'use "no_such_module_anywhere"\n', "cannot find module"),
    ("empty image file", 'load_image("empty.pgm")\n', "empty file"),
    ("empty safetensors file", 'load("empty.pgm")\n', "empty file"),
    ("PGM maxval 0", 'load_image("maxval0.pgm")\n', "maxval 0"),
    ("PGM maxval > 65535", 'load_image("maxval70000.pgm")\n', "maxval 70000"),
    ("PGM fewer pixels", 'load_image("short.pgm")\n', "truncated"),
    ("PGM absurd dimensions", 'load_image("huge.pgm")\n', "too large"),
    ("PGM bad header", 'load_image("badheader.pgm")\n', "PGM|header|width|expected"),
    ("not an image", 'load_image("hello.txt")\n', "unsupported image format"),
    ("PNG bad CRC", 'load_image("badcrc.png")\n', "CRC"),
    ("PNG truncated", 'load_image("truncated.png")\n', "truncated|PNG|end"),
    ("PNG absurd dimensions", 'load_image("huge.png")\n', "too large|PNG"),
    ("IDX wrong magic", 'load_idx("badmagic.idx")\n', "bad magic"),
    ("IDX truncated", 'load_idx("truncated.idx")\n', "truncated IDX data"),
    ("IDX count mismatch", 'load_idx("long.idx")\n', "longer than its header"),
    ("IDX unknown element type", 'load_idx("badtype.idx")\n', "element type"),
    ("gzip truncated", 'load_idx("truncated.idx.gz")\n', "truncated gzip"),
    ("gzip corrupt", 'load_idx("corrupt.idx.gz")\n', "corrupt gzip"),
    ("safetensors bad header length", 'load("badlength.safetensors")\n', "header length"),
    ("safetensors invalid JSON", 'load("badjson.safetensors")\n', "not valid JSON"),
    ("safetensors offsets out of range", 'load("range.safetensors")\n', "truncated|range"),
    ("safetensors overlapping", 'load("overlap.safetensors")\n', "overlaps"),
    ("safetensors unknown dtype", 'load("dtype.safetensors")\n', "unsupported dtype F99"),
    ("safetensors shape/byte mismatch", 'load("shape.safetensors")\n', "bytes|shape"),
    ("a NumPy file", 'load("x.npy")\n', "NumPy .npy file"),
    ("missing data file", 'load_idx("nope.idx")\n', "No such file"),
    ("a directory as data file", 'load_image(".")\n', "not a regular file"),
    ("save under a file, not a directory", 'save("plain.txt/x.safetensors", {w: zeros([2])})\n', "Not a directory"),
    ("save_pgm under a file", 'save_pgm("plain.txt/x.pgm", zeros([2, 2]))\n', "Not a directory"),
    ("save into /proc", 'save("/proc/mnl-cannot-write/x.safetensors", {w: zeros([2])})\n', "cannot|No such|Permission|denied|Read-only"),
    ("save a non-tensor", 'save("ok.safetensors", {w: "text"})\n', "not a tensor"),
]

# Command-line failures: (name, argv after mnl, pattern on stderr)
COMMANDS = [
    ("script path missing", ["no-such-script.mnl"], "cannot read 'no-such-script.mnl': no such file"),
    ("script path is a directory", ["."], "is a directory"),
]


def make_fixtures(d):
    def w(name, data):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    w("empty.pgm", b"")
    w("maxval0.pgm", b"P5 2 2 0\n\0\0\0\0")
    w("maxval70000.pgm", b"P5 2 2 70000\n" + bytes(8))
    w("short.pgm", b"P5 4 4 255\n\0\0")
    w("huge.pgm", b"P5 1000000 1000000 255\n\0")
    w("badheader.pgm", b"P5 two 2 255\n\0\0\0\0")
    w("hello.txt", b"hello")
    w("plain.txt", b"x")

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0ab\0cd")) + chunk(b"IEND", b"")
    bad = bytearray(png)
    bad[29] ^= 0xFF  # inside the IHDR CRC
    w("badcrc.png", bytes(bad))
    w("truncated.png", png[:40])
    huge = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1 << 30, 1 << 30, 8, 0, 0, 0, 0)) + chunk(b"IEND", b"")
    w("huge.png", huge)

    w("badmagic.idx", b"\x01\x02\x08\x01\0\0\0\x03abc")
    w("truncated.idx", b"\0\0\x08\x01\0\0\0\x05abc")
    w("long.idx", b"\0\0\x08\x01\0\0\0\x02abc")
    w("badtype.idx", b"\0\0\x07\x01\0\0\0\x01a")
    good = gzip.compress(b"\0\0\x08\x01\0\0\0\x04abcd", mtime=0)
    w("truncated.idx.gz", good[:-6])
    w("corrupt.idx.gz", good[:10] + b"\xff\xff\xff" + good[13:])

    def st(header, data=b""):
        text = json.dumps(header).encode()
        return struct.pack("<Q", len(text)) + text + data
    w("badlength.safetensors", struct.pack("<Q", 1000) + b"{}")
    w("badjson.safetensors", struct.pack("<Q", 3) + b"{x}")
    w("range.safetensors", st({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"1234"))
    w("overlap.safetensors", st({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                                 "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"1234"))
    w("dtype.safetensors", st({"w": {"dtype": "F99", "shape": [1], "data_offsets": [0, 4]}}, b"1234"))
    w("shape.safetensors", st({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"12345678"))
    # a real .npy header, as numpy.save writes it
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    w("x.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + bytes(24))


def run(mnl, argv, cwd, timeout=60, stdin=subprocess.DEVNULL):
    try:
        p = subprocess.run([mnl] + argv, cwd=cwd, capture_output=True, timeout=timeout, stdin=stdin)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def check_error(status, stderr, pattern, located=True):
    lines = stderr.splitlines()
    if status != 1:
        return f"exit status {status} (expected 1); stderr: {stderr.strip()[:400]}"
    first = lines[0] if lines else ""
    if located and not re.match(LOCATED, first):
        return f"no located error line: {first!r}"
    message = re.sub(LOCATED, "", first)
    if pattern and not re.search(pattern, message):
        return f"message {message!r} does not match /{pattern}/"
    return None


def full_disk_case(mnl, d):
    """A save that hits the file-size limit (`ulimit -f`, as a full disk or a quota would): exit 1
    with a located "File too large", the previous checkpoint intact, no temporary file left."""
    with open(os.path.join(d, "small.mnl"), "w") as f:
        f.write('save("checkpoint.safetensors", {w: ones([10])})\n')
    with open(os.path.join(d, "big.mnl"), "w") as f:
        f.write('save("checkpoint.safetensors", {w: zeros([100000])})\nprint("saved")\n')
    status, _, stderr = run(mnl, ["small.mnl"], d)
    if status != 0:
        return f"[full disk] could not write the first checkpoint: {stderr.strip()[:300]}"
    before = open(os.path.join(d, "checkpoint.safetensors"), "rb").read()
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))
    p = subprocess.run([mnl, "big.mnl"], cwd=d, capture_output=True, timeout=60, preexec_fn=limit)
    stderr = p.stderr.decode(errors="replace")
    problem = check_error(p.returncode, stderr, "File too large")
    if problem:
        return f"[full disk] {problem}"
    if open(os.path.join(d, "checkpoint.safetensors"), "rb").read() != before:
        return "[full disk] the previous checkpoint changed"
    leftovers = [n for n in os.listdir(d) if "checkpoint.safetensors." in n or n.startswith(".checkpoint")]
    if leftovers:
        return f"[full disk] temporary files left behind: {leftovers}"
    return None


def truncation_cases(root, per_script, rng):
    """(script path, cut text) pairs: cuts after random tokens, and every line of short scripts."""
    cases = []
    for dirpath, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if not f.endswith(".mnl"):
                continue
            path = os.path.join(dirpath, f)
            text = open(path, encoding="utf-8").read()
            if "input(" in text:
                continue
            boundaries = [m.end() for m in re.finditer(r"\S+", text)]
            lines = text.splitlines(keepends=True)
            cuts = set(rng.sample(boundaries, min(per_script, len(boundaries))))
            if len(lines) <= 3:
                cuts |= {sum(len(l) for l in lines[:i]) for i in range(1, len(lines))}
            for cut in sorted(cuts):
                if cut < len(text.rstrip()):
                    cases.append((path, text[:cut]))
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mnl")
    parser.add_argument("--truncations", type=int, default=int(os.environ.get("MNL_BADINPUT_TRUNCATIONS", "1")))
    args = parser.parse_args()
    mnl = os.path.abspath(args.mnl)
    here = os.path.dirname(os.path.abspath(__file__))
    start = time.time()
    failures, count = [], 0
    with tempfile.TemporaryDirectory() as d:
        make_fixtures(d)
        jobs = []
        for i, (name, source, pattern) in enumerate(SCRIPTS):
            path = os.path.join(d, f"case{i}.mnl")
            with open(path, "w") as f:
                f.write(source)
            jobs.append((name, [path], pattern, True))
        for name, argv, pattern in COMMANDS:
            jobs.append((name, argv, pattern, False))

        def table_job(job):
            name, argv, pattern, located = job
            status, _, stderr = run(mnl, argv, d)
            problem = check_error(status, stderr, pattern, located)
            return f"[{name}] {problem}" if problem else None

        jobs_count = len(jobs) + 1
        problem = full_disk_case(mnl, d)
        count += 1
        if problem:
            failures.append(problem)

        rng = random.Random(20261201)
        truncations = truncation_cases(os.path.join(here, "..", "scripts"), args.truncations, rng)

        def truncation_job(item):
            index, (path, text) = item
            # Run next to the original, so `use` of sibling modules resolves as in the golden test.
            cut = os.path.join(os.path.dirname(path), f".truncated-{os.getpid()}-{index}.mnl")
            with open(cut, "w", encoding="utf-8") as f:
                f.write(text)
            try:
                status, _, stderr = run(mnl, [cut], d, timeout=120)
            finally:
                os.unlink(cut)
            if status == 0 or (status != 1 and "exit(" in text):
                return None
            problem = check_error(status, stderr, "")
            return f"[truncated {os.path.relpath(path, here)} at {len(text)} chars] {problem}" if problem else None

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for result in pool.map(table_job, jobs):
                count += 1
                if result:
                    failures.append(result)
            for result in pool.map(truncation_job, enumerate(truncations)):
                count += 1
                if result:
                    failures.append(result)
    for f in failures:
        print("FAIL " + f)
    print(f"badinput: {jobs_count} table cases + {len(truncations)} truncated golden scripts = {count} runs; "
          f"{len(failures)} failures; {time.time() - start:.1f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
