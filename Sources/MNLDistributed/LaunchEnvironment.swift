#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the MPI launcher told this process through its environment, read without loading MPI:
/// a script run without `mpirun` is rank 0 of 1 and never touches the MPI library.
public enum LaunchEnvironment {
  /// Variables that Open MPI's `mpirun` (OMPI_*), PMIx launchers such as Slurm's `srun`
  /// (PMIX_*) and MPICH's Hydra (PMI_*) set in every rank they start.
  static let rankVariables = ["OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"]

  /// Whether an MPI launcher started this process.
  public static var launchedByMPI: Bool {
    rankVariables.contains { getenv($0) != nil }
  }

}
