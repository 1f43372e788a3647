import Foundation
import MNLKernels

/// The bf16 half of `mnl-bench kernels`: matmul_precision("bf16") products on the same shapes,
/// each bf16 path this CPU has on one thread, the active path on two, next to the fp32 figures
/// and PyTorch's bf16 matmul (oneDNN) when `import torch` works.
struct BF16KernelsBench {
  var repeats: Int
  var rounds: Int
  var cpuTime: Bool
  var sampleSeconds: Double
  var runTorch: Bool

  func run(shapes: [BenchShape], fp32: [[Double]]) {
    let paths = BF16Dispatch.supported
    let torch = runTorch ? TorchBF16Runner.detect() : nil
    // [shape][path] one thread, [shape] active path two threads, torch [shape][threads-1].
    var onePath = [[Double]](repeating: [Double](repeating: 0, count: paths.count), count: shapes.count)
    var twoActive = [Double](repeating: 0, count: shapes.count)
    var torchBest = [[Double]](repeating: [0, 0], count: shapes.count)
    for round in 1...rounds {
      print("bf16 round \(round)/\(rounds): mnl…", terminator: "")
      fflush(nil)
      for (index, shape) in shapes.enumerated() {
        var operands = GEMMBenchOperands(shape)
        for (p, path) in paths.enumerated() {
          let gflops = operands.measure(
            threads: 1, repeats: repeats, cpuTime: cpuTime, sampleSeconds: sampleSeconds,
            precision: .bf16, bf16Path: path)
          onePath[index][p] = max(onePath[index][p], gflops)
        }
        let two = operands.measure(
          threads: 2, repeats: repeats, cpuTime: cpuTime, sampleSeconds: sampleSeconds,
          precision: .bf16)
        twoActive[index] = max(twoActive[index], two)
      }
      if let torch {
        print(" PyTorch…", terminator: "")
        fflush(nil)
        for threads in [1, 2] {
          guard let result = torch.measure(shapes: shapes, threads: threads, repeats: repeats) else { continue }
          for index in shapes.indices where index < result.count {
            torchBest[index][threads - 1] = max(torchBest[index][threads - 1], result[index])
          }
        }
      }
      print(" done")
    }
    print()
    print("bf16 precision (operands rounded to bfloat16, fp32 sums); active path: \(BF16Dispatch.active.rawValue)")
    print(
      torch == nil
        ? (runTorch ? "PyTorch: not available (python3 -c 'import torch' failed)" : "PyTorch: skipped (--no-torch)")
        : "PyTorch: torch.matmul on bfloat16 tensors, torch.set_num_threads(1|2)")
    var header = pad("shape", 34) + pad("fp32 1T", 9, right: true)
    for path in paths { header += pad("\(path.rawValue) 1T", 16, right: true) }
    header += pad("bf16 2T", 9, right: true) + pad("bf16/fp32 1T", 14, right: true)
    if torch != nil {
      header += pad("torch 1T", 10, right: true) + pad("torch 2T", 10, right: true)
    }
    print(header)
    print(String(repeating: "-", count: header.count))
    let activeIndex = paths.firstIndex(of: BF16Dispatch.active) ?? 0
    for (index, shape) in shapes.enumerated() {
      var line = pad(shape.name, 34) + pad(fixed(fp32[index][0], 1), 9, right: true)
      for p in paths.indices { line += pad(fixed(onePath[index][p], 1), 16, right: true) }
      line += pad(fixed(twoActive[index], 1), 9, right: true)
      line += pad(fixed(onePath[index][activeIndex] / fp32[index][0], 2) + "×", 14, right: true)
      if torch != nil {
        line += pad(fixed(torchBest[index][0], 1), 10, right: true)
        line += pad(fixed(torchBest[index][1], 1), 10, right: true)
      }
      print(line)
    }
  }
}

/// Times `torch.matmul` on bfloat16 operands in a python3 child process (only if importable).
struct TorchBF16Runner {
  static let script = """
    import json, sys, time
    import torch
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(spec["threads"])
    g = torch.Generator().manual_seed(0)
    results = []
    for s in spec["shapes"]:
        m, n, k = s["m"], s["n"], s["k"]
        a = torch.rand((k, m) if s["transA"] else (m, k), generator=g) - 0.5
        a[torch.rand(a.shape, generator=g) < s.get("zeros", 0)] = 0
        a = a.to(torch.bfloat16)
        b = (torch.rand((k, n), generator=g) - 0.5).to(torch.bfloat16)
        op = a.t() if s["transA"] else a
        def once():
            torch.matmul(op, b)
        t0 = time.perf_counter(); once(); first = time.perf_counter() - t0
        calls = max(1, int(0.01 / max(first, 1e-7)))
        best = float("inf")
        for _ in range(spec["repeats"]):
            t0 = time.perf_counter()
            for _ in range(calls):
                once()
            best = min(best, (time.perf_counter() - t0) / calls)
        results.append(2.0 * m * n * k / best / 1e9)
    print(json.dumps(results))
    """

  static func detect() -> TorchBF16Runner? {
    let runner = TorchBF16Runner()
    guard let output = runner.launch(["python3", "-c", "import torch"]), output.status == 0 else {
      return nil
    }
    return runner
  }

  func measure(shapes: [BenchShape], threads: Int, repeats: Int) -> [Double]? {
    struct Spec: Encodable {
      var shapes: [BenchShape]
      var threads: Int
      var repeats: Int
    }
    guard
      let data = try? JSONEncoder().encode(Spec(shapes: shapes, threads: threads, repeats: repeats)),
      let json = String(data: data, encoding: .utf8),
      let output = launch(["python3", "-c", Self.script, json]), output.status == 0,
      let line = output.stdout.split(separator: "\n").last
    else {
      print("\nPyTorch run with \(threads) thread(s) failed")
      return nil
    }
    return try? JSONDecoder().decode([Double].self, from: Data(line.utf8))
  }

  private func launch(_ arguments: [String]) -> (status: Int32, stdout: String)? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
