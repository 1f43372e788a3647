import Synchronization

/// The job's processes (MPI_COMM_WORLD) and the collectives mnl uses, over raw buffers: this
/// module knows nothing of tensors or the interpreter. Without an MPI launcher the job is this
/// one process — rank 0 of 1 — and every collective is the identity, so a data-parallel
/// script also runs as a plain `mnl script.mnl`.
public final class Communicator: @unchecked Sendable {
  public enum Reduction: String, CaseIterable, Sendable { case sum, max, min }
  public enum Element: Sendable {
    case float32, float64, int64
    var byteWidth: Int { self == .float32 ? 4 : 8 }
  }

  public let rank: Int
  public let size: Int
  /// nil for the one-process job that no launcher started.
  let library: OpenMPILibrary?

  private init(rank: Int, size: Int, library: OpenMPILibrary?) {
    self.rank = rank
    self.size = size
    self.library = library
  }

  private enum State {
    case notStarted
    case running(Communicator)
    case finished
  }
  private static let state = Mutex<State>(.notStarted)

  /// The job's communicator, starting MPI on first use when a launcher started this process.
  public static func world() throws -> Communicator {
    try state.withLock { state in
      switch state {
      case .running(let world): return world
      case .finished: throw MPIError("MPI has already been shut down in this process")
      case .notStarted:
        let world = try start()
        state = .running(world)
        return world
      }
    }
  }

  private static func start() throws -> Communicator {
    guard LaunchEnvironment.launchedByMPI else { return Communicator(rank: 0, size: 1, library: nil) }
    let mpi = try OpenMPILibrary()
    var provided: Int32 = 0
    try check(mpi, mpi.initThread(nil, nil, OpenMPILibrary.threadSerialized, &provided), "MPI_Init_thread")
    guard provided >= OpenMPILibrary.threadSerialized else {
      _ = mpi.abort(mpi.commWorld, 1)
      throw MPIError("this MPI library cannot be called from the interpreter's thread (MPI_THREAD_SERIALIZED)")
    }
    // Errors come back as codes that become mnl errors, instead of aborting inside MPI.
    try check(mpi, mpi.setErrhandler(mpi.commWorld, mpi.errorsReturn), "MPI_Comm_set_errhandler")
    var rank: Int32 = 0
    var size: Int32 = 0
    try check(mpi, mpi.commRank(mpi.commWorld, &rank), "MPI_Comm_rank")
    try check(mpi, mpi.commSize(mpi.commWorld, &size), "MPI_Comm_size")
    return Communicator(rank: Int(rank), size: Int(size), library: mpi)
  }

  private static func check(_ mpi: OpenMPILibrary, _ code: Int32, _ call: String) throws {
    if code != 0 { throw MPIError("\(call) failed: \(mpi.message(for: code))") }
  }

  /// Combines `count` elements across all ranks in place: every rank ends with the result.
  public func allreduce(
    _ buffer: UnsafeMutableRawPointer, count: Int, element: Element, reduction: Reduction
  ) throws {
    guard let mpi = library, count > 0 else { return }
    let type: OpenMPILibrary.Handle
    switch element {
    case .float32: type = mpi.float
    case .float64: type = mpi.double
    case .int64: type = mpi.int64
    }
    let op: OpenMPILibrary.Handle
    switch reduction {
    case .sum: op = mpi.sum
    case .max: op = mpi.max
    case .min: op = mpi.min
    }
    // MPI counts are C ints: larger buffers go in chunks.
    var done = 0
    while done < count {
      let n = Swift.min(count - done, Int(Int32.max))
      let chunk = buffer + done * element.byteWidth
      try Self.check(
        mpi, mpi.allreduce(OpenMPILibrary.inPlace, chunk, Int32(n), type, op, mpi.commWorld), "MPI_Allreduce")
      done += n
    }
  }

  /// Copies `byteCount` bytes from rank `root`'s buffer into every other rank's.
  public func broadcast(_ buffer: UnsafeMutableRawPointer, byteCount: Int, root: Int) throws {
    guard root >= 0, root < size else {
      throw MPIError("root \(root) is not a rank of this job (ranks 0..<\(size))")
    }
    guard let mpi = library, byteCount > 0 else { return }
    var done = 0
    while done < byteCount {
      let n = Swift.min(byteCount - done, Int(Int32.max))
      try Self.check(mpi, mpi.bcast(buffer + done, Int32(n), mpi.byte, Int32(root), mpi.commWorld), "MPI_Bcast")
      done += n
    }
  }

  /// Waits until every rank has called it.
  public func barrier() throws {
    guard let mpi = library else { return }
    try Self.check(mpi, mpi.barrier(mpi.commWorld), "MPI_Barrier")
  }

  /// Ends MPI at process exit if a script started it: MPI_Finalize after success; after a
  /// failure MPI_Abort, which makes the launcher end every rank — the others would otherwise
  /// wait for this one in their next collective forever.
  public static func finish(status: Int32) {
    let world: Communicator? = state.withLock { state in
      defer { state = .finished }
      if case .running(let world) = state { return world }
      return nil
    }
    guard let mpi = world?.library else { return }
    if status == 0 {
      _ = mpi.finalize()
    } else {
      _ = mpi.abort(mpi.commWorld, status)
    }
  }
}
