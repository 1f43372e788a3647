/// Built-in functions, grouped by file (Builtins+Core.swift, Builtins+Math.swift, …).
///
/// To add built-ins, write a file with
///
///     extension Builtins {
///       static let tensors: [BuiltinFunction] = [
///         BuiltinFunction("zeros", [.init("shape"), .init("dtype", default: .string("float32"))],
///                         doc: "A tensor of zeros.") { ctx in
///           …ctx[0], try ctx.list(0), ctx.interpreter.call(f, [x]) …
///           return .tensor(t)
///         },
///       ]
///     }
///
/// and add the group to `standardGroups`. A later group may redefine a name (e.g. a tensor-aware
/// `exp` replacing the scalar one); it should then still accept scalars.
public enum Builtins {
  /// The built-ins that know nothing of tensors; tensor-aware versions delegate to these for plain values.
  static let coreGroups: [[BuiltinFunction]] = [core, conversions, math, lists, records, strings, system, errors]
  static let standardGroups: [[BuiltinFunction]] =
    coreGroups + [
      tensorCreation, tensorMath, tensorNN, tensorShape, autodiff, training, optimizers, convolution, data, files,
      display, plots, distributed, precision,
      tensorSorting, tensorScans, tensorArrays, tensorElements,
    ]
}

/// Extensions for values the core does not handle (tensors, autodiff variables): add yours here.
let standardValueExtensions: [any ValueExtension] = [TensorExtension()]
