import MNLDistributed

extension Builtins {
  /// Data-parallel training over MPI (docs/training.md, "Data-parallel training"). Without
  /// `mpirun` the script is rank 0 of 1 and the collectives return their input.
  static let distributed: [BuiltinFunction] = [
    BuiltinFunction("mpi_rank", [], doc: "This process's rank in the MPI job (0 when not started by mpirun).") { _ in
      .int(try Communicator.world().rank)
    },
    BuiltinFunction("mpi_size", [], doc: "The number of processes in the MPI job (1 when not started by mpirun).") { _ in
      .int(try Communicator.world().size)
    },
    BuiltinFunction(
      "allreduce", [.init("tree"), .init("op", default: .string("mean"))],
      doc: "Combines a tensor or a tree of tensors and numbers across all ranks (op: \"mean\", \"sum\", \"max\", \"min\"); every rank gets the result. One fused buffer per call."
    ) { ctx in
      try TreeCollectives.allreduce(ctx[0], reduction: try ctx.string(1), world: try Communicator.world())
    },
    BuiltinFunction(
      "broadcast", [.init("tree"), .init("root", default: .int(0))],
      doc: "Rank `root`'s copy of a tensor or tree of tensors and numbers, on every rank (e.g. so all ranks start from rank 0's parameters)."
    ) { ctx in
      try TreeCollectives.broadcast(ctx[0], root: try ctx.int(1), world: try Communicator.world())
    },
    BuiltinFunction("barrier", [], doc: "Waits until every rank of the MPI job has reached it.") { _ in
      try Communicator.world().barrier()
      return .none
    },
  ]

}
