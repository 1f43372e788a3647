import ArgumentParser
import Foundation
import MNLData
import MNLKernels

/// `mnl-bench kernels`: SGEMM throughput on the shapes of MNIST training, one and two
/// threads, against the machine's fp32 peak and NumPy (OpenBLAS) measured in the same run.
struct KernelsBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernels",
    abstract: "SGEMM GFLOP/s on the training shapes, 1 and 2 threads, versus NumPy.")

  @Option(help: "Timed samples per measurement; the best one counts.")
  var repeats = 7

  @Option(help: "Rounds of (mnl, NumPy) measurements, interleaved; the best round counts.")
  var rounds = 2

  @Flag(help: "Do not run NumPy.")
  var noNumpy = false

  @Flag(help: "Do not measure bf16-precision products.")
  var noBF16 = false

  @Flag(help: "Do not run PyTorch's bf16 matmul (run only when `import torch` works).")
  var noTorch = false

  @Flag(help: "Time mnl by the process's CPU time instead of the wall clock (A/B comparisons on a loaded machine; 2T figures then count both threads' time).")
  var cpuTime = false

  @Option(help: "Least duration of one sample, seconds (short samples with many --repeats find the moments a loaded machine leaves a core free).")
  var sampleSeconds = 0.01

  @Flag(help: "Evict the caches before every call (write 16 MB elsewhere, untimed), as in a training step where other work runs between products.")
  var cold = false

  @Option(help: "Only the shapes whose name contains this text.")
  var only: String?

  func validate() throws {
    guard repeats >= 1, rounds >= 1 else {
      throw ValidationError("--repeats and --rounds must be at least 1")
    }
  }

  func run() throws {
    try BenchSetup.start()
    let shapes = BenchShape.trainingShapes.filter { only == nil || $0.name.contains(only!) }
    let peak = PeakEstimate.read()
    let numpy = noNumpy ? nil : NumPyRunner.detect()
    var mnl = [[Double]](repeating: [0, 0], count: shapes.count)
    var numpyBest = [[Double]](repeating: [0, 0], count: shapes.count)
    var pinning = ""
    for round in 1...rounds {
      print("round \(round)/\(rounds): mnl…", terminator: "")
      fflush(nil)
      for (index, shape) in shapes.enumerated() {
        var operands = GEMMBenchOperands(shape)
        for (column, threads) in [1, 2].enumerated() {
          let gflops = operands.measure(threads: threads, repeats: repeats, cpuTime: cpuTime, cold: cold, sampleSeconds: sampleSeconds)
          mnl[index][column] = max(mnl[index][column], gflops)
        }
      }
      if let numpy {
        print(" NumPy…", terminator: "")
        fflush(nil)
        for (column, threads) in [1, 2].enumerated() {
          let result = numpy.measure(shapes: shapes, threads: threads, repeats: repeats)
          guard let result else { continue }
          pinning = result.pinned
          for index in shapes.indices where index < result.gflops.count {
            numpyBest[index][column] = max(numpyBest[index][column], result.gflops[index])
          }
        }
      }
      print(" done")
    }
    print()
    print(peak.summary)
    if numpy == nil {
      print(
        noNumpy
          ? "NumPy: skipped (--no-numpy)"
          : "NumPy: not available (python3 -c 'import numpy' failed)")
    } else if pinning == "threadpoolctl" {
      print("NumPy: threads pinned with threadpoolctl (and OPENBLAS_NUM_THREADS)")
    } else {
      print(
        "NumPy: could not pin threads with threadpoolctl (not importable); used OPENBLAS_NUM_THREADS only"
      )
    }
    if shapes.contains(where: { $0.zeros > 0 }) { print(MNISTBatch.summary) }
    print("GFLOP/s, best of \(repeats) samples × \(rounds) rounds; 2T/1T = two-thread speed-up\n")
    printTable(shapes: shapes, mnl: mnl, numpy: numpy == nil ? nil : numpyBest, peak: peak)
    if !noBF16 {
      print()
      BF16KernelsBench(
        repeats: repeats, rounds: rounds, cpuTime: cpuTime, sampleSeconds: sampleSeconds,
        runTorch: !noTorch
      ).run(shapes: shapes, fp32: mnl)
    }
  }

  private func printTable(
    shapes: [BenchShape], mnl: [[Double]], numpy: [[Double]]?, peak: PeakEstimate
  ) {
    var header =
      pad("shape", 34) + pad("mnl 1T", 8, right: true) + pad("%peak", 7, right: true)
      + pad("mnl 2T", 8, right: true) + pad("2T/1T", 7, right: true)
    if numpy != nil {
      header +=
        pad("NumPy 1T", 10, right: true) + pad("NumPy 2T", 10, right: true)
        + pad("mnl/NP 1T", 11, right: true) + pad("mnl/NP 2T", 11, right: true)
    }
    print(header)
    print(String(repeating: "-", count: header.count))
    for (index, shape) in shapes.enumerated() {
      let one = mnl[index][0]
      let two = mnl[index][1]
      var line =
        pad(shape.name, 34) + pad(fixed(one, 1), 8, right: true)
        + pad(fixed(100 * one / peak.perCoreGFLOPS, 0) + "%", 7, right: true)
        + pad(fixed(two, 1), 8, right: true) + pad(fixed(two / one, 2) + "×", 7, right: true)
      if let numpy {
        let np1 = numpy[index][0]
        let np2 = numpy[index][1]
        line +=
          pad(fixed(np1, 1), 10, right: true) + pad(fixed(np2, 1), 10, right: true)
          + pad(np1 > 0 ? fixed(one / np1, 2) + "×" : "-", 11, right: true)
          + pad(np2 > 0 ? fixed(two / np2, 2) + "×" : "-", 11, right: true)
      }
      print(line)
    }
  }
}

