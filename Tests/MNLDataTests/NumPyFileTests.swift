import MNLTensor
import XCTest

@testable import MNLData

/// .npy and .npz against Python's NumPy in both directions, and the format's error cases.
final class NumPyFileTests: XCTestCase {
  func python() throws -> String? {
    guard let python = TestSupport.which("python3") else { return nil }
    return try TestSupport.run(python, ["-c", "import numpy"]).status == 0 ? python : nil
  }

  func tensors() throws -> [(String, Tensor)] {
    [
      ("f", try Tensor(shape: [2, 3], values: [1, -2, 0.5, 1e-20, -0.0, 3e30])),
      ("i64", try Tensor(shape: [3], values: [0, -5, 9], dtype: .int64)),
      ("i32", try Tensor(shape: [1, 2], values: [-7, 2_000_000], dtype: .int32)),
      ("u8", try Tensor(shape: [2], values: [0, 255], dtype: .uint8)),
      ("b", try Tensor(shape: [2, 1], values: [1, 0], dtype: .bool)),
      ("scalar", Tensor(scalar: 2.5)),
      ("empty", Tensor(shape: [0, 4], repeating: 0)),
    ]
  }

  func testPythonReadsMNLFilesAndMNLReadsPythonFiles() throws {
    guard let python = try python() else {
      throw TestSupport.missingPrerequisite("python3 with numpy is not available (pip install numpy)")
    }
    let dir = try TestSupport.temporaryDirectory(self)
    for (name, t) in try tensors() { try NPY.save("\(dir)/\(name).npy", t) }
    try NPZ.save("\(dir)/stored.npz", try tensors())
    try NPZ.save("\(dir)/deflated.npz", try tensors(), compress: true)
    let script = """
      import sys, numpy as np
      d = sys.argv[1]
      want = {"f": np.array([1, -2, 0.5, 1e-20, -0.0, 3e30], np.float32).reshape(2, 3),
              "i64": np.array([0, -5, 9], np.int64), "i32": np.array([[-7, 2000000]], np.int32),
              "u8": np.array([0, 255], np.uint8), "b": np.array([[True], [False]]),
              "scalar": np.array(2.5, np.float32), "empty": np.zeros((0, 4), np.float32)}
      def same(a, b):
          return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
      for k, v in want.items():
          assert same(np.load(f"{d}/{k}.npy"), v), (k, np.load(f"{d}/{k}.npy"))
      for archive in ("stored", "deflated"):
          z = np.load(f"{d}/{archive}.npz")
          assert sorted(z.files) == sorted(want), z.files
          for k, v in want.items():
              assert same(z[k], v), (archive, k)
      # Python's files for mnl: C and Fortran order, widened dtypes, both archive kinds.
      np.save(f"{d}/py_f8.npy", np.array([[0.1, 2.0, -3.5]]))
      np.save(f"{d}/py_fortran.npy", np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)))
      np.save(f"{d}/py_i16.npy", np.array([-300, 7], np.int16))
      np.save(f"{d}/py_c8.npy", np.array([1 + 2j]))
      np.savez(f"{d}/py.npz", a=np.arange(5, dtype=np.float32), mask=np.array([True, False]))
      np.savez_compressed(f"{d}/pyz.npz", big=np.arange(10000, dtype=np.int64) % 7)
      print("python ok")
      """
    let result = try TestSupport.run(python, ["-c", script, dir])
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(result.output.contains("python ok"), result.output)

    let f8 = try NPY.load("\(dir)/py_f8.npy")
    XCTAssertEqual(f8.shape, [1, 3])
    XCTAssertEqual(f8.values, [0.1, 2.0, -3.5])
    let fortran = try NPY.load("\(dir)/py_fortran.npy")
    XCTAssertEqual(fortran.dtype, .int32)
    XCTAssertEqual(fortran.shape, [2, 3])
    XCTAssertEqual(fortran.integerValues, [0, 1, 2, 3, 4, 5])
    XCTAssertEqual(try NPY.load("\(dir)/py_i16.npy").integerValues, [-300, 7])
    XCTAssertThrowsError(try NPY.load("\(dir)/py_c8.npy")) { error in
      XCTAssertTrue("\(error)".contains("unsupported NumPy dtype '<c16'"), "\(error)")
    }
    let stored = try NPZ.load("\(dir)/py.npz")
    XCTAssertEqual(stored.map(\.name), ["a", "mask"])
    XCTAssertEqual(stored[0].tensor.values, [0, 1, 2, 3, 4])
    XCTAssertEqual(stored[1].tensor.dtype, .bool)
    let deflated = try NPZ.load("\(dir)/pyz.npz")
    XCTAssertEqual(deflated[0].tensor.shape, [10000])
    XCTAssertEqual(deflated[0].tensor.integerValues.prefix(9), [0, 1, 2, 3, 4, 5, 6, 0, 1])
    // mnl's own files read back the same.
    for (name, t) in try tensors() {
      let back = try NPY.load("\(dir)/\(name).npy")
      XCTAssertEqual(back.shape, t.shape, name)
      XCTAssertEqual(back.dtype, t.dtype, name)
      XCTAssertEqual(back.values.map(\.bitPattern), t.values.map(\.bitPattern), name)
    }
  }

  func testBrokenFilesAreErrors() throws {
    let good = NPY.encode(try Tensor(shape: [4], values: [1, 2, 3, 4]))
    XCTAssertThrowsError(try NPY.decode(Array(good.dropLast(3)), file: "x.npy"))
    XCTAssertThrowsError(try NPY.decode(Array("not numpy".utf8), file: "x.npy"))
    let zip = try ZipArchive.write([.init(name: "a.npy", data: good)], compress: true)
    var corrupt = zip
    corrupt[40] ^= 0xFF
    XCTAssertThrowsError(try ZipArchive.read(corrupt, file: "x.npz"))
    XCTAssertThrowsError(try ZipArchive.read(Array(zip.prefix(20)), file: "x.npz"))
    XCTAssertEqual(try ZipArchive.read(zip).first?.data, good)
  }
}
