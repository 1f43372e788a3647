/// The end-of-training pictures of scripts/train.mnl: training loss and validation accuracy
/// against the step, as terminal charts and as a two-panel SVG figure.
public struct TrainingCurves: Sendable {
  public var lossSteps: [Double]
  public var losses: [Double]
  public var accuracySteps: [Double]
  public var accuracies: [Double]
  public var title: String?

  public init(
    lossSteps: [Double], losses: [Double], accuracySteps: [Double], accuracies: [Double], title: String? = nil
  ) {
    self.lossSteps = lossSteps
    self.losses = losses
    self.accuracySteps = accuracySteps
    self.accuracies = accuracies
    self.title = title
  }

  /// Two terminal charts, one under the other (their scales differ too much to share one).
  public func renderTerminal(capabilities: TerminalCapabilities, height: Int = 10) -> String {
    var out = ""
    if !losses.isEmpty {
      out += LineChart(
        title: "training loss", series: [ChartSeries(name: "loss", xs: lossSteps, ys: losses)], height: height
      ).render(capabilities: capabilities)
    }
    if !accuracies.isEmpty {
      if !out.isEmpty { out += "\n" }
      out += LineChart(
        title: "validation accuracy", series: [ChartSeries(name: "accuracy", xs: accuracySteps, ys: accuracies)],
        height: height
      ).render(capabilities: capabilities)
    }
    return out
  }

  /// The two panels are the figures `plot` draws, side by side under one title.
  public var svg: SVGPlot {
    SVGPlot(title: title, panels: plots.flatMap { $0.svg.panels })
  }
}

extension TrainingCurves {
  /// The same curves as two general plots (what `plot` draws), one per panel.
  public var plots: [Plot] {
    var plots: [Plot] = []
    if !losses.isEmpty {
      plots.append(Plot(kind: .lines, series: [ChartSeries(name: "training loss", xs: lossSteps, ys: losses)],
                        title: "Training loss", xLabel: "step", yLabel: "loss"))
    }
    if !accuracies.isEmpty {
      plots.append(Plot(kind: .lines, series: [ChartSeries(name: "validation accuracy", xs: accuracySteps, ys: accuracies)],
                        title: "Validation accuracy", xLabel: "step", yLabel: "accuracy"))
    }
    return plots
  }
}