/// One product of the benchmark: op(A) is m×k, B is k×n.
struct BenchShape: Codable {
  var name: String
  var m: Int
  var n: Int
  var k: Int
  var transA: Bool
  /// Fraction of A's entries that are zero (MNIST pixels: ~0.81), which the sparse path skips.
  /// GFLOP/s stay those of the dense product, so the figures compare times.
  var zeros: Double = 0

  var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

  static let trainingShapes = [
    BenchShape(name: "forward 100×784·784×500", m: 100, n: 500, k: 784, transA: false),
    BenchShape(name: "weight grad Xᵀ·dY, X 100×784", m: 784, n: 500, k: 100, transA: true),
    BenchShape(
      name: "forward, x = MNIST pixels", m: 100, n: 500, k: 784, transA: false, zeros: 0.81),
    BenchShape(
      name: "weight grad, x = MNIST pixels", m: 784, n: 500, k: 100, transA: true, zeros: 0.81),
    BenchShape(name: "output 100×500·500×10", m: 100, n: 10, k: 500, transA: false),
    BenchShape(name: "output weight grad Hᵀ·dY, H 100×500", m: 500, n: 10, k: 100, transA: true),
    BenchShape(name: "validation 5000×784·784×500", m: 5000, n: 500, k: 784, transA: false),
    BenchShape(name: "square 1024³", m: 1024, n: 1024, k: 1024, transA: false),
  ]
}

/// Random operands for one shape, kept for all of its measurements.
struct GEMMBenchOperands {
  let shape: BenchShape
  let a: [Float]
  let b: [Float]
  var c: [Float]

  init(_ shape: BenchShape) {
    self.shape = shape
    var state: UInt32 = 12345
    func next() -> Float {
      state = state &* 1_664_525 &+ 1_013_904_223
      return Float(state >> 8) / Float(1 << 24) - 0.5
    }
    if shape.zeros > 0, let pixels = MNISTBatch.pixels, pixels.count == shape.m * shape.k {
      a = pixels
    } else {
      a = (0..<(shape.m * shape.k)).map { _ in
        let value = next()
        return Double(next() + 0.5) < shape.zeros ? 0 : value
      }
    }
    b = (0..<(shape.k * shape.n)).map { _ in next() }
    c = [Float](repeating: 0, count: shape.m * shape.n)
  }

