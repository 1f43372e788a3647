import Foundation
import Testing
@testable import MNLDisplay

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Collects element names and the text of tick labels by class.
final class SVGCollector: NSObject, XMLParserDelegate {
  var elements: [String: Int] = [:]
  var ticks: [String: [String]] = [:]
  private var currentClass: String?
  private var text = ""

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    elements[name, default: 0] += 1
    currentClass = attributes["class"]
    text = ""
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    if name == "text", let cls = currentClass { ticks[cls, default: []].append(text) }
    currentClass = nil
  }
}

@Suite struct SVGPlotTests {
  let steps = (0...150).map { Double($0 * 200) }

  func trainingFigure() -> SVGPlot {
    let losses = steps.map { 2.3 * exp(-$0 / 4000) + 0.05 }
    let accuracies = steps.map { 0.985 - 0.9 * exp(-$0 / 2000) }
    return SVGPlot(
      title: "MNIST 784-500-10 & <friends>",
      panels: [
        PlotPanel(title: "Training loss", xLabel: "step", yLabel: "loss",
                  series: [ChartSeries(name: "training loss", xs: steps, ys: losses)]),
        PlotPanel(title: "Validation accuracy", xLabel: "step", yLabel: "accuracy",
                  series: [ChartSeries(name: "averaged model", xs: steps, ys: accuracies)]),
      ])
  }

  func parse(_ svg: String) -> (ok: Bool, collector: SVGCollector) {
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = SVGCollector()
    parser.delegate = collector
    return (parser.parse(), collector)
  }

  @Test func wellFormedWithTicksLabelsAndLegend() {
    let svg = trainingFigure().render()
    let (ok, collector) = parse(svg)
    #expect(ok)
    #expect(collector.elements["svg"] == 1)
    #expect(collector.elements["polyline"] == 2)
    #expect(collector.elements["g", default: 0] >= 2)
    let xTicks = collector.ticks["xtick"] ?? []
    #expect(xTicks.filter { $0 == "30000" }.count == 2)  // both panels
    #expect(xTicks.prefix(7) == ["0", "5000", "10000", "15000", "20000", "25000", "30000"])
    let yTicks = collector.ticks["ytick"] ?? []
    #expect(yTicks.contains("2.5") && yTicks.contains("0.0"))
    #expect(yTicks.contains("1.0"))
    #expect(svg.contains("Validation accuracy") && svg.contains("averaged model"))
    #expect(svg.contains("&amp; &lt;friends&gt;"))
    #expect(svg.contains("rotate(-90"))
  }

  @Test func nonFiniteValuesSplitTheLine() {
    let plot = SVGPlot(panels: [
      PlotPanel(title: "t", xLabel: "x", yLabel: "y",
                series: [ChartSeries(name: "s", xs: [0, 1, 2, 3, 4], ys: [1, 2, .nan, 3, 4])])
    ])
    let (ok, collector) = parse(plot.render())
    #expect(ok)
    #expect(collector.elements["polyline"] == 2)
    #expect(!plot.render().contains("nan"))
  }

  @Test func writesAtomically() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mnl-svg-\(getpid())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer {
      if ProcessInfo.processInfo.environment["MNL_KEEP_TEST_OUTPUT"] == nil {
        try? FileManager.default.removeItem(atPath: dir)
      }
    }
    let path = dir + "/training.svg"
    try trainingFigure().write(to: path)
    let written = try String(contentsOfFile: path, encoding: .utf8)
    #expect(written == trainingFigure().render())
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["training.svg"])
    #expect(throws: DisplayError.self) { try trainingFigure().write(to: dir + "/missing/dir/x.svg") }
  }
}

@Suite struct TrainingCurvesTests {
  @Test func bothPicturesFromOneValue() {
    let curves = TrainingCurves(
      lossSteps: [0, 100, 200], losses: [2.3, 0.5, 0.2], accuracySteps: [0, 200], accuracies: [0.1, 0.9])
    let text = curves.renderTerminal(capabilities: .plain, height: 5)
    #expect(text.contains("training loss") && text.contains("validation accuracy"))
    #expect(lines(text).count == 2 * (1 + 5 + 2) + 1)
    #expect(curves.svg.panels.count == 2)
    let lossOnly = TrainingCurves(lossSteps: [0, 1], losses: [1, 0], accuracySteps: [], accuracies: [])
    #expect(lossOnly.svg.panels.count == 1)
    #expect(!lossOnly.renderTerminal(capabilities: .plain).contains("accuracy"))
  }
}
