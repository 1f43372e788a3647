"""The reference program's training loop written in NumPy, for `mnl-bench train`.

Same algorithm as scripts/train.mnl: 784-500-10 ReLU MLP, truncated-normal init (stddev 0.1),
batch 100, SGD with a staircase exponential decay (0.8 · 0.99^epoch), L2 (1e-4 · Σ‖w‖²/2),
moving average of every variable with TensorFlow's num_updates rule, validation accuracy of
the averaged model every `every` steps. Prints one line: `ms_per_step <float> accuracy <float>`.
Usage: train_numpy.py MNIST_DIR STEPS EVERY
"""
import gzip, os, struct, sys, time
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
    directory, steps, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    images = read_idx(find(directory, "train-images-idx3-ubyte")).reshape(-1, 784)
    labels = read_idx(find(directory, "train-labels-idx1-ubyte")).astype(np.int64)
    val_x = images[:5000].astype(np.float32) / 255.0
    val_y = labels[:5000]
    train_x, train_y = images[5000:], labels[5000:]
    rng = np.random.default_rng(1)

    def truncated(shape, stddev=0.1):
        out = rng.normal(0.0, stddev, shape).astype(np.float32)
        bad = np.abs(out) > 2 * stddev
        while bad.any():
            out[bad] = rng.normal(0.0, stddev, bad.sum()).astype(np.float32)
            bad = np.abs(out) > 2 * stddev
        return out

    params = [truncated((784, 500)), np.zeros(500, np.float32), truncated((500, 10)), np.zeros(10, np.float32)]
    averages = [p.copy() for p in params]
    order = rng.permutation(len(train_x))
    position = 0
    accuracy = 0.0

    def forward(p, x):
        h = np.maximum(x @ p[0] + p[1], 0)
        return h, h @ p[2] + p[3]

    start = time.perf_counter()
    for step in range(steps):
        if position + 100 > len(order):
            order = rng.permutation(len(train_x))
            position = 0
        idx = order[position : position + 100]
        position += 100
        x = train_x[idx].astype(np.float32) / 255.0
        y = train_y[idx]
        h, logits = forward(params, x)
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        probs = e / e.sum(axis=1, keepdims=True)
        dlogits = probs
        dlogits[np.arange(100), y] -= 1
        dlogits /= 100
        g_w2 = h.T @ dlogits + 1e-4 * params[2]
        g_b2 = dlogits.sum(axis=0)
        dh = (dlogits @ params[2].T) * (h > 0)
        g_w1 = x.T @ dh + 1e-4 * params[0]
        g_b1 = dh.sum(axis=0)
        lr = 0.8 * 0.99 ** (step // 550)
        for p, g in zip(params, (g_w1, g_b1, g_w2, g_b2)):
            p -= lr * g
        decay = min(0.99, (1 + step) / (10 + step))
        for a, p in zip(averages, params):
            a *= decay
            a += (1 - decay) * p
        if (step + 1) % every == 0:
            _, val_logits = forward(averages, val_x)
            accuracy = float((val_logits.argmax(axis=1) == val_y).mean())
    elapsed = time.perf_counter() - start
    print(f"ms_per_step {elapsed / steps * 1000:.4f} accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
