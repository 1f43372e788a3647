import MNLDisplay
import MNLTensor

extension Builtins {
  /// General charts: braille charts in the terminal, SVG figures in a notebook.
  static let plots: [BuiltinFunction] = [
    BuiltinFunction(
      "plot", plotParameters,
      doc: "Line plot: plot(ys) or plot(xs, ys); ys may be several series (a list of lists, or a 2-D tensor's columns); label:, title:, xlabel:, ylabel:, logx:, logy:."
    ) { ctx in
      try presentPlot(ctx, kind: .lines)
    },
    BuiltinFunction(
      "scatter", plotParameters,
      doc: "Scatter plot of points (xs, ys), one or several series; the same keywords as plot."
    ) { ctx in
      try presentPlot(ctx, kind: .points)
    },
    BuiltinFunction(
      "hist",
      [.init("values"), .init("bins", default: .int(20)), .init("range", default: Value.none),
       .init("title", default: .string("")), .init("xlabel", default: .string("")),
       .init("ylabel", default: .string("count"))],
      doc: "Histogram of values (a list or tensor of any shape) in `bins` equal bins over range [low, high] (the data's by default)."
    ) { ctx in
      let values = try flatNumbers(ctx, 0)
      let bins = try ctx.int(1)
      guard (1...1000).contains(bins) else { throw ScriptError("hist(): bins must be 1…1000, got \(bins)") }
      let nonFinite = values.filter { !$0.isFinite }.count
      guard nonFinite == 0 else {
        throw ScriptError("hist(): \(nonFinite) of the \(values.count) values are NaN or infinite",
                          note: "select the finite ones first, e.g. x[isfinite(x)]")
      }
      var range: (Double, Double)?
      if !ctx[2].isNone {
        let bounds = try numbers(ctx, 2)
        guard bounds.count == 2, bounds[0] < bounds[1], bounds.allSatisfy(\.isFinite) else {
          throw ScriptError("hist(): range must be [low, high] with low < high")
        }
        range = (bounds[0], bounds[1])
      }
      let histogram = Histogram(values, bins: bins, range: range)
      let plot = Plot(
        kind: .histogram(edges: histogram.edges, counts: histogram.counts),
        series: [ChartSeries(name: "count", xs: [], ys: [])],
        title: try ctx.string(3), xLabel: try ctx.string(4), yLabel: try ctx.string(5))
      try present(plot, ctx)
      return .none
    },
  ]

  static let plotParameters: [BuiltinParameter] = [
    .init("xs"), .init("ys", default: Value.none), .init("label", default: Value.none),
    .init("title", default: .string("")), .init("xlabel", default: .string("")), .init("ylabel", default: .string("")),
    .init("logx", default: .bool(false)), .init("logy", default: .bool(false)),
  ]

  private static func presentPlot(_ ctx: CallContext, kind: Plot.Kind) throws -> Value {
    let name = ctx.function.name
    // plot(ys): x is the index 0, 1, 2, …
    let xArgument = ctx[1].isNone ? nil : try seriesList(ctx[0], name: name, what: "xs")
    let ys = try seriesList(ctx[1].isNone ? ctx[0] : ctx[1], name: name, what: "ys")
    let xs: [[Double]]
    if let xArgument {
      guard xArgument.count == 1 || xArgument.count == ys.count else {
        throw ScriptError("\(name)(): \(xArgument.count) x series for \(ys.count) y series (give one shared xs, or one per series)")
      }
      xs = xArgument.count == 1 ? Array(repeating: xArgument[0], count: ys.count) : xArgument
    } else {
      xs = ys.map { $0.indices.map(Double.init) }
    }
    for (i, (x, y)) in zip(xs, ys).enumerated() where x.count != y.count {
      let which = ys.count == 1 ? "" : " (series \(i + 1))"
      throw ScriptError("\(name)(): \(x.count) x values but \(y.count) y values\(which)")
    }
    let labels = try seriesLabels(ctx[2], count: ys.count, name: name)
    let logX = try flag(ctx, 6)
    let logY = try flag(ctx, 7)
    for (axis, isLog, data) in [("x", logX, xs), ("y", logY, ys)] where isLog {
      for (s, series) in data.enumerated() {
        if let i = series.firstIndex(where: { $0.isFinite && $0 <= 0 }) {
          throw ScriptError(
            "\(name)(): log\(axis) needs positive values, but \(axis)[\(i)] = \(formatSignificant(series[i], digits: 6))"
              + (data.count > 1 ? " in series \(s + 1)" : ""))
        }
      }
    }
    var plot = Plot(
      kind: kind, series: zip(labels, zip(xs, ys)).map { ChartSeries(name: $0, xs: $1.0, ys: $1.1) },
      title: try ctx.string(3), xLabel: try ctx.string(4), yLabel: try ctx.string(5))
    plot.logX = logX
    plot.logY = logY
    try present(plot, ctx)
    return .none
  }

