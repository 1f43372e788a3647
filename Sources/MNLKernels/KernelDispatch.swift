import CSupport
import MNLKernelsGeneric

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
#if arch(x86_64)
  import MNLKernelsAVX2
  import MNLKernelsAVX512
#endif
import MNLKernelsBaseline

public typealias KernelISA = MNLKernelsGeneric.KernelISA
public typealias KernelTable = MNLKernelsGeneric.KernelTable

/// Chooses the kernels once per process: the best instruction set the CPU supports, or the
/// one `MNL_ISA=baseline|avx2|avx512` asks for. Everything here is built for the baseline, so
/// deciding never executes an instruction the CPU may lack.
public enum KernelDispatch {
  /// Instruction sets this CPU and OS can run, lowest first.
  public static var supported: [KernelISA] { CPUFeatures.supported }

  /// The table for `isa`, or nil when the CPU cannot run it. Tests and benchmarks use this to
  /// run a specific path; everything else uses `active`.
  public static func table(for isa: KernelISA) -> KernelTable? {
    guard supported.contains(isa) else { return nil }
    switch isa {
    case .baseline: return BaselineKernels.table
    #if arch(x86_64)
      case .avx2: return AVX2Kernels.table
      case .avx512: return AVX512Kernels.table
    #else
      case .avx2, .avx512: return nil
    #endif
    }
  }

  /// The path the environment asks for: MNL_ISA if set, else the best supported one.
  /// Fails with a message when MNL_ISA names no path or one this CPU lacks.
  public static let selection: Result<KernelISA, KernelConfigurationError> = select(
    requested: environment("MNL_ISA"))

  /// The kernels every public entry of this module uses. If MNL_ISA is invalid (executables
  /// report `configurationError` at start-up and stop) this falls back to the best path.
  public static let active: KernelTable = {
    let isa = (try? selection.get()) ?? supported.last!
    return table(for: isa)!
  }()

  /// Why MNL_ISA or MNL_THREADS cannot be honoured, if so: executables print it and exit.
  public static var configurationError: KernelConfigurationError? {
    if case .failure(let error) = selection { return error }
    if case .failure(let error) = Parallelism.selection { return error }
    return nil
  }

  /// "avx512 kernels (…), 2 threads, bf16 matmul path avx512_bf16" — for `mnl --version`
  /// and benchmark headers.
  public static var summary: String {
    "\(active.isa.rawValue) kernels (CPU supports \(supported.map(\.rawValue).joined(separator: ", "))), "
      + "\(Parallelism.threads) thread\(Parallelism.threads == 1 ? "" : "s"), \(BF16Dispatch.summary)"
  }

  static func select(requested: String?) -> Result<KernelISA, KernelConfigurationError> {
    guard let requested, !requested.isEmpty else { return .success(supported.last!) }
    guard let isa = KernelISA(rawValue: requested.lowercased()) else {
      return .failure(
        KernelConfigurationError(
          message: "MNL_ISA=\(requested) is not one of "
            + KernelISA.allCases.map(\.rawValue).joined(separator: ", ")))
    }
    guard supported.contains(isa) else {
      return .failure(
        KernelConfigurationError(
          message: "MNL_ISA=\(requested): this CPU cannot run the \(isa.rawValue) kernels "
            + "(it supports \(supported.map(\.rawValue).joined(separator: ", ")))"))
    }
    return .success(isa)
  }

  static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }
}

/// MNL_ISA or MNL_THREADS asks for something this machine cannot do.
public struct KernelConfigurationError: Error, CustomStringConvertible, Sendable {
  public let message: String
  public var description: String { message }
}

extension KernelTable {
  /// The process's chosen kernels (`KernelDispatch.active`).
  public static var active: KernelTable { KernelDispatch.active }
}
