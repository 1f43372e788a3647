import Synchronization

/// Packing buffers for one thread of one sgemm call. Buffers are 64-byte aligned, grow on
/// demand and are recycled through `GEMMWorkspacePool`, so steady-state calls (a training
/// loop) allocate nothing and never page-fault on fresh memory.
final class GEMMWorkspace: @unchecked Sendable {
  private(set) var packedA: UnsafeMutablePointer<Float>
  private(set) var packedB: UnsafeMutablePointer<Float>
  /// One 6×16 tile for edge tiles.
  let scratch: UnsafeMutablePointer<Float>
  private var capacityA: Int
  private var capacityB: Int

  init() {
    capacityA = 0
    capacityB = 0
    packedA = Self.allocate(0)
    packedB = Self.allocate(0)
    scratch = Self.allocate(GEMMBlocking.mr * GEMMBlocking.nr)
  }

  deinit {
    packedA.deallocate()
    packedB.deallocate()
    scratch.deallocate()
  }

  /// Makes room for `a` floats of packed A and `b` floats of packed B (contents not kept).
  func reserve(a: Int, b: Int) {
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
enum GEMMWorkspacePool {
  /// More than this many idle workspaces are dropped rather than kept.
  private static let keep = 4
  private static let idle = Mutex<[GEMMWorkspace]>([])

  static func take() -> GEMMWorkspace {
    idle.withLock { $0.popLast() } ?? GEMMWorkspace()
  }

  static func giveBack(_ workspace: GEMMWorkspace) {
    idle.withLock { list in
      if list.count < keep { list.append(workspace) }
    }
  }
}
