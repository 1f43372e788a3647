import Foundation
import MNLTensor
import XCTest

@testable import MNLData

final class SafetensorsTests: XCTestCase {
  func sampleTensors() throws -> [(String, Tensor)] {
    let awkward: [Float] = [0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.infinity, .nan, 3.14159, -1e-30]
    return [
      ("weight_1", try Tensor(shape: [2, 4], values: awkward)),
      ("bias_1", try Tensor(shape: [3], values: [0.5, -0.25, 1e7])),
      ("labels", try Tensor(shape: [4], values: [0, -7, 16_777_216, 9], dtype: .int32)),
      ("counts", Tensor(shape: [3], integers: [16_777_217, -(1 << 62), 1 << 62], dtype: .int64)),
      ("mask", Tensor(shape: [2], integers: [1, 0], dtype: .bool)),
      ("pixels", try Tensor(shape: [2, 2], values: [0, 1, 254, 255], dtype: .uint8)),
      ("step", Tensor(scalar: 42)),
      ("empty", try Tensor(shape: [0, 5], values: [])),
    ]
  }

  /// Exact contents: float bit patterns, or the integers themselves.
  func bits(_ t: Tensor) -> [UInt64] {
    t.dtype == .float32 ? t.values.map { UInt64($0.bitPattern) } : t.integerValues.map { UInt64(bitPattern: $0) }
  }

  func testRoundTripIsBitForBit() throws {
    let dir = try TestSupport.temporaryDirectory(self)
    let path = dir + "/model.safetensors"
    let tensors = try sampleTensors()
    let metadata = ["layer_dimension": "[784, 500, 10]", "step": "30000", "note": "quote \" backslash \\ newline \n ünï"]
    try Safetensors.save(path, tensors: tensors, metadata: metadata)
    let loaded = try Safetensors.load(path)
    XCTAssertEqual(loaded.metadata, metadata)
    XCTAssertEqual(loaded.tensors.map(\.name), tensors.map(\.0), "tensors come back in file (= saved) order")
    for ((name, original), (_, back)) in zip(tensors, loaded.tensors) {
      XCTAssertEqual(back.shape, original.shape, name)
      XCTAssertEqual(back.dtype, original.dtype, name)
      XCTAssertEqual(bits(back), bits(original), name)
    }
    // Saving what was loaded gives the same bytes.
    let again = dir + "/again.safetensors"
    try Safetensors.save(again, tensors: loaded.tensors.map { ($0.name, $0.tensor) }, metadata: loaded.metadata)
    XCTAssertEqual(try FileIO.readAll(path), try FileIO.readAll(again))
  }

  func testHeaderLayout() throws {
    let bytes = try Safetensors.encode(
      tensors: [("b", try Tensor(shape: [1], values: [1])), ("a", try Tensor(shape: [2], values: [2, 3], dtype: .int32))],
      metadata: ["k": "v"])
    let length = Int(bytes[0]) | Int(bytes[1]) << 8
    XCTAssertEqual((8 + length) % 8, 0, "data starts 8-byte aligned")
    let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
    XCTAssertEqual(
      header.trimmingCharacters(in: .whitespaces),
      #"{"__metadata__":{"k":"v"},"a":{"dtype":"I32","shape":[2],"data_offsets":[4,12]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
    )
    XCTAssertEqual(bytes.count, 8 + length + 12)
    XCTAssertEqual(Array(bytes[(8 + length)...].prefix(4)), [0, 0, 0x80, 0x3F], "1.0 little-endian")
  }

