/// Row-wise softmax, log-softmax and sparse softmax cross-entropy (max-subtracted, so stable
/// for any finite logits). Sizes are checked before memory is touched; `kernels` selects the
/// instruction set (tests, benchmarks).
import MNLKernelsGeneric

public enum Softmax {
  /// out row = softmax(x row) (or log-softmax when `log`), for `rows` rows of `length` ≥ 1.
  public static func rows(
    _ x: UnsafePointer<Float>, rows: Int, length: Int, _ out: UnsafeMutablePointer<Float>,
    log: Bool, kernels: KernelTable = .active
  ) {
    guard rows >= 0, length >= 1 else { return }
    kernels.softmaxRows(x, rows, length, out, log)
  }

  /// loss[r] = log Σ_j exp(x[r, j]) − x[r, labels[r]]; when `gradient` is given it receives
  /// softmax(x) − onehot(label) per row. Returns without touching memory if a size is
  /// invalid or a label is outside 0..<classes.
  public static func sparseCrossEntropy(
    _ logits: UnsafePointer<Float>, labels: UnsafePointer<Int>, rows: Int, classes: Int,
    loss: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>?,
    kernels: KernelTable = .active
  ) {
    guard rows >= 0, classes >= 1 else { return }
    for r in 0..<rows where labels[r] < 0 || labels[r] >= classes { return }
    kernels.sparseCrossEntropy(logits, labels, rows, classes, loss, gradient)
  }
}
