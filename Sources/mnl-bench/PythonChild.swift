import Foundation

/// A comparison measured by python3 in a child process (NumPy, TensorFlow): its exit status and
/// the last line it printed. Status 3 is the bench scripts' "library not installed".
struct PythonChild {
  var status: Int32
  var lastLine: String

  static let notInstalled: Int32 = 3

  /// Runs `python3 arguments…` with `environment` added to this process's environment; nil when
  /// python3 cannot be started.
  static func run(_ arguments: [String], environment extra: [String: String?] = [:]) -> PythonChild? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let line = String(decoding: output, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
    return PythonChild(status: process.terminationStatus, lastLine: line)
  }
}

/// The 1-, 5- and 15-minute load averages, for printing beside a figure measured on a shared machine.
func loadAverage() -> String {
  guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
  return text.split(separator: " ").prefix(3).joined(separator: " ")
}
