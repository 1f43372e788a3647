// swift-tools-version: 6.0
import PackageDescription

// Hot loops live in the kernel targets only, built optimised even in debug builds (SIMD code
// is ~700x slower unoptimised) and without bounds checks (-Ounchecked): every public kernel
// entry validates its sizes.
//
// Runtime ISA dispatch (see MNLKernelsGeneric/KernelTable.swift): the kernels are written once,
// generic over the vector width and `@inlinable`, in MNLKernelsGeneric; each per-ISA target
// below specialises them with its own `-target-cpu` (an inlinable generic is compiled with the
// flags of the module that specialises it). Everything else — the dispatcher in MNLKernels
// that reads cpuid once, the threading, the whole interpreter — is built for the platform
// baseline, so the binary starts on any x86-64 CPU. `-target-cpu` names an x86 CPU, so the
// AVX targets only exist when building on x86-64; elsewhere the baseline target is the
// portable path.
func kernelFlags(targetCPU: String? = nil) -> [SwiftSetting] {
  let cpu = targetCPU.map { ["-target-cpu", $0] } ?? []
  return [
    .unsafeFlags(["-Ounchecked"] + cpu, .when(configuration: .release)),
    .unsafeFlags(["-O"] + cpu, .when(configuration: .debug)),
  ]
}

#if arch(x86_64)
  let isaKernelTargets: [Target] = [
    // AVX2 + FMA: Haswell's feature set (x86-64-v3, which -target-cpu does not accept by name).
    .target(
      name: "MNLKernelsAVX2", dependencies: ["MNLKernelsGeneric"],
      swiftSettings: kernelFlags(targetCPU: "haswell")),
    // AVX-512 F/CD/BW/DQ/VL: SIMD16<Float> is one zmm register, 32 of them.
    .target(
      name: "MNLKernelsAVX512", dependencies: ["MNLKernelsGeneric", "CBF16Kernels"],
      swiftSettings: kernelFlags(targetCPU: "skylake-avx512")),
    // The AVX512_BF16 micro-kernel (vdpbf16ps has no Swift spelling): the only code built with
    // these flags, called only after the runtime check (MNLKernels/BF16Dispatch.swift).
    .target(
      name: "CBF16Kernels",
      cSettings: [.unsafeFlags(["-O3", "-mavx512f", "-mavx512vl", "-mavx512bf16"])]),
  ]
  let isaKernelNames: [Target.Dependency] = ["MNLKernelsAVX2", "MNLKernelsAVX512"]
#else
  let isaKernelTargets: [Target] = []
  let isaKernelNames: [Target.Dependency] = []
#endif

