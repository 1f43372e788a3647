import ArgumentParser
import Foundation
import MNLKernels
import MNLTensor

/// `mnl-bench conv`: GFLOP/s of the two convolution layers of TensorFlow's "Deep MNIST for
/// Experts" network at batch 50 (forward, input gradient, filter gradient), beside TensorFlow's
/// CPU kernels (scripts/bench/conv_tf.py, when the tensorflow-cpu wheel is installed) and NumPy's
/// im2col (sliding_window_view) + matmul on the same shapes, measured in the same run.
struct ConvBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conv", abstract: "Convolution layers of the MNIST CNN: mnl vs TensorFlow and NumPy im2col+matmul.")

  @Option(help: "Batch size.") var batch = 50
  @Option(help: "Best of this many timed repeats.") var repeats = 7
  @Flag(help: "Skip the NumPy comparison.") var noNumpy = false
  @Flag(help: "Skip the TensorFlow comparison.") var noTensorflow = false

  struct Layer {
    var name: String
    var input: [Int]
    var filter: [Int]
  }

  func run() throws {
    try BenchSetup.start()
    let layers = [
      Layer(name: "conv1 5x5x1x32 on 28x28", input: [batch, 28, 28, 1], filter: [5, 5, 1, 32]),
      Layer(name: "conv2 5x5x32x64 on 14x14", input: [batch, 14, 14, 32], filter: [5, 5, 32, 64]),
    ]
    let load = loadAverage()
    let (tensorflow, tensorflowNote) = noTensorflow ? (nil, "TensorFlow: skipped") : tensorflowGFLOPs(layers)
    let numpy = noNumpy ? nil : numpyGFLOPs(layers)
    print("threads: \(Parallelism.threads); GFLOP/s = 2·multiply-adds / best time; SAME padding, stride 1")
    print("layer                       pass            mnl      TF  mnl/TF   NumPy im2col+matmul")
    for (index, layer) in layers.enumerated() {
      let g = try convGeometry(input: layer.input, filter: layer.filter, stride: (1, 1), padding: .same)
      var seed: UInt64 = 1
      func random(_ shape: [Int]) -> Tensor {
        let values = (0..<shape.reduce(1, *)).map { _ -> Float in
          seed = seed &* 6364136223846793005 &+ 1442695040888963407
          return Float(seed >> 40) / Float(1 << 24) - 0.5
        }
        return (try? Tensor(shape: shape, values: values)) ?? Tensor(shape: shape, repeating: 0)
      }
      let (x, w, dy) = (random(g.inputShape), random(g.filterShape), random(g.outputShape))
      let passes: [(String, () throws -> Tensor)] = [
        ("forward", { try conv2d(x, w, nil, geometry: g) }),
        ("input grad", { try conv2dBackpropInput(dy, w, geometry: g) }),
        ("filter grad", { try conv2dBackpropFilter(x, dy, geometry: g) }),
      ]
      for (p, (pass, body)) in passes.enumerated() {
        let seconds = try best(body)
        let gflops = 2 * Double(g.multiplyAdds) / seconds / 1e9
        let tf = tensorflow?[index][p]
        let tfColumn = tf.map { String(format: "%8.1f%8.2f", $0, gflops / $0) } ?? "       -       -"
        let other = numpy.map { String(format: "%8.1f", $0[index][p]) } ?? "       -"
        print(
          layer.name.padding(toLength: 28, withPad: " ", startingAt: 0)
            + pass.padding(toLength: 12, withPad: " ", startingAt: 0)
            + String(format: "%8.1f", gflops) + tfColumn + "   " + other)
      }
    }
    if numpy == nil { print(noNumpy ? "NumPy: skipped" : "NumPy: not available") }
    if let tensorflowNote { print(tensorflowNote) }
    print("load average before the run: \(load); after: \(loadAverage())")
  }

  /// TensorFlow's GFLOP/s per layer and pass, or nil and the reason it is missing.
  private func tensorflowGFLOPs(_ layers: [Layer]) -> ([[Double]]?, String?) {
    let spec = "{\"layers\": \(layerJSON(layers)), \"repeats\": \(repeats), \"threads\": \(Parallelism.threads)}"
    guard let child = PythonChild.run([repositoryRoot() + "/scripts/bench/conv_tf.py", spec]) else {
      return (nil, "TensorFlow: python3 not available")
    }
    if child.status == PythonChild.notInstalled {
      return (nil, "TensorFlow: not installed (pip install tensorflow-cpu to compare)")
    }
    guard child.status == 0, let values = try? JSONDecoder().decode([[Double]].self, from: Data(child.lastLine.utf8)) else {
      return (nil, "TensorFlow: comparison failed (exit status \(child.status))")
    }
    return (values, "TensorFlow \(Parallelism.threads) intra-op threads (tf.function, oneDNN), measured before mnl in the same run")
  }

  private func layerJSON(_ layers: [Layer]) -> String {
    "[" + layers.map { "{\"input\": \($0.input), \"filter\": \($0.filter)}" }.joined(separator: ", ") + "]"
  }

  private func best(_ body: () throws -> Tensor) throws -> Double {
    _ = try body()
    var best = Double.infinity
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      var calls = 0
      repeat {
        _ = try body()
        calls += 1
      } while DispatchTime.now().uptimeNanoseconds - start < 50_000_000
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(calls))
    }
    return best
  }

  /// NumPy's GFLOP/s per layer and pass: im2col through sliding_window_view, then matmul
  /// (and for the input gradient, matmul then col2im by adding the window slices back).
  private func numpyGFLOPs(_ layers: [Layer]) -> [[Double]]? {
    let script = """
      import json, sys, time
      import numpy as np
      from numpy.lib.stride_tricks import sliding_window_view as windows
      spec = json.loads(sys.argv[1])
      rng = np.random.default_rng(0)
      def best(f, repeats):
          f(); out = float("inf")
          for _ in range(repeats):
              t0 = time.perf_counter(); calls = 0
              while True:
                  f(); calls += 1
                  if time.perf_counter() - t0 > 0.05: break
              out = min(out, (time.perf_counter() - t0) / calls)
          return out
      results = []
      for layer in spec["layers"]:
          n, h, w, c = layer["input"]; kh, kw, _, o = layer["filter"]
          x = rng.random((n, h, w, c), dtype=np.float32) - 0.5
          f = rng.random((kh, kw, c, o), dtype=np.float32) - 0.5
          dy = rng.random((n, h, w, o), dtype=np.float32) - 0.5
          pt, pl = (kh - 1) // 2, (kw - 1) // 2
          def cols(x):
              xp = np.pad(x, ((0, 0), (pt, kh - 1 - pt), (pl, kw - 1 - pl), (0, 0)))
              v = windows(xp, (kh, kw), axis=(1, 2))  # [n, h, w, c, kh, kw]
              return v.transpose(0, 1, 2, 4, 5, 3).reshape(n * h * w, kh * kw * c)
          fm = f.reshape(kh * kw * c, o)
          def forward(): return cols(x) @ fm
          def filter_grad(): return cols(x).T @ dy.reshape(-1, o)
          def input_grad():
              dc = (dy.reshape(-1, o) @ fm.T).reshape(n, h, w, kh, kw, c)
              dx = np.zeros((n, h + kh - 1, w + kw - 1, c), np.float32)
              for i in range(kh):
                  for j in range(kw):
                      dx[:, i:i + h, j:j + w] += dc[:, :, :, i, j]
              return dx[:, pt:pt + h, pl:pl + w]
          flops = 2.0 * n * h * w * kh * kw * c * o
          results.append([flops / best(p, spec["repeats"]) / 1e9 for p in (forward, input_grad, filter_grad)])
      print(json.dumps(results))
      """
    let spec = "{\"layers\": \(layerJSON(layers)), \"repeats\": \(repeats)}"
    let threads = String(Parallelism.threads)
    guard let child = PythonChild.run(["-c", script, spec], environment: ["OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads]),
      child.status == 0
    else { return nil }
    return try? JSONDecoder().decode([[Double]].self, from: Data(child.lastLine.utf8))
  }
}