  /// Best GFLOP/s over `repeats` samples; a sample repeats the call for at least ~10 ms.
  /// `precision`/`bf16Path` as in `GEMM.sgemm` (bf16 figures count the same FLOPs).
  mutating func measure(
    threads: Int, repeats: Int, cpuTime: Bool = false, cold: Bool = false,
    sampleSeconds: Double = 0.01, precision: MatmulPrecision = .highest, bf16Path: BF16Path? = nil
  ) -> Double {
    func sample(_ calls: Int) -> Double {
      time(
        calls: calls, threads: threads, cpuTime: cpuTime, cold: cold, precision: precision,
        bf16Path: bf16Path)
    }
    let once = sample(1)  // warm-up: caches, packing buffers
    let calls = max(1, Int(sampleSeconds / max(once, 1e-7)))
    var best = Double.infinity
    for _ in 0..<repeats {
      best = min(best, sample(calls) / Double(calls))
    }
    return shape.flops / best / 1e9
  }

  private mutating func time(
    calls: Int, threads: Int, cpuTime: Bool, cold: Bool, precision: MatmulPrecision,
    bf16Path: BF16Path?
  ) -> Double {
    let s = shape
    let lda = s.transA ? s.m : s.k
    func now() -> UInt64 {
      guard cpuTime else { return DispatchTime.now().uptimeNanoseconds }
      var t = timespec()
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
      return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }
    var elapsed: UInt64 = 0
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          guard let ap = a.baseAddress, let bp = b.baseAddress, let cp = c.baseAddress else {
            return
          }
          var start = now()
          for _ in 0..<calls {
            if cold {
              elapsed += now() - start
              CacheEviction.run()
              start = now()
            }
            GEMM.sgemm(
              transA: s.transA, transB: false, m: s.m, n: s.n, k: s.k, a: ap, lda: lda,
              b: bp, ldb: s.n, c: cp, ldc: s.n, threads: threads, precision: precision,
              bf16Path: bf16Path)
          }
          elapsed += now() - start
        }
      }
    }
    return Double(elapsed) / 1e9
  }
}

/// Writes 16 MB of other memory, so that the operands of the next product are no longer in
/// L1/L2 (and mostly not in L3 either, on a 32 MB L3 shared with nothing else).
enum CacheEviction {
  nonisolated(unsafe) static var buffer = [UInt8](repeating: 0, count: 16 << 20)
  static func run() {
    buffer.withUnsafeMutableBufferPointer { bytes in
      var i = 0
      while i < bytes.count {
        bytes[i] &+= 1
        i += 64
      }
    }
  }
}

/// A batch of 100 real MNIST training images (pixels / 255, 100×784), for the shapes with
/// zeros: the zero-skipping kernels depend on where the zeros are (images share blank
/// margins and strokes), which uniformly random zeros would not show. Nil without the data.
enum MNISTBatch {
  static let path = repositoryRoot() + "/data/mnist/train-images-idx3-ubyte.gz"

  static let pixels: [Float]? = {
    guard let images = try? IDX.readFile(path), images.shape.count == 3,
      images.shape[0] >= 100, images.shape[1] * images.shape[2] == 784
    else { return nil }
    // Images spread over the training set rather than its first hundred.
    let spacing = images.shape[0] / 100
    var result: [Float] = []
    result.reserveCapacity(100 * 784)
    for i in 0..<100 {
      let start = i * spacing * 784
      for byte in images.payload[start..<(start + 784)] { result.append(Float(byte) / 255) }
    }
    return result
  }()

  static var summary: String {
    pixels == nil
      ? "x with zeros: uniformly random zeros (no \(path))"
      : "x with zeros: 100 real MNIST training images (\(path))"
  }
}

/// The fp32 peak: clock from /proc/cpuinfo ("cpu MHz", else 2.85 GHz) × 32 FLOP/cycle/core
/// (two 8-wide FMA pipes).
struct PeakEstimate {
  var gigahertz: Double
  var fromCPUInfo: Bool
  var cores: Int

  var perCoreGFLOPS: Double { gigahertz * 32 }

  static func read() -> PeakEstimate {
    let cores = min(2, ProcessInfo.processInfo.activeProcessorCount)
    let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix("cpu MHz") {
      if let value = line.split(separator: ":").last,
        let mhz = Double(value.trimmingCharacters(in: .whitespaces)), mhz > 0
      {
        return PeakEstimate(gigahertz: mhz / 1000, fromCPUInfo: true, cores: cores)
      }
    }
    return PeakEstimate(gigahertz: 2.85, fromCPUInfo: false, cores: cores)
  }

