#!/usr/bin/env python3
"""Writes the seed corpus of the `files` fuzz target into DIR: real files of every format the
readers take (MNIST slices as IDX and .gz, the PGM/PNG/safetensors fixtures, small files made
here), each prefixed with the byte that selects its reader (see FileReaderFuzzing.Reader)."""
import gzip, json, os, struct, sys, zlib

IDX, GZIP, PGM, PNG, SAFETENSORS, DIGIT, LOAD, IMAGE = range(8)
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
count = 0

def seed(name, selectors, data):
    global count
    for s in selectors:
        with open(os.path.join(out, f"{name}.{s}"), "wb") as f:
            f.write(bytes([s]) + data)
        count += 1

def idx(type_code, shape, payload):
    return bytes([0, 0, type_code, len(shape)]) + b"".join(struct.pack(">I", d) for d in shape) + payload

# MNIST slices: a few images and labels with their real header layout.
mnist = os.path.join(root, "data", "mnist")
for stem, shape, size in [("t10k-images-idx3-ubyte", (3, 28, 28), 3 * 784), ("t10k-labels-idx1-ubyte", (5,), 5)]:
    path = os.path.join(mnist, stem + ".gz")
    if os.path.exists(path):
        with gzip.open(path) as f:
            header_len = 4 + 4 * len(shape)
            raw = f.read(header_len + size)
        data = idx(8, shape, raw[header_len:])
        seed(stem, [IDX, IMAGE], data)
        seed(stem + ".gz", [IDX, GZIP, IMAGE], gzip.compress(data, mtime=0))
# Every IDX element type, and rank 0.
for code, width in [(8, 1), (9, 1), (0x0B, 2), (0x0C, 4), (0x0D, 4), (0x0E, 8)]:
    seed(f"idx-type{code:02x}", [IDX], idx(code, (2, 3), bytes(range(6 * width))))
seed("idx-rank0", [IDX], idx(0x0D, (), struct.pack(">f", 1.5)))
seed("gzip-two-members", [GZIP], gzip.compress(b"abc", mtime=0) + gzip.compress(b"def", mtime=0))

fixtures = os.path.join(root, "Tests", "fixtures", "data")
for name in sorted(os.listdir(fixtures)):
    data = open(os.path.join(fixtures, name), "rb").read()
    if name.endswith(".pgm"):
        seed(name, [PGM, DIGIT, IMAGE], data)
    elif name.endswith(".png"):
        seed(name, [PNG, DIGIT, IMAGE], data)
    elif name.endswith(".safetensors"):
        seed(name, [SAFETENSORS, LOAD], data)

# Netpbm variants: plain and binary grey, colour, 16-bit, with comments.
seed("p2", [PGM, DIGIT], b"P2\n# comment\n3 2\n255\n0 128 255\n255 128 0\n")
seed("p5-16bit", [PGM], b"P5 2 2 65535\n" + bytes(range(8)))
seed("p3", [PGM], b"P3\n2 1\n255\n255 0 0 0 255 0\n")
seed("p6", [PGM, DIGIT], b"P6\n2 2\n255\n" + bytes(range(12)))

def png(width, height, colour_type, bit_depth, rows, extra=b""):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    raw = b"".join(b"\x00" + r for r in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

seed("png-grey8", [PNG, DIGIT], png(3, 2, 0, 8, [bytes([0, 128, 255]), bytes([255, 128, 0])]))
seed("png-rgb8", [PNG], png(2, 1, 2, 8, [bytes([255, 0, 0, 0, 255, 0])]))
seed("png-grey1", [PNG], png(8, 1, 0, 1, [bytes([0b10101010])]))

def safetensors(entries, metadata=None):
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, payload in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data

seed("st-nested", [SAFETENSORS, LOAD], safetensors(
    [("layers/0/w", "F32", [2, 2], struct.pack("<4f", 1, 2, 3, 4)), ("layers/0/b", "I64", [2], struct.pack("<2q", 1, -1)),
     ("mask", "BOOL", [3], b"\x01\x00\x01"), ("pixels", "U8", [2], b"\x00\xff"), ("n", "I32", [], struct.pack("<i", 7))],
    {"steps": "100", "lr": "0.1", "sizes": "[784, 100, 10]"}))
seed("st-empty", [SAFETENSORS, LOAD], safetensors([]))
print(f"{count} seeds in {out}")
