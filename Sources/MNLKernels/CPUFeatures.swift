import CSupport
import MNLKernelsGeneric

/// What the CPU and the OS support, from cpuid and xgetbv (the way OpenBLAS's DYNAMIC_ARCH,
/// NumPy and oneDNN decide). An instruction set counts only if the OS also saves its registers
/// (XCR0), and only if every feature its kernels were compiled for (`-target-cpu haswell` or
/// `skylake-avx512` in Package.swift) is there.
enum CPUFeatures {
  /// The instruction sets this process can run, lowest first (always starts with baseline).
  static let supported: [KernelISA] = detect()

  /// AVX512_BF16 (`vdpbf16ps`, cpuid leaf 7 subleaf 1 eax bit 5) usable: the AVX-512 kernels
  /// are (so the OS saves zmm state) and the CPU has the instruction.
  static let hasAVX512BF16: Bool = {
    #if arch(x86_64)
      guard supported.contains(.avx512) else { return false }
      var regs: [UInt32] = [0, 0, 0, 0]
      guard mnl_cpuid(7, 0, &regs) != 0, regs[0] >= 1 else { return false }
      _ = mnl_cpuid(7, 1, &regs)
      return regs[0] & (1 << 5) != 0
    #else
      return false
    #endif
  }()

  /// AMX-BF16 and AMX-TILE in cpuid (leaf 7 edx bits 22, 24) — reported, not used (no AMX path).
  static let hasAMXBF16: Bool = {
    #if arch(x86_64)
      var regs: [UInt32] = [0, 0, 0, 0]
      guard mnl_cpuid(0, 0, &regs) != 0, regs[0] >= 7 else { return false }
      _ = mnl_cpuid(7, 0, &regs)
      return regs[3] & (1 << 22) != 0 && regs[3] & (1 << 24) != 0
    #else
      return false
    #endif
  }()

  private static func detect() -> [KernelISA] {
    #if arch(x86_64)
      var isas: [KernelISA] = [.baseline]
      var regs: [UInt32] = [0, 0, 0, 0]
      guard mnl_cpuid(0, 0, &regs) != 0, regs[0] >= 7 else { return isas }
      _ = mnl_cpuid(1, 0, &regs)
      let leaf1 = regs[2]
      _ = mnl_cpuid(7, 0, &regs)
      let leaf7 = regs[1]
      _ = mnl_cpuid(0x8000_0001, 0, &regs)
      let extended = regs[2]
      let xcr0 = mnl_xcr0()

      func has(_ word: UInt32, _ bits: Int...) -> Bool { bits.allSatisfy { word & (1 << $0) != 0 } }
      // SSE and AVX state (XCR0 bits 1, 2); AVX-512 adds opmask, upper zmm0–15, zmm16–31 (5–7).
      let osSavesYMM = xcr0 & 0b110 == 0b110
      let osSavesZMM = xcr0 & 0b1110_0110 == 0b1110_0110
      // haswell: FMA 12, MOVBE 22, POPCNT 23, OSXSAVE 27, AVX 28, F16C 29 (leaf 1 ecx);
      // BMI1 3, AVX2 5, BMI2 8 (leaf 7 ebx); LZCNT 5 (leaf 0x80000001 ecx).
      let haswell =
        osSavesYMM && has(leaf1, 12, 22, 23, 27, 28, 29) && has(leaf7, 3, 5, 8) && has(extended, 5)
      guard haswell else { return isas }
      isas.append(.avx2)
      // skylake-avx512 adds AVX512 F 16, DQ 17, CD 28, BW 30, VL 31 (leaf 7 ebx).
      if osSavesZMM && has(leaf7, 16, 17, 28, 30, 31) { isas.append(.avx512) }
      return isas
    #else
      return [.baseline]
    #endif
  }
}
