"""TensorFlow's CPU convolution kernels (oneDNN) on given layers, for `mnl-bench conv`.

Usage: conv_tf.py JSON, where JSON is {"layers": [{"input": [N, H, W, C], "filter": [KH, KW, C, O]}, ...],
"repeats": R, "threads": T}. Each layer runs SAME padding, stride 1, three passes inside a
tf.function: forward (tf.nn.conv2d), input gradient (Conv2DBackpropInput) and filter gradient
(Conv2DBackpropFilter), timed best-of-R like mnl's (each repeat calls for at least 50 ms).
TensorFlow's intra-op threads are set to T (mnl's thread count), inter-op to 1.
Prints one JSON line: [[forward, input_grad, filter_grad] GFLOP/s per layer].
Exits with status 3 when TensorFlow is not installed.
"""
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
try:
    import tensorflow as tf
except ImportError:
    sys.exit(3)
import numpy as np


def best(f, repeats):
    f()
    out = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        calls = 0
        while True:
            f()
            calls += 1
            if time.perf_counter() - t0 > 0.05:
                break
        out = min(out, (time.perf_counter() - t0) / calls)
    return out


def main():
    spec = json.loads(sys.argv[1])
    tf.config.threading.set_intra_op_parallelism_threads(spec["threads"])
    tf.config.threading.set_inter_op_parallelism_threads(1)
    rng = np.random.default_rng(0)
    results = []
    for layer in spec["layers"]:
        n, h, w, c = layer["input"]
        kh, kw, _, o = layer["filter"]
        x = tf.constant(rng.random((n, h, w, c), dtype=np.float32) - 0.5)
        f = tf.constant(rng.random((kh, kw, c, o), dtype=np.float32) - 0.5)
        dy = tf.constant(rng.random((n, h, w, o), dtype=np.float32) - 0.5)
        strides = [1, 1, 1, 1]

        @tf.function
        def forward():
            return tf.nn.conv2d(x, f, strides, "SAME")

        @tf.function
        def input_grad():
            return tf.raw_ops.Conv2DBackpropInput(
                input_sizes=[n, h, w, c], filter=f, out_backprop=dy, strides=strides, padding="SAME")

        @tf.function
        def filter_grad():
            return tf.raw_ops.Conv2DBackpropFilter(
                input=x, filter_sizes=[kh, kw, c, o], out_backprop=dy, strides=strides, padding="SAME")

        # Eager execution is synchronous by default: a call returns when its result is computed.
        passes = (forward, input_grad, filter_grad)
        flops = 2.0 * n * h * w * kh * kw * c * o
        results.append([flops / best(p, spec["repeats"]) / 1e9 for p in passes])
    print(json.dumps(results))


if __name__ == "__main__":
    main()
