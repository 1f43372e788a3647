// swift-tools-version: 6.0
import PackageDescription

// Hot loops live in MNLKernels only. Without a target CPU, Swift emits no FMA
// (`addingProduct` becomes a libm call per lane), and debug builds of SIMD code
// are ~700x slower, so the kernel target is optimised even in debug builds.
// Bounds checks are off there (-Ounchecked): every kernel entry validates its sizes.
let kernelFlags: [SwiftSetting] = [
  .unsafeFlags(["-Ounchecked", "-target-cpu", "znver3"], .when(configuration: .release)),
  .unsafeFlags(["-O", "-target-cpu", "znver3"], .when(configuration: .debug)),
]

let package = Package(
  name: "mnl",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mnl", targets: ["mnl"]),
    .executable(name: "mnl-bench", targets: ["mnl-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
  ],
  targets: [
    // C shims: a prefetch intrinsic, and the system's zlib and GNU readline.
    .target(name: "CSupport"),
    .systemLibrary(name: "CZlib"),
    .systemLibrary(name: "CReadline"),

    // Raw-buffer numeric kernels: GEMM, elementwise, reductions. Know nothing of tensors.
    .target(name: "MNLKernels", dependencies: ["CSupport"], swiftSettings: kernelFlags),
    // The Tensor value type: shapes, broadcasting, creation, printing, ops over MNLKernels.
    .target(
      name: "MNLTensor",
      dependencies: ["MNLKernels", "CSupport", .product(name: "RealModule", package: "swift-numerics")]),
    // Reverse-mode automatic differentiation over MNLTensor ops.
    .target(name: "MNLAutodiff", dependencies: ["MNLTensor"]),
    // File formats and data sets: IDX(.gz), MNIST, safetensors, PGM/PNG.
    .target(name: "MNLData", dependencies: ["MNLKernels", "MNLTensor", "CZlib"]),
    // Terminal and SVG output: images, charts, progress bars.
    .target(name: "MNLDisplay", dependencies: ["MNLTensor"]),
    // The language: lexer, parser, resolver, interpreter, built-ins.
    .target(
      name: "MNLLanguage",
      dependencies: ["MNLTensor", "MNLAutodiff", "MNLData", "MNLDisplay"]),
    // The interactive REPL (GNU readline).
    .target(name: "MNLRepl", dependencies: ["MNLLanguage", "MNLDisplay", "CReadline"]),
    // The command-line tool.
    .executableTarget(
      name: "mnl",
      dependencies: [
        "MNLLanguage", "MNLRepl",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Benchmarks (release builds): kernels vs NumPy, interpreter loop, training steps.
    .executableTarget(
      name: "mnl-bench",
      dependencies: [
        "MNLKernels", "MNLTensor", "MNLLanguage",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    .testTarget(name: "MNLKernelsTests", dependencies: ["MNLKernels"], swiftSettings: kernelFlags),
    .testTarget(name: "MNLTensorTests", dependencies: ["MNLTensor"]),
    .testTarget(name: "MNLAutodiffTests", dependencies: ["MNLAutodiff", "MNLTensor"]),
    .testTarget(name: "MNLDataTests", dependencies: ["MNLData", "MNLTensor"]),
    .testTarget(name: "MNLDisplayTests", dependencies: ["MNLDisplay", "MNLTensor"]),
    .testTarget(name: "MNLLanguageTests", dependencies: ["MNLLanguage"]),
    .testTarget(name: "MNLReplTests", dependencies: ["MNLRepl", "MNLLanguage", "MNLData", "MNLTensor"]),
    // Runs every Tests/scripts/**/*.mnl through the built `mnl` binary.
    .testTarget(name: "GoldenTests", dependencies: ["mnl"]),
  ]
)
