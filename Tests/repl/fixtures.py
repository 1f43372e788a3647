#!/usr/bin/env python3
"""Writes the files the scripted sessions use into a directory (standard library only):
  digit.pgm                    a dark "1"-like stroke on light paper, P2 with a comment, maxval 1000
  broken.pgm                   a P5 header promising more pixels than the file holds
  checkpoints/mnist.safetensors  a 784-10 network (layer_dimension "[784, 10]") whose plain
                               weights favour class 3 and whose averaged ones (average/…) favour 6
  loadme.mnl                   a script for :load
  loadbad.mnl                  a script for :load that fails at run time on line 2
Usage: fixtures.py DIR
"""
import json
import os
import struct
import sys


def write_digit(path):
    width, height, maxval = 40, 50, 1000
    rows = []
    for y in range(height):
        row = []
        for x in range(width):
            ink = 8 <= y <= 42 and 17 <= x <= 23 or (8 <= y <= 12 and 12 <= x <= 17)
            row.append(120 if ink else 930)
        rows.append(" ".join(str(v) for v in row))
    with open(path, "w") as f:
        f.write(f"P2\n# a hand-drawn one\n{width} {height}\n{maxval}\n" + "\n".join(rows) + "\n")


def write_broken(path):
    with open(path, "wb") as f:
        f.write(b"P5\n28 28\n255\n" + bytes(100))


def safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    data = b""
    for name, (shape, values) in tensors.items():
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def write_checkpoint(path):
    zeros = [0.0] * (784 * 10)
    def bias(winner):
        return [4.0 if i == winner else 0.0 for i in range(10)]
    safetensors(path, {
        "weight_1": ([784, 10], zeros), "bias_1": ([10], bias(3)),
        "average/weight_1": ([784, 10], zeros), "average/bias_1": ([10], bias(6)),
    }, {"layer_dimension": "[784, 10]", "step": "30000"})


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "checkpoints"), exist_ok=True)
    write_digit(os.path.join(out, "digit.pgm"))
    write_broken(os.path.join(out, "broken.pgm"))
    write_checkpoint(os.path.join(out, "checkpoints", "mnist.safetensors"))
    with open(os.path.join(out, "loadme.mnl"), "w") as f:
        f.write("loaded = 7\nfn twice(x) {\n  return 2 * x\n}\nprint(\"loadme.mnl ran\")\n")
    with open(os.path.join(out, "loadbad.mnl"), "w") as f:
        f.write("before_error = 1\nlen(42)\nafter_error = 2\n")


if __name__ == "__main__":
    main()
