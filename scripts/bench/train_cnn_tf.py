"""TensorFlow's "Deep MNIST for Experts" network, as scripts/train_cnn.mnl builds it, for `mnl-bench cnn`.

Same network and step as stdlib/nn.mnl's cnn_forward + scripts/train_cnn.mnl: conv 5×5×32 (SAME,
bias, ReLU), max-pool 2×2, conv 5×5×64 (SAME, bias, ReLU), max-pool 2×2, fully connected 1024 + ReLU,
dropout 0.5, fully connected 10, mean sparse softmax cross-entropy, Adam (TensorFlow's fused
ResourceApplyAdam, the tutorial's AdamOptimizer) with a cosine-decayed rate, batch 50 from the 55,000
training images (shuffled each epoch). Truncated-normal init, stddev 0.1, biases 0.1.
The whole step (forward, gradients, update) is one tf.function; intra-op threads = THREADS,
inter-op threads = 1. After WARMUP steps (tracing, oneDNN's first-call set-up), STEPS steps are timed.
Prints one line: `ms_per_step <mean over the timed steps> loss <last loss>`.
Usage: train_cnn_tf.py MNIST_DIR STEPS THREADS [WARMUP]. Exits with status 3 without TensorFlow.
"""
import gzip
import math
import os
import struct
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
try:
    import tensorflow as tf
except ImportError:
    sys.exit(3)
import numpy as np


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find(directory, stem):
    for name in (stem + ".gz", stem):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    raise SystemExit(f"missing {stem} in {directory}")


def main():
    directory, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.random.set_seed(2)
    images = read_idx(find(directory, "train-images-idx3-ubyte")).reshape(-1, 784)
    labels = read_idx(find(directory, "train-labels-idx1-ubyte")).astype(np.int64)
    train_x = images[5000:].astype(np.float32) / 255.0
    train_y = labels[5000:]
    rng = np.random.default_rng(2)
    batch = 50

    def variable(shape, bias=False):
        init = tf.fill(shape, 0.1) if bias else tf.random.truncated_normal(shape, stddev=0.1)
        return tf.Variable(init)

    params = [
        variable([5, 5, 1, 32]), variable([32], True), variable([5, 5, 32, 64]), variable([64], True),
        variable([7 * 7 * 64, 1024]), variable([1024], True), variable([1024, 10]), variable([10], True),
    ]
    moments = [(tf.Variable(tf.zeros_like(p)), tf.Variable(tf.zeros_like(p))) for p in params]
    beta1, beta2, epsilon, base_lr = 0.9, 0.999, 1e-8, 1e-3
    total = warmup + steps

    def forward(x):
        w1, b1, w2, b2, w3, b3, w4, b4 = params
        h = tf.reshape(x, [-1, 28, 28, 1])
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, w1, 1, "SAME"), b1))
        h = tf.nn.max_pool2d(h, 2, 2, "SAME")
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, w2, 1, "SAME"), b2))
        h = tf.nn.max_pool2d(h, 2, 2, "SAME")
        h = tf.nn.relu(tf.matmul(tf.reshape(h, [-1, 7 * 7 * 64]), w3) + b3)
        h = tf.nn.dropout(h, rate=0.5)
        return tf.matmul(h, w4) + b4

    @tf.function
    def train_step(x, y, step):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=forward(x)))
        grads = tape.gradient(loss, params)
        t = tf.cast(step + 1, tf.float32)
        lr = base_lr * 0.5 * (1 + tf.cos(math.pi * tf.minimum(t - 1, total) / total))
        for p, (m, v), g in zip(params, moments, grads):
            tf.raw_ops.ResourceApplyAdam(
                var=p.handle, m=m.handle, v=v.handle, beta1_power=beta1**t, beta2_power=beta2**t, lr=lr,
                beta1=beta1, beta2=beta2, epsilon=epsilon, grad=g)
        return loss

    order = rng.permutation(len(train_x))
    position = 0

    def next_batch():
        nonlocal order, position
        if position + batch > len(order):
            order = rng.permutation(len(train_x))
            position = 0
        index = order[position : position + batch]
        position += batch
        return tf.constant(train_x[index]), tf.constant(train_y[index])

    loss = None
    for step in range(warmup):
        loss = train_step(*next_batch(), tf.constant(step))
    float(loss)
    start = time.perf_counter()
    for step in range(warmup, total):
        loss = train_step(*next_batch(), tf.constant(step))
    last = float(loss)  # waits for the last step
    elapsed = time.perf_counter() - start
    print(f"ms_per_step {elapsed / steps * 1000:.3f} loss {last:.4f}")


if __name__ == "__main__":
    main()