let package = Package(
  name: "mnl",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mnl", targets: ["mnl"]),
    .executable(name: "mnl-bench", targets: ["mnl-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // HMAC-SHA256 signatures of Jupyter messages.
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
  ],
  targets: [
    // C shims: prefetch, cpuid/xgetbv, CPU affinity, malloc tuning; the system's zlib and GNU readline.
    .target(name: "CSupport"),
    .systemLibrary(name: "CZlib"),
    .systemLibrary(name: "CReadline"),
    .systemLibrary(name: "CZMQ"),

    // The process-wide Ctrl-C flag that kernels and the interpreter poll.
    .target(name: "MNLInterrupt"),
    // Raw-buffer numeric kernels (GEMM, elementwise, reductions, softmax), generic over the
    // vector width; specialised by the per-ISA targets. Know nothing of tensors.
    .target(
      name: "MNLKernelsGeneric", dependencies: ["CSupport", "MNLInterrupt"],
      swiftSettings: kernelFlags()),
    // The kernels every CPU runs: SSE2 on x86-64, NEON on aarch64.
    .target(
      name: "MNLKernelsBaseline", dependencies: ["MNLKernelsGeneric"], swiftSettings: kernelFlags()),
  ] + isaKernelTargets + [
    // The public kernel API: size checks, ISA choice at start-up, threading (baseline code).
    .target(
      name: "MNLKernels",
      dependencies: ["CSupport", "MNLInterrupt", "MNLKernelsGeneric", "MNLKernelsBaseline"]
        + isaKernelNames,
      swiftSettings: kernelFlags()),
    // The Tensor value type: shapes, broadcasting, creation, printing, ops over MNLKernels.
    .target(name: "MNLTensor", dependencies: ["MNLKernels"]),
    // Reverse-mode automatic differentiation over MNLTensor ops.
    .target(name: "MNLAutodiff", dependencies: ["MNLTensor"]),
    // File formats and data sets: IDX(.gz), MNIST, safetensors, PGM/PNG.
    .target(name: "MNLData", dependencies: ["MNLKernels", "MNLTensor", "CZlib"]),
    // Terminal and SVG output: images, charts, progress bars.
    .target(name: "MNLDisplay", dependencies: ["MNLTensor"]),
    // Data-parallel collectives over MPI (Open MPI, loaded at run time when mpirun started us).
    .target(name: "MNLDistributed"),
    // The language: lexer, parser, resolver, interpreter, built-ins.
    .target(
      name: "MNLLanguage",
      dependencies: ["MNLTensor", "MNLAutodiff", "MNLData", "MNLDisplay", "MNLInterrupt", "MNLDistributed"]),
    // The interactive REPL (GNU readline).
    .target(
      name: "MNLRepl", dependencies: ["MNLLanguage", "MNLDisplay", "CReadline", "MNLInterrupt"]),
    // The Jupyter kernel: messaging protocol 5.3 over ZeroMQ, kernelspec installation.
    .target(
      name: "MNLJupyter",
      dependencies: [
        "MNLRepl", "MNLLanguage", "MNLDisplay", "MNLData", "MNLInterrupt", "CZMQ",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // The command-line tool.
    .executableTarget(
      name: "mnl",
      dependencies: [
        "MNLLanguage", "MNLRepl", "MNLKernels", "MNLInterrupt", "MNLDistributed", "CSupport", "MNLData", "MNLJupyter",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Fuzz targets (language, file readers): run under libFuzzer by scripts/fuzz, and replayed
    // by MNLFuzzTargetsTests over every input that ever crashed them.
    .target(name: "MNLFuzzTargets", dependencies: ["MNLLanguage", "MNLData", "MNLTensor", "MNLInterrupt"]),
    // The libFuzzer entry point (built by scripts/fuzz with -sanitize=fuzzer), or a replay tool.
    .target(name: "CLibFuzzer"),
    .executableTarget(name: "mnl-fuzz", dependencies: ["MNLFuzzTargets", "CLibFuzzer"]),
    // Benchmarks (release builds): kernels vs NumPy, interpreter loop, training steps.
    .executableTarget(
      name: "mnl-bench",
      dependencies: [
        "MNLKernels", "MNLTensor", "MNLLanguage", "MNLData", "CSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    .testTarget(
      name: "MNLKernelsTests", dependencies: ["MNLKernels", "MNLKernelsGeneric", "MNLInterrupt", "CSupport"],
      swiftSettings: kernelFlags()),
    .testTarget(name: "MNLTensorTests", dependencies: ["MNLTensor"]),
    .testTarget(name: "MNLAutodiffTests", dependencies: ["MNLAutodiff", "MNLTensor"]),
    .testTarget(name: "MNLDataTests", dependencies: ["MNLData", "MNLTensor"]),
    .testTarget(name: "MNLDisplayTests", dependencies: ["MNLDisplay", "MNLTensor"]),
    .testTarget(name: "MNLLanguageTests", dependencies: ["MNLLanguage", "MNLInterrupt"]),
    .testTarget(name: "MNLReplTests", dependencies: ["MNLRepl", "MNLLanguage", "MNLData", "MNLTensor"]),
    .testTarget(name: "MNLJupyterTests", dependencies: ["MNLJupyter", "MNLRepl", "MNLDisplay", "MNLData"]),
    .testTarget(name: "MNLFuzzTargetsTests", dependencies: ["MNLFuzzTargets", "MNLTensor"]),
    // Runs every Tests/scripts/**/*.mnl through the built `mnl` binary.
    .testTarget(name: "GoldenTests", dependencies: ["mnl"]),
  ]
)
