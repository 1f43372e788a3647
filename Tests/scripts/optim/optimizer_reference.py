"""The expected values in optimizers.mnl: three steps of each optimiser from the update
equations of torch.optim's documentation (SGD with momentum / Nesterov, Adam, AdamW, RMSprop),
in NumPy float64. Run: python3 Tests/scripts/optim/optimizer_reference.py"""
import numpy as np

p0 = {"w": np.array([[0.5, -1.0, 2.0], [0.1, 0.0, -0.3]]), "b": np.array([0.2, -0.4, 1.5])}
g1 = {"w": np.array([[0.3, 0.2, -0.5], [1.0, -2.0, 0.05]]), "b": np.array([0.01, -0.3, 0.7])}


def grads(t):
    return {k: g * (t + 1) - 0.2 * t for k, g in g1.items()}


def sgd(p, g, s, t, lr, mu, nesterov=False, wd=0.0):
    g = g + wd * p
    s["b"] = g if t == 1 else mu * s["b"] + g  # torch: the buffer starts as the first gradient
    d = g + mu * s["b"] if nesterov else s["b"]
    return p - lr * d


def adam(p, g, s, t, lr, wd, decoupled, b1=0.9, b2=0.999, eps=1e-8):
    if decoupled:
        p = p * (1 - lr * wd)
    else:
        g = g + wd * p
    s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
    mhat = s["m"] / (1 - b1**t)
    vhat = s["v"] / (1 - b2**t)
    return p - lr * mhat / (np.sqrt(vhat) + eps)


def rmsprop(p, g, s, t, lr, mu=0.0, alpha=0.99, eps=1e-8):
    s["sq"] = alpha * s.get("sq", 0) + (1 - alpha) * g * g
    d = g / (np.sqrt(s["sq"]) + eps)
    if mu > 0:
        s["buf"] = mu * s.get("buf", 0) + d
        d = s["buf"]
    return p - lr * d


cases = {
    "sgd": lambda p, g, s, t: sgd(p, g, s, t, 0.1, 0.9, wd=0.01),
    "nesterov": lambda p, g, s, t: sgd(p, g, s, t, 0.1, 0.9, nesterov=True),
    "adam": lambda p, g, s, t: adam(p, g, s, t, 0.01, 0.1, False),
    "adamw": lambda p, g, s, t: adam(p, g, s, t, 0.01, 0.1, True),
    "rmsprop": lambda p, g, s, t: rmsprop(p, g, s, t, 0.01),
    "rmsprop_m": lambda p, g, s, t: rmsprop(p, g, s, t, 0.01, mu=0.5),
}
np.set_printoptions(precision=8, floatmode="fixed")
for name, step in cases.items():
    params = {k: v.copy() for k, v in p0.items()}
    state = {k: {} for k in params}
    for t in range(3):
        g = grads(t)
        params = {k: step(params[k], g[k], state[k], t + 1) for k in params}
    fmt = lambda a: str(a.round(8).tolist())
    print(f'  {name}: {{w: tensor({fmt(params["w"])}), b: tensor({fmt(params["b"])})}},')
