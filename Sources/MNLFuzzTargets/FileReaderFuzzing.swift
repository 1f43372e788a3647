import Foundation
import MNLData
import MNLLanguage
import MNLTensor

/// One input = a reader choice (first byte, modulo the number of readers) + a file's bytes.
/// The decoders run on bytes in memory; the last readers go through the mnl built-ins on a
/// real temporary file, so the glue (file reading, record building from tensor names, the
/// error messages naming the file) is fuzzed as users reach it.
enum FileReaderFuzzing {
  enum Reader: UInt8, CaseIterable {
    case idx, gzip, pgm, png, safetensors, digitImage, loadBuiltins, imageBuiltins
  }

  static func run(_ input: [UInt8]) {
    guard let first = input.first else { return }
    let reader = Reader.allCases[Int(first) % Reader.allCases.count]
    let bytes = Array(input.dropFirst())
    FuzzLimits.withBudget {
      switch reader {
      case .idx:
        var raw = bytes
        if Gzip.isGzip(raw) { raw = (try? Gzip.decompress(raw)) ?? [] }
        if let array = try? IDX.read(raw) { _ = try? array.tensor() }
      case .gzip:
        _ = try? Gzip.decompress(bytes)
      case .pgm:
        if let image = try? PGM.decode(bytes) { roundTrip(image) }
      case .png:
        _ = try? PNG.decode(bytes)
      case .safetensors:
        if let contents = try? Safetensors.decode(bytes) {
          for (_, tensor) in contents.tensors { _ = tensor.description }
          _ = try? Safetensors.encode(tensors: contents.tensors, metadata: contents.metadata)
        }
      case .digitImage:
        let image = PNG.isPNG(bytes) ? try? PNG.decode(bytes) : try? PGM.decode(bytes)
        if let image { _ = try? DigitPreprocessing.prepare(image) }
      case .loadBuiltins:
        runBuiltins(on: bytes, "m = load(path)\nprint(m)\nprint(load_metadata(path))")
      case .imageBuiltins:
        runBuiltins(on: bytes, "print(load_idx(path))\nimage = load_image(path)\nprint(prepare_digit(image))")
      }
    }
  }

  /// Writing a PGM back and reading it again must give the same shape.
  static func roundTrip(_ image: Tensor) {
    guard image.rank == 2, let encoded = try? PGM.encode(image), let back = try? PGM.decode(encoded) else { return }
    precondition(back.shape == image.shape, "PGM round trip changed the shape \(image.shape) to \(back.shape)")
  }

  static let temporaryPath = NSTemporaryDirectory() + "mnl-fuzz-\(getpid()).bin"

  /// Each statement of `program` runs on its own, so one that fails does not hide the next.
  static func runBuiltins(on bytes: [UInt8], _ program: String) {
    guard FileManager.default.createFile(atPath: temporaryPath, contents: Data(bytes)) else { return }
    defer { try? FileManager.default.removeItem(atPath: temporaryPath) }
    let interpreter = Interpreter(output: OutputSink { _ in })
    interpreter.setGlobal("path", .string(temporaryPath))
    for line in program.split(separator: "\n") {
      do { _ = try interpreter.evaluateCell(source: String(line), name: "fuzz") } catch let d as Diagnostic {
        _ = d.rendered
      } catch {}
    }
  }
}
