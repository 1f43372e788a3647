import Synchronization

/// Packing buffers for one thread of one sgemm call. Buffers are 64-byte aligned, grow on
/// demand and are recycled through `GEMMWorkspacePool`, so steady-state calls (a training
/// loop) allocate nothing and never page-fault on fresh memory.
public final class GEMMWorkspace: @unchecked Sendable {
  public private(set) var packedA: UnsafeMutablePointer<Float>
  public private(set) var packedB: UnsafeMutablePointer<Float>
  /// One micro-tile (of the widest target) for edge tiles.
  public let scratch: UnsafeMutablePointer<Float>
  private var capacityA: Int
  private var capacityB: Int

  public init() {
    capacityA = 0
    capacityB = 0
    packedA = Self.allocate(0)
    packedB = Self.allocate(0)
    scratch = Self.allocate(GEMMBlocking.widestMR * GEMMBlocking.widestNR)
  }

  deinit {
    packedA.deallocate()
    packedB.deallocate()
    scratch.deallocate()
  }

  /// Makes room for `a` floats of packed A and `b` floats of packed B (contents not kept).
  public func reserve(a: Int, b: Int) {
    if a > capacityA {
      packedA.deallocate()
      packedA = Self.allocate(a)
      capacityA = a
    }
    if b > capacityB {
      packedB.deallocate()
      packedB = Self.allocate(b)
      capacityB = b
    }
  }

  private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64
    ).bindMemory(to: Float.self, capacity: max(count, 1))
  }
}

/// A small free list of workspaces shared by all threads.
public enum GEMMWorkspacePool {
  /// More than this many idle workspaces are dropped rather than kept.
  private static let keep = 4
  private static let idle = Mutex<[GEMMWorkspace]>([])

  public static func take() -> GEMMWorkspace {
    idle.withLock { $0.popLast() } ?? GEMMWorkspace()
  }

  public static func giveBack(_ workspace: GEMMWorkspace) {
    idle.withLock { list in
      if list.count < keep { list.append(workspace) }
    }
  }
}
