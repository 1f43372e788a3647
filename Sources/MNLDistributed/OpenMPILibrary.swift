#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Open MPI, loaded with `dlopen` the first time a script launched by `mpirun` needs it.
///
/// Why at run time rather than linked: mnl must build and run where MPI is not installed (most
/// users never start it under `mpirun`), and a link-time dependency on libmpi would make every
/// `mnl` invocation need it. Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are the
/// addresses of exported global objects, so `dlsym` gives them too; MPICH spells handles as
/// integer constants, which this loader does not speak (it says so instead of guessing).
final class OpenMPILibrary: @unchecked Sendable {
  typealias Handle = UnsafeMutableRawPointer

  typealias InitThread = @convention(c) (
    UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?,
    Int32, UnsafeMutablePointer<Int32>
  ) -> Int32
  typealias CommInt = @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
  typealias Allreduce = @convention(c) (
    UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle
  ) -> Int32
  typealias Bcast = @convention(c) (UnsafeMutableRawPointer?, Int32, Handle, Int32, Handle) -> Int32
  typealias Barrier = @convention(c) (Handle) -> Int32
  typealias Abort = @convention(c) (Handle, Int32) -> Int32
  typealias Finalize = @convention(c) () -> Int32
  typealias SetErrhandler = @convention(c) (Handle, Handle) -> Int32
  typealias ErrorString = @convention(c) (Int32, UnsafeMutablePointer<CChar>, UnsafeMutablePointer<Int32>) -> Int32

  let initThread: InitThread
  let commRank: CommInt
  let commSize: CommInt
  let allreduce: Allreduce
  let bcast: Bcast
  let barrier: Barrier
  let abort: Abort
  let finalize: Finalize
  let setErrhandler: SetErrhandler
  let errorString: ErrorString

  let commWorld: Handle
  let errorsReturn: Handle
  let byte: Handle
  let float: Handle
  let double: Handle
  let int64: Handle
  let sum: Handle
  let max: Handle
  let min: Handle

  /// MPI_THREAD_SERIALIZED: the interpreter runs on its own (large-stack) thread, not the
  /// process's main thread, but only one thread calls MPI at a time.
  static let threadSerialized: Int32 = 2
  /// Open MPI's `#define MPI_IN_PLACE ((void *) 1)`.
  static var inPlace: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: 1) }

  /// Sonames tried in order: Open MPI 3–5 (Debian's libopenmpi3) all ship libmpi.so.40.
  static let sonames = ["libmpi.so.40", "libmpi.so"]

  init() throws {
    // RTLD_GLOBAL: Open MPI's plugins (mca components) resolve libmpi's symbols from the
    // global namespace.
    var opened: UnsafeMutableRawPointer?
    var reasons: [String] = []
    for name in Self.sonames {
      if let h = dlopen(name, RTLD_NOW | RTLD_GLOBAL) {
        opened = h
        break
      }
      reasons.append(dlerror().map { String(cString: $0) } ?? name)
    }
    guard let library = opened else {
      throw MPIError(
        "MPI is not available: cannot load Open MPI's libmpi (\(reasons.joined(separator: "; "))); "
          + "install it with `apt-get install openmpi-bin libopenmpi-dev`")
    }
    func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
      guard let address = dlsym(library, name) else {
        throw MPIError(
          "MPI is not available: the loaded libmpi has no '\(name)' (mnl speaks Open MPI's ABI; "
            + "MPICH and others are not supported)")
      }
      return address
    }
    func function<F>(_ name: String, as type: F.Type) throws -> F {
      unsafeBitCast(try symbol(name), to: type)
    }
    initThread = try function("MPI_Init_thread", as: InitThread.self)
    commRank = try function("MPI_Comm_rank", as: CommInt.self)
    commSize = try function("MPI_Comm_size", as: CommInt.self)
    allreduce = try function("MPI_Allreduce", as: Allreduce.self)
    bcast = try function("MPI_Bcast", as: Bcast.self)
    barrier = try function("MPI_Barrier", as: Barrier.self)
    abort = try function("MPI_Abort", as: Abort.self)
    finalize = try function("MPI_Finalize", as: Finalize.self)
    setErrhandler = try function("MPI_Comm_set_errhandler", as: SetErrhandler.self)
    errorString = try function("MPI_Error_string", as: ErrorString.self)
    commWorld = try symbol("ompi_mpi_comm_world")
    errorsReturn = try symbol("ompi_mpi_errors_return")
    byte = try symbol("ompi_mpi_byte")
    float = try symbol("ompi_mpi_float")
    double = try symbol("ompi_mpi_double")
    int64 = try symbol("ompi_mpi_int64_t")
    sum = try symbol("ompi_mpi_op_sum")
    max = try symbol("ompi_mpi_op_max")
    min = try symbol("ompi_mpi_op_min")
  }

  /// MPI's own words for an error code.
  func message(for code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    var length: Int32 = 0
    _ = errorString(code, &buffer, &length)
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return text.isEmpty ? "MPI error \(code)" : text
  }
}

/// An error from MPI, or from asking for it where it is not available.
public struct MPIError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}