  func testReadsEveryDTypeFromTheCommittedPythonFile() throws {
    let contents = try Safetensors.load(TestSupport.fixtures + "/python-written.safetensors")
    XCTAssertEqual(contents.metadata, ["step": "30000", "layer_dimension": "[784, 500, 10]"])
    XCTAssertEqual(contents.tensors.map(\.name), ["i64", "f64", "f32", "scalar", "i32", "f16", "i16", "i8", "u8", "bool"])
    func check(_ name: String, _ shape: [Int], _ dtype: DType, _ values: [Float]) {
      guard let t = contents[name] else { return XCTFail("no \(name)") }
      XCTAssertEqual(t.shape, shape, name)
      XCTAssertEqual(t.dtype, dtype, name)
      XCTAssertEqual(t.values.map(\.bitPattern), values.map(\.bitPattern), name)
    }
    check("f32", [2, 3], .float32, [1.5, -2, 3.25, 0, -0.0, Float(1e-40 as Double)])
    check("f64", [2], .float32, [Float(0.1), -1e10])
    check("f16", [4], .float32, [1, -0.5, 65504, Float(Float16(6e-8))])
    check("i64", [3], .int64, [-16_777_216, 7, 16_777_216])
    check("i32", [2], .int32, [-5, 1_048_576])
    check("i16", [2], .int32, [-32768, 32767])
    check("i8", [2], .int32, [-128, 127])
    check("u8", [1, 2], .uint8, [0, 255])
    check("bool", [3], .bool, [1, 0, 1])
    check("scalar", [], .float32, [2.5])
  }

  /// A file with one tensor, written by hand.
  func file(header: String, data: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = []
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
    return bytes + Array(header.utf8) + data
  }

  func testBFloat16AndHalfSpecials() throws {
    // bf16 1.0 = 0x3F80, -2.5 = 0xC020; f16 inf = 0x7C00, -0 = 0x8000, smallest subnormal 0x0001.
    let bytes = file(
      header: #"{"b":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},"h":{"dtype":"F16","shape":[3],"data_offsets":[4,10]}}"#,
      data: [0x80, 0x3F, 0x20, 0xC0, 0x00, 0x7C, 0x00, 0x80, 0x01, 0x00])
    let contents = try Safetensors.decode(bytes)
    XCTAssertEqual(contents["b"]?.values, [1, -2.5])
    XCTAssertEqual(contents["h"]?.values.map(\.bitPattern), [Float.infinity, -0.0, Float(Float16(bitPattern: 1))].map(\.bitPattern))
  }

