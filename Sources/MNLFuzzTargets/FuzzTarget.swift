/// The fuzz targets of mnl. Each takes one input (arbitrary bytes) and must return normally
/// for every input: a Swift trap, a sanitizer report, a hang past the watchdog or memory past
/// the limits is a bug. The same functions run under libFuzzer (`scripts/fuzz`, the
/// `mnl-fuzz` executable built with `-sanitize=fuzzer`) and in the regression test that
/// replays every input the fuzzers ever crashed on (Tests/fuzz/corpus-regressions/<target>/).
public enum FuzzTarget: String, CaseIterable, Sendable {
  /// The input is mnl source: lexer, parser, resolver, compiler and evaluator.
  case language
  /// The first byte picks a file reader (IDX, gzip, PGM/PPM, PNG, safetensors, digit
  /// preprocessing); the rest is the file's bytes.
  case files

  /// Runs one input through the target.
  public func run(_ bytes: [UInt8]) {
    switch self {
    case .language: LanguageFuzzing.run(bytes)
    case .files: FileReaderFuzzing.run(bytes)
    }
  }

  /// Called once per process before the first input.
  public func prepare() {
    FuzzLimits.install()
    if self == .language { LanguageFuzzing.prepare() }
  }
}

extension FuzzTarget {
  /// The libFuzzer dictionary for the language target.
  public static func languageDictionary() -> String { LanguageFuzzing.dictionary() }
}
