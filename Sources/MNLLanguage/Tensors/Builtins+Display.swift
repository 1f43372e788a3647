import MNLData
import MNLDisplay
import MNLTensor

extension Builtins {
  /// Pictures in the terminal (and SVG files): images, charts, progress bars.
  static let display: [BuiltinFunction] = [
    BuiltinFunction(
      "show", [.init("image"), .init("scale", default: Value.none), .init("columns", default: Value.none)],
      doc: "Draws an image (a 2-D tensor such as a 28×28 digit, or [h, w, 3] RGB) or a grid of them (a list, or a batch [n, h, w] / [n, 784]): half blocks in the terminal, PNG in a notebook (scale: pixel size, columns: grid width)."
    ) { ctx in
      let scale = ctx[1].isNone ? nil : try ctx.int(1)
      let columns = ctx[2].isNone ? nil : try ctx.int(2)
      if let scale, !(1...32).contains(scale) { throw ScriptError("show(): scale must be 1…32, got \(scale)") }
      if let columns, columns < 1 { throw ScriptError("show(): columns must be at least 1, got \(columns)") }
      let image = try showImage(ctx, columns: columns)
      try ctx.interpreter.present(
        terminal: { TerminalImage.render(image.grey, capabilities: capabilities(ctx)) },
        rich: { plain in try RichForms.image(image, plain: plain, scale: scale) })
      return .none
    },
    BuiltinFunction(
      "bar_chart", [.init("labels"), .init("values")],
      doc: "Prints a horizontal bar chart of values, the largest highlighted."
    ) { ctx in
      let labels = try ctx.list(0).items.map { $0.display() }
      let values = try numbers(ctx, 1)
      guard labels.count == values.count else { throw ScriptError("bar_chart(): \(labels.count) labels but \(values.count) values") }
      let chart = BarChart(labels: labels, values: values, highlight: BarChart.indexOfMaximum(values))
      try ctx.interpreter.present(
        terminal: { chart.render(capabilities: capabilities(ctx)) },
        rich: { plain in RichForms.barChart(chart, plain: plain) })
      return .none
    },
    BuiltinFunction(
      "plot_training", [.init("loss_steps"), .init("losses"), .init("accuracy_steps"), .init("accuracies"),
                        .init("svg", default: Value.none), .init("title", default: Value.none)],
      doc: "Charts training loss and validation accuracy against the step in the terminal, and as an SVG file if svg is a path."
    ) { ctx in
      let curves = TrainingCurves(
        lossSteps: try numbers(ctx, 0), losses: try numbers(ctx, 1), accuracySteps: try numbers(ctx, 2),
        accuracies: try numbers(ctx, 3), title: ctx[5].isNone ? nil : try ctx.string(5))
      guard curves.lossSteps.count == curves.losses.count, curves.accuracySteps.count == curves.accuracies.count else {
        throw ScriptError("plot_training(): each list of steps must be as long as its list of values")
      }
      try ctx.interpreter.present(
        terminal: { curves.renderTerminal(capabilities: capabilities(ctx)) },
        rich: { plain in RichForms.bundle(plain: plain, svg: curves.svg) })
      if !ctx[4].isNone {
        let path = try ctx.string(4)
        try createParentDirectory(of: path)
        try AtomicFile.write(Array(curves.svg.render().utf8), to: path)
      }
      return .none
    },
    BuiltinFunction(
      "progress_bar", [.init("total"), .init("label", default: .string("")), .init("every", default: .int(100))],
      doc: "A progress bar: bar.update(step, {loss: x}) redraws it in place on a terminal (a log line every `every` steps otherwise); bar.finish()."
    ) { ctx in
      let sink = ctx.interpreter.output
      if let display = ctx.interpreter.richDisplay {
        // A notebook: one output, redrawn in place under its display id (tqdm's notebook mode).
        let id = ctx.interpreter.newDisplayID()
        let shown = SendableBox(Flag())
        let bar = ProgressBar(
          total: try ctx.int(0), label: try ctx.string(1),
          capabilities: TerminalCapabilities(isTerminal: true, colorMode: .none, width: 100), logEvery: try ctx.int(2),
          redrawInterval: 0.25,
          output: { text in
            let line = text.filter { $0 != "\r" && $0 != "\n" }
            let bundle = MimeBundle(plain: line)
            if shown.value.isSet {
              display.update(bundle, id: id)
            } else {
              sink.flush()
              display.display(bundle, id: id)
              shown.value.isSet = true
            }
          })
        return .object(ProgressObject(bar))
      }
      let bar = ProgressBar(
        total: try ctx.int(0), label: try ctx.string(1), capabilities: capabilities(ctx), logEvery: try ctx.int(2),
        output: { sink.write($0); sink.flush() })
      return .object(ProgressObject(bar))
    },
  ]