  func testCorruptFilesAreRejected() throws {
    let good = try Safetensors.encode(tensors: try sampleTensors(), metadata: ["a": "b"])
    let cases: [(String, [UInt8], [String])] = [
      ("short", [1, 2, 3], ["shorter than the 8-byte header length"]),
      ("truncated", Array(good.dropLast(5)), ["truncated", "the header describes"]),
      ("trailing bytes", good + [0], ["1 bytes after the last tensor"]),
      ("header too long", [0xFF, 0xFF, 0, 0, 0, 0, 0, 0] + Array(good[8...]), ["header length 65535 is larger than the rest"]),
      ("not json", file(header: "{nope", data: []), ["not valid JSON"]),
      ("not an object", file(header: "[1,2]", data: []), ["not a JSON object"]),
      (
        "size mismatch", file(header: #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: .init(repeating: 0, count: 8)),
        ["'x'", "needs 12 bytes but data_offsets span 8"]
      ),
      (
        "gap",
        file(header: #"{"x":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#, data: .init(repeating: 0, count: 4)),
        ["gap in the data before 'x'"]
      ),
      (
        "overlap",
        file(
          header: #"{"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"y":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}"#,
          data: .init(repeating: 0, count: 3)),
        ["overlaps"]
      ),
      (
        "duplicate", file(header: #"{"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"x":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#, data: [1, 2]),
        ["duplicate entry 'x'"]
      ),
      ("bad dtype", file(header: #"{"x":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#, data: [1]), ["unsupported dtype F8_E4M3"]),
      ("negative shape", file(header: #"{"x":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}"#, data: [1]), ["negative size"]),
      (
        "huge shape",
        file(header: #"{"x":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,1]}}"#, data: [1]),
        ["absurdly large"]
      ),
      ("offsets reversed", file(header: #"{"x":{"dtype":"U8","shape":[0],"data_offsets":[1,0]}}"#, data: [1]), ["begin ≤ end"]),
      ("metadata not string", file(header: #"{"__metadata__":{"a":1}}"#, data: []), ["not a string"]),
      (
        "u64 past int64", file(header: #"{"x":{"dtype":"U64","shape":[1],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0, 0, 0, 0, 0x80]),
        ["9223372036854775808", "beyond int64"]
      ),
      ("bad bool", file(header: #"{"x":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}"#, data: [2]), ["must be 0 or 1"]),
    ]
    for (label, bytes, fragments) in cases {
      do {
        _ = try Safetensors.decode(bytes, file: "ck.safetensors")
        XCTFail("\(label): accepted")
      } catch {
        let text = "\(error)"
        XCTAssertTrue(text.hasPrefix("ck.safetensors: "), "\(label): \(text)")
        for fragment in fragments { XCTAssertTrue(text.contains(fragment), "\(label): '\(text)' lacks '\(fragment)'") }
      }
    }
  }

  func testSaveRejectsBadInput() throws {
    let dir = try TestSupport.temporaryDirectory(self)
    let t = Tensor(scalar: 1)
    TestSupport.assertDataError(["duplicate tensor name 'a'"]) {
      try Safetensors.save(dir + "/x.safetensors", tensors: [("a", t), ("a", t)])
    }
    TestSupport.assertDataError(["invalid tensor name '__metadata__'"]) {
      try Safetensors.save(dir + "/x.safetensors", tensors: [("__metadata__", t)])
    }
    // (A uint8 tensor holding 300 can no longer exist: storage is one byte per element.)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "a failed save leaves nothing behind")
    TestSupport.assertDataError(["/no/such/dir/x.safetensors", "cannot create a temporary file"]) {
      try Safetensors.save("/no/such/dir/x.safetensors", tensors: [("a", t)])
    }
  }

  // MARK: Python interop

  /// python3 with safetensors and NumPy, or nil when they are truly unavailable.
  func python() throws -> String? {
    guard let python = TestSupport.which("python3") else { return nil }
    let probe = try TestSupport.run(python, ["-c", "import safetensors, numpy"])
    return probe.status == 0 ? python : nil
  }

  func testPythonReadsMNLFilesAndMNLReadsPythonFiles() throws {
    guard let python = try python() else {
      throw TestSupport.missingPrerequisite("python3 with safetensors and numpy is not available (pip install safetensors numpy)")
    }
    let dir = try TestSupport.temporaryDirectory(self)
    let ours = dir + "/mnl.safetensors"
    let theirs = dir + "/python.safetensors"
    try Safetensors.save(
      ours,
      tensors: [
        ("weight_1", try Tensor(shape: [2, 3], values: [1, -2, 0.5, 1e-20, -0.0, 3e30])),
        ("labels", try Tensor(shape: [3], values: [0, -5, 9], dtype: .int32)),
        ("pixels", try Tensor(shape: [2], values: [0, 255], dtype: .uint8)),
      ],
      metadata: ["step": "7"])
    let script = """
      import sys, numpy as np
      from safetensors import safe_open
      from safetensors.numpy import load_file, save_file
      t = load_file(sys.argv[1])
      assert t["weight_1"].dtype == np.float32 and t["weight_1"].shape == (2, 3), t["weight_1"]
      assert t["weight_1"].tolist() == np.array([1, -2, 0.5, 1e-20, -0.0, 3e30], dtype=np.float32).reshape(2, 3).tolist()
      assert t["labels"].dtype == np.int32 and t["labels"].tolist() == [0, -5, 9]
      assert t["pixels"].dtype == np.uint8 and t["pixels"].tolist() == [0, 255]
      with safe_open(sys.argv[1], framework="np") as f:
          assert f.metadata() == {"step": "7"}, f.metadata()
      save_file({"w": np.arange(12, dtype=np.float32).reshape(3, 4) / 7, "d": np.array([0.1, 2.0]),
                 "n": np.array([-3, 1 << 40], dtype=np.int64)}, sys.argv[2], metadata={"by": "python"})
      print("python ok")
      """
    let result = try TestSupport.run(python, ["-c", script, ours, theirs])
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(result.output.contains("python ok"), result.output)
    let loaded = try Safetensors.load(theirs)
    XCTAssertEqual(loaded.metadata, ["by": "python"])
    XCTAssertEqual(loaded["w"]?.shape, [3, 4])
    XCTAssertEqual(loaded["w"]?.values, (0..<12).map { Float($0) / 7 })
    XCTAssertEqual(loaded["d"]?.values, [Float(0.1), 2])
    // I64 stays int64, exactly (2^40 has no exact Float32).
    XCTAssertEqual(loaded["n"]?.dtype, .int64)
    XCTAssertEqual(loaded["n"]?.integerValues, [-3, 1 << 40])
  }
}
