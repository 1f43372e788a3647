import Foundation
import MNLData
import MNLDisplay

/// The kernelspec that lets Jupyter find mnl: a directory `mnl` holding kernel.json (how to
/// start the kernel) and the logos front ends show.
public enum KernelSpec {
  public enum Location: Equatable, Sendable {
    /// ~/.local/share/jupyter/kernels (Linux) or ~/Library/Jupyter/kernels (macOS).
    case user
    /// PREFIX/share/jupyter/kernels, e.g. a virtual environment's prefix.
    case prefix(String)
    /// /usr/local/share/jupyter/kernels, for every user (needs root).
    case system
  }

  public static func kernelsDirectory(_ location: Location, environment: [String: String]) throws -> String {
    switch location {
    case .user:
      if let dataDir = environment["JUPYTER_DATA_DIR"], !dataDir.isEmpty { return dataDir + "/kernels" }
      guard let home = environment["HOME"], !home.isEmpty else {
        throw KernelError("HOME is not set: cannot find the user's Jupyter directory (use --prefix DIR)")
      }
      #if os(macOS)
        return home + "/Library/Jupyter/kernels"
      #else
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share"
        return dataHome + "/jupyter/kernels"
      #endif
    case .prefix(let prefix):
      return prefix + "/share/jupyter/kernels"
    case .system:
      return "/usr/local/share/jupyter/kernels"
    }
  }

  /// kernel.json: Jupyter substitutes {connection_file}; SIGINT interrupts a running cell.
  public static func kernelJSON(executable: String) throws -> [UInt8] {
    let spec: [String: Any] = [
      "argv": [executable, "kernel", "-f", "{connection_file}"],
      "display_name": "mnl",
      "language": "mnl",
      "interrupt_mode": "signal",
      "metadata": ["debugger": false],
    ]
    return Array(try JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) + [0x0A]
  }

  /// Writes the kernelspec; returns its directory.
  @discardableResult
  public static func install(at location: Location, executable: String, environment: [String: String]) throws -> String {
    let directory = try kernelsDirectory(location, environment: environment) + "/mnl"
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw KernelError("cannot create \(directory): \(error.localizedDescription)")
    }
    try AtomicFile.write(try kernelJSON(executable: executable), to: directory + "/kernel.json")
    for size in [32, 64] {
      let logo = Logo.image(size: size)
      try AtomicFile.write(
        try PNGEncoder.encode(width: logo.width, height: logo.height, kind: .rgb, pixels: logo.bytes),
        to: directory + "/logo-\(size)x\(size).png")
    }
    return directory
  }
}

/// mnl's logo, drawn rather than stored: a small fully connected network (3-4-2 nodes) in
/// white on blue.
enum Logo {
  static func image(size: Int) -> RasterImage {
    let background = (0.12, 0.31, 0.55)
    let edge = (0.55, 0.70, 0.88)
    var pixels = [Double](repeating: 0, count: size * size * 3)
    func set(_ x: Int, _ y: Int, _ c: (Double, Double, Double)) {
      guard x >= 0, y >= 0, x < size, y < size else { return }
      let i = (y * size + x) * 3
      pixels[i] = c.0
      pixels[i + 1] = c.1
      pixels[i + 2] = c.2
    }
    for y in 0..<size { for x in 0..<size { set(x, y, background) } }
    let s = Double(size)
    let layers: [[(Double, Double)]] = [[0.25, 0.5, 0.75], [0.17, 0.39, 0.61, 0.83], [0.35, 0.65]].enumerated().map {
      layer, ys in ys.map { (0.2 + 0.3 * Double(layer), $0) }
    }
    for (a, b) in zip(layers, layers.dropFirst()) {
      for p in a {
        for q in b {
          let steps = size * 2
          for t in 0...steps {
            let f = Double(t) / Double(steps)
            set(Int((p.0 + (q.0 - p.0) * f) * s), Int((p.1 + (q.1 - p.1) * f) * s), edge)
          }
        }
      }
    }
    let radius = max(s * 0.06, 1.5)
    for layer in layers {
      for (cx, cy) in layer {
        for y in 0..<size {
          for x in 0..<size where hypot(Double(x) + 0.5 - cx * s, Double(y) + 0.5 - cy * s) <= radius {
            set(x, y, (1, 1, 1))
          }
        }
      }
    }
    return RasterImage(width: size, height: size, channels: 3, pixels: pixels)
  }
}
