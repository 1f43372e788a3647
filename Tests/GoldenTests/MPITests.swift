import Foundation
import XCTest

/// Data-parallel training over Open MPI: `mpirun -np 2 mnl …` (scripts/setup installs
/// openmpi-bin; without it these tests say so and skip, except in CI where they fail).
final class MPITests: XCTestCase {
  var mnl: URL!
  var dir: URL!

  override func setUpWithError() throws {
    mnl = try XCTUnwrap(GoldenTests.findExecutable(), "mnl executable not built")
    guard Self.mpirun != nil else {
      let reason = "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev; scripts/setup does it)"
      if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(reason) }
      throw XCTSkip(reason)
    }
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-mpi-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDown() {
    if let dir { try? FileManager.default.removeItem(at: dir) }
  }

  static let mpirun: String? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    var seconds: Double
  }

  /// Runs `mnl ARGS` under `mpirun -np ranks` (or directly when ranks is nil), from the
  /// repository root, giving up (and failing) after `timeout` seconds.
  func run(ranks: Int?, _ arguments: [String], timeout: Double = 300) throws -> Run {
    let process = Process()
    if let ranks {
      process.executableURL = URL(fileURLWithPath: Self.mpirun!)
      process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), mnl.path] + arguments
    } else {
      process.executableURL = mnl
      process.arguments = arguments
    }
    process.currentDirectoryURL = GoldenTests.repoRoot
    let out = dir.appendingPathComponent("stdout-\(UUID().uuidString)")
    let err = dir.appendingPathComponent("stderr-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    let start = Date()
    try process.run()
    while process.isRunning && Date().timeIntervalSince(start) < timeout { usleep(20_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      XCTFail("\(arguments) under \(ranks.map(String.init) ?? "no") mpirun still running after \(timeout) s")
    }
    process.waitUntilExit()
    return Run(
      status: process.terminationStatus,
      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
      seconds: Date().timeIntervalSince(start))
  }

  func script(_ name: String, _ source: String) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try source.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func testCollectivesOfAParameterTreeOnTwoRanks() throws {
    let path = try script(
      "collectives.mnl",
      """
      r = mpi_rank()
      tree = {w: tensor([1.0, 2.0]) * (r + 1), n: {b: float(r), k: r + 10}, i: tensor([r, 5], dtype: "int32")}
      s = allreduce(tree, op: "sum")
      m = allreduce(tree.w)
      hi = allreduce(tensor([float(r), 5.0 - float(r)]), op: "max")
      lo = allreduce(tensor([float(r), 5.0 - float(r)]), op: "min")
      b = broadcast({w: tree.w, k: r, f: 0.5 + r, u: tensor([r], dtype: "uint8")}, root: 1)
      barrier()
      print(f"rank {r} of {mpi_size()}: {s.w.list()} {s.n.b} {s.n.k} {s.i.list()} {s.i.dtype} | {m.list()} | {hi.list()} {lo.list()} | {b.w.list()} {b.k} {b.f} {b.u.list()} {b.u.dtype}")
      """)
    let result = try run(ranks: 2, [path], timeout: 120)
    XCTAssertEqual(result.status, 0, result.stderr)
    for rank in 0..<2 {
      // Sums over ranks 0 and 1; mean of [1, 2] and [2, 4]; rank 1's values broadcast.
      XCTAssertTrue(
        result.stdout.contains(
          "rank \(rank) of 2: [3.0, 6.0] 1.0 21 [1, 10] int32 | [1.5, 3.0] | [1.0, 5.0] [0.0, 4.0] | [2.0, 4.0] 1 1.5 [1] uint8"),
        result.stdout + result.stderr)
    }
  }

  func testTwoRanksFollowTheSingleProcessRun() throws {
    let common = ["scripts/train_dp.mnl", "steps=60", "every=30", "check_every=20", "seed=3", "batch=100"]
    let one = dir.appendingPathComponent("one.safetensors").path
    let two = dir.appendingPathComponent("two.safetensors").path
    let single = try run(ranks: nil, common + ["out=\(one)"])
    XCTAssertEqual(single.status, 0, single.stderr)
    let parallel = try run(ranks: 2, common + ["out=\(two)"])
    XCTAssertEqual(parallel.status, 0, parallel.stderr)
    XCTAssertTrue(parallel.stdout.contains("with 2 rank(s), global batch 100 (50 per rank)"), parallel.stdout)
    // Same parameters up to the rounding of summing two half-batch gradients instead of one.
    let compare = try script(
      "compare.mnl",
      """
      a = load("\(one)")
      b = load("\(two)")
      worst = 0.0
      for k in ["weight_1", "bias_1", "weight_2", "bias_2"] {
        worst = max(worst, float(max(abs(a[k] - b[k]))))
        worst = max(worst, float(max(abs(a.average[k] - b.average[k]))))
      }
      print(f"largest difference {worst}")
      assert(worst < 1e-4, f"the 2-rank run diverged from the 1-process run: {worst}")
      assert(load_metadata("\(two)").ranks == 2, "rank count missing from the metadata")
      """)
    let check = try run(ranks: nil, [compare])
    XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    // Both runs learned something, and report the same test accuracy.
    func accuracy(_ text: String) -> String? {
      text.split(separator: "\n").first { $0.contains("test accuracy") }.map(String.init)
    }
    XCTAssertNotNil(accuracy(single.stdout), single.stdout)
    XCTAssertEqual(accuracy(single.stdout), accuracy(parallel.stdout))
  }

  func testAFailingRankEndsTheWholeJobPromptly() throws {
    let path = try script(
      "fails.mnl",
      """
      r = mpi_rank()
      if r == 1 { x = zeros([2]) + zeros([3]) }
      s = allreduce(tensor([1.0]))
      print(f"rank {r} passed the allreduce")
      """)
    let result = try run(ranks: 2, [path], timeout: 60)
    XCTAssertNotEqual(result.status, 0)
    XCTAssertTrue(result.stderr.contains("fails.mnl:2:28: error: cannot broadcast [2] with [3]"), result.stderr)
    XCTAssertFalse(result.stdout.contains("passed the allreduce"), result.stdout)
  }

  func testRanksWithDifferentTreesGetAnErrorNotAMix() throws {
    let path = try script("mismatch.mnl", "s = allreduce(zeros([mpi_rank() + 1]), op: \"sum\")\n")
    let result = try run(ranks: 2, [path], timeout: 60)
    XCTAssertNotEqual(result.status, 0)
    XCTAssertTrue(result.stderr.contains("different shapes or dtypes on different ranks"), result.stderr)
  }
}