  private static func present(_ plot: Plot, _ ctx: CallContext) throws {
    try ctx.interpreter.present(
      terminal: { plot.renderTerminal(capabilities: capabilities(ctx)) },
      rich: { plain in RichForms.bundle(plain: plain, svg: plot.svg) })
  }

  private static func flag(_ ctx: CallContext, _ i: Int) throws -> Bool {
    if case .bool(let b) = ctx[i] { return b }
    throw ctx.typeError(i, expected: "true or false")
  }

  /// One series (numbers, a 1-D tensor) or several (a list of those, or a 2-D tensor's columns).
  private static func seriesList(_ value: Value, name: String, what: String) throws -> [[Double]] {
    let value = value.readingTracedValue
    if case .list(let list) = value {
      // A list holding lists or (non-scalar) tensors is several series; numbers make one.
      let isNested = list.items.contains { item in
        if case .list = item { return true }
        if let t = try? item.readingTracedValue.tensorArg()?.tensor { return t.count != 1 }
        return false
      }
      if isNested {
        return try list.items.enumerated().map { i, item in
          try series(item, name: name, what: "\(what)[\(i)]")
        }
      }
      guard !list.items.isEmpty else { throw ScriptError("\(name)(): \(what) is empty") }
      return [try series(value, name: name, what: what)]
    }
    guard let t = try value.tensorArg()?.tensor else {
      throw ScriptError("\(name)() expects \(what) to be numbers (a list or a tensor), got \(value.typeName)")
    }
    switch t.rank {
    case 0, 1: return [t.doubleValues]
    case 2:
      let columns = t.shape[1]
      let values = t.doubleValues
      return (0..<columns).map { c in stride(from: c, to: values.count, by: columns).map { values[$0] } }
    default:
      throw ScriptError("\(name)(): \(what) has shape \(formatShape(t.shape)); give 1-D series or a 2-D tensor (one series per column)")
    }
  }

  private static func series(_ value: Value, name: String, what: String) throws -> [Double] {
    let value = value.readingTracedValue
    if case .list(let list) = value {
      return try list.items.enumerated().map { i, item in
        let item = item.readingTracedValue
        if let d = item.asDouble { return d }
        if let t = try item.tensorArg()?.tensor, t.count == 1 { return t.doubleValues[0] }
        throw ScriptError("\(name)(): \(what)[\(i)] is \(item.typeName), not a number")
      }
    }
    guard let t = try value.tensorArg()?.tensor, t.rank <= 1 else {
      throw ScriptError("\(name)(): \(what) must be a list of numbers or a 1-D tensor, got \(value.typeName)")
    }
    return t.doubleValues
  }

  private static func seriesLabels(_ value: Value, count: Int, name: String) throws -> [String] {
    switch value {
    case .none: return count == 1 ? [""] : (1...count).map { "series \($0)" }
    case .string(let s) where count == 1: return [s]
    case .list(let l):
      guard l.items.count == count else {
        throw ScriptError("\(name)(): \(l.items.count) labels for \(count) series")
      }
      return l.items.map { if case .string(let s) = $0 { return s } else { return $0.display() } }
    default:
      throw ScriptError("\(name)(): label must be a string (one series) or a list of strings (one per series)")
    }
  }

  /// A list (nested or not) or a tensor of any shape, flattened.
  private static func flatNumbers(_ ctx: CallContext, _ i: Int) throws -> [Double] {
    if case .list = ctx[i] {
      return try seriesList(ctx[i], name: ctx.function.name, what: "values").flatMap { $0 }
    }
    return try ctx.tensor(i).doubleValues
  }
}