  var summary: String {
    let source = fromCPUInfo ? "/proc/cpuinfo" : "fallback, no cpu MHz in /proc/cpuinfo"
    return "fp32 peak: \(fixed(gigahertz, 2)) GHz (\(source)) × 32 FLOP/cycle = "
      + "\(fixed(perCoreGFLOPS, 1)) GFLOP/s per core, \(fixed(perCoreGFLOPS * Double(cores), 1)) "
      + "on \(cores) core\(cores == 1 ? "" : "s")"
      + (fromCPUInfo ? "\n(cpu MHz may be the nominal clock; with boost, %peak can exceed 100)" : "")
  }
}

/// Times NumPy's matmul on the same shapes in a python3 child process.
struct NumPyRunner {
  struct Result: Decodable {
    var pinned: String
    var gflops: [Double]
  }

  /// The child's program: reads the shapes as JSON, prints one JSON line of results.
  static let script = """
    import json, sys, time
    import numpy as np
    spec = json.loads(sys.argv[1])
    pinned = "env"
    try:
        from threadpoolctl import threadpool_limits
        limiter = threadpool_limits(limits=spec["threads"], user_api="blas")
        pinned = "threadpoolctl"
    except ImportError:
        pass
    rng = np.random.default_rng(0)
    results = []
    for s in spec["shapes"]:
        m, n, k = s["m"], s["n"], s["k"]
        a = rng.random((k, m) if s["transA"] else (m, k), dtype=np.float32) - 0.5
        a[rng.random(a.shape) < s.get("zeros", 0)] = 0
        b = rng.random((k, n), dtype=np.float32) - 0.5
        c = np.empty((m, n), dtype=np.float32)
        op = a.T if s["transA"] else a
        def once():
            np.matmul(op, b, out=c)
        t0 = time.perf_counter(); once(); first = time.perf_counter() - t0
        calls = max(1, int(0.01 / max(first, 1e-7)))
        best = float("inf")
        for _ in range(spec["repeats"]):
            t0 = time.perf_counter()
            for _ in range(calls):
                once()
            best = min(best, (time.perf_counter() - t0) / calls)
        results.append(2.0 * m * n * k / best / 1e9)
    print(json.dumps({"pinned": pinned, "gflops": results}))
    """

  let python: URL

  /// A runner if `python3 -c 'import numpy'` succeeds.
  static func detect() -> NumPyRunner? {
    let runner = NumPyRunner(python: URL(fileURLWithPath: "/usr/bin/env"))
    guard let output = runner.launch(["python3", "-c", "import numpy"], threads: 1) else {
      return nil
    }
    return output.status == 0 ? runner : nil
  }

  func measure(shapes: [BenchShape], threads: Int, repeats: Int) -> Result? {
    struct Spec: Encodable {
      var shapes: [BenchShape]
      var threads: Int
      var repeats: Int
    }
    guard
      let data = try? JSONEncoder().encode(
        Spec(shapes: shapes, threads: threads, repeats: repeats)),
      let json = String(data: data, encoding: .utf8),
      let output = launch(["python3", "-c", Self.script, json], threads: threads),
      output.status == 0,
      let line = output.stdout.split(separator: "\n").last
    else {
      print("\nNumPy run with \(threads) thread(s) failed")
      return nil
    }
    return try? JSONDecoder().decode(Result.self, from: Data(line.utf8))
  }

  /// Runs python3 without the OpenBLAS variables that slow it down, pinned to `threads`.
  private func launch(_ arguments: [String], threads: Int) -> (status: Int32, stdout: String)? {
    let process = Process()
    process.executableURL = python
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["OPENBLAS_CORETYPE"] = nil
    environment["OPENBLAS_L2_SIZE"] = nil
    environment["OPENBLAS_NUM_THREADS"] = String(threads)
    environment["OMP_NUM_THREADS"] = String(threads)
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}

func fixed(_ value: Double, _ decimals: Int) -> String {
  guard value.isFinite else { return "-" }
  return String(format: "%.\(decimals)f", value)
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
  let gap = String(repeating: " ", count: max(0, width - text.count))
  return right ? gap + text : text + gap
}