  /// `show`'s argument as one picture: an image, or a grid of a list's or a batch's images.
  static func showImage(_ ctx: CallContext, columns: Int?) throws -> RasterImage {
    if case .list(let list) = ctx[0].readingTracedValue {
      guard !list.items.isEmpty else { throw ScriptError("show(): the list of images is empty") }
      guard list.items.count <= 1024 else {
        throw ScriptError("show(): \(list.items.count) images are too many for one grid (at most 1024)")
      }
      let images = try list.items.enumerated().map { i, item in
        guard let t = try item.readingTracedValue.tensorArg()?.tensor else {
          throw ScriptError("show(): item \(i) of the list is \(item.typeName), not an image tensor")
        }
        do { return try RasterImage(t) } catch let e as DisplayError { throw ScriptError("show(): item \(i): \(e.message)") }
      }
      return RasterImage.grid(images, columns: columns)
    }
    let t = try ctx.tensor(0)
    do {
      if let batch = try RasterImage.batch(t) { return RasterImage.grid(batch, columns: columns) }
      return try RasterImage(t)
    } catch let e as DisplayError {
      throw ScriptError(e.message)
    }
  }

  /// The terminal's abilities when printing to the real stdout; plain text for any other sink.
  static func capabilities(_ ctx: CallContext) -> TerminalCapabilities {
    ctx.interpreter.output === OutputSink.standardOutput ? Terminal.capabilities() : .plain
  }

  /// A list of numbers or a 1-D tensor as Doubles.
  static func numbers(_ ctx: CallContext, _ i: Int) throws -> [Double] {
    if case .list(let l) = ctx[i] {
      return try l.items.map { v in
        if let d = v.asDouble { return d }
        if let t = try v.tensorArg()?.tensor, t.count == 1 { return t.doubleValues[0] }
        throw ScriptError("\(ctx.function.name)() expects numbers, found \(v.typeName)")
      }
    }
    return try ctx.tensor(i).doubleValues
  }
}

/// A progress bar as a script object with `update(step, fields)` and `finish()` methods.
final class ProgressObject: MNLObject {
  let bar: ProgressBar
  init(_ bar: ProgressBar) { self.bar = bar }
  var typeName: String { "progress_bar" }
  var fieldNames: [String] { ["update", "finish", "total"] }

  func field(_ name: String) throws -> Value? {
    let bar = SendableBox(bar)
    switch name {
    case "total": return .int(self.bar.total)
    case "update":
      return .builtin(
        BuiltinFunction("update", [.init("step"), .init("fields", default: Value.none)], doc: "Reports progress.") { ctx in
          var fields: [(String, String)] = []
          if case .record(let r) = ctx[1] {
            fields = r.fields.map { k, v in (k, formatField(v)) }
          }
          bar.value.update(step: try ctx.int(0), fields: fields)
          return .none
        })
    case "finish":
      return .builtin(BuiltinFunction("finish", doc: "Ends the progress line.") { _ in
        bar.value.finish()
        return .none
      })
    default: return nil
    }
  }
}

/// Numbers in progress lines: 4 significant decimals for floats, as they are otherwise.
private func formatField(_ v: Value) -> String {
  switch v {
  case .float(let d): return formatSignificant(d, digits: 4)
  case .tensor(let t) where t.count == 1:
    // Integer and bool tensors print exactly (55000, true), floats with 4 significant digits.
    return t.dtype == .float32
      ? formatSignificant(Double(t.scalarValue ?? 0), digits: 4) : t.reshaped(unchecked: []).description
  case .string(let s): return s
  default: return v.display()
  }
}

/// Lets a reference be captured by a `@Sendable` built-in body; the interpreter is single-threaded.
struct SendableBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// A mutable flag a `@Sendable` closure can set (the interpreter is single-threaded).
final class Flag {
  var isSet = false
}
