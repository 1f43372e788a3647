import Foundation
import MNLTensor
import Testing

@testable import MNLDisplay

@Suite struct RichOutputTests {
  @Test func bundlesListTheRichestFormFirst() {
    var bundle = MimeBundle(plain: "x")
    bundle["text/html"] = "<b>x</b>"
    bundle["image/png"] = "AAAA"
    #expect(bundle.mimeTypes == ["image/png", "text/html", "text/plain"])
    bundle["text/plain"] = nil
    #expect(bundle.plain == "")  // text/plain never disappears
  }

  @Test func batchesBecomeImagesAndSingleImagesDoNot() throws {
    #expect(try RasterImage.batch(Tensor(shape: [28, 28], repeating: 0)) == nil)
    #expect(try RasterImage.batch(Tensor(shape: [1, 28, 28], repeating: 0)) == nil)
    #expect(try RasterImage.batch(Tensor(shape: [8, 8, 3], repeating: 0)) == nil)
    #expect(try RasterImage.batch(Tensor(shape: [5, 28, 28], repeating: 0))?.count == 5)
    #expect(try RasterImage.batch(Tensor(shape: [6, 784], repeating: 0))?.count == 6)
    #expect(try RasterImage.batch(Tensor(shape: [2, 4, 4, 3], repeating: 0))?.first?.channels == 3)
  }

  @Test func rgbTensorsKeepTheirColours() throws {
    let t = try Tensor(shape: [1, 2, 3], values: [1, 0, 0, 0, 0, 1])
    let image = try RasterImage(t)
    #expect(image.channels == 3)
    #expect(image.bytes == [255, 0, 0, 0, 0, 255])
    #expect(image.grey.pixels[0] == 0.299)
  }

  @Test func gridPlacesImagesWithGaps() {
    let white = RasterImage(width: 2, height: 2, channels: 1, pixels: [1, 1, 1, 1])
    let black = RasterImage(width: 2, height: 2, channels: 1, pixels: [0, 0, 0, 0])
    let grid = RasterImage.grid([white, black, white], gap: 1)
    // Three images: a 2×2 grid of 2-pixel cells with 1-pixel gaps all round.
    #expect(grid.width == 2 * 2 + 3)
    #expect(grid.height == 2 * 2 + 3)
    #expect(grid.pixels[1 * grid.width + 1] == 1)  // first image
    #expect(grid.pixels[1 * grid.width + 4] == 0)  // second image, right of the gap
    #expect(grid.pixels[0] == 0.5)  // the gap
    #expect(grid.pixels[4 * grid.width + 4] == 0.5)  // the empty fourth cell
  }

  @Test func scalingRepeatsPixels() {
    let image = RasterImage(width: 2, height: 1, channels: 1, pixels: [0, 1])
    let big = image.scaled(by: 3)
    #expect(big.width == 6 && big.height == 3)
    #expect(big.pixels[0..<6] == [0, 0, 0, 1, 1, 1])
    #expect(RasterImage(width: 28, height: 28, channels: 1, pixels: Array(repeating: 0, count: 784)).automaticScale() == 7)
  }

  @Test func histogramMatchesNumPysBinning() {
    // numpy.histogram([0, 1, 1, 2, 3, 4], bins=4) → counts [1, 2, 1, 2], edges 0, 1, 2, 3, 4.
    let h = Histogram([0, 1, 1, 2, 3, 4], bins: 4)
    #expect(h.edges == [0, 1, 2, 3, 4])
    #expect(h.counts == [1, 2, 1, 2])
    // Values outside an explicit range are not counted; a constant sample gets a unit range.
    #expect(Histogram([-5, 0.5, 9], bins: 2, range: (0, 1)).counts == [0, 1])
    #expect(Histogram([3, 3], bins: 1).edges == [2.5, 3.5])
    // A range wider than the largest Double: counted, not a trap.
    let wide = Histogram([-1e308, 0, 1e308], bins: 2)
    #expect(wide.counts == [1, 2])
    #expect(wide.edges == [-1e308, 0, 1e308])
  }

  @Test func histogramSVGHasOneBarPerBin() {
    let h = Histogram([1, 2, 2, 3, 3, 3], bins: 3)
    let plot = Plot(kind: .histogram(edges: h.edges, counts: h.counts), series: [], title: "h")
    let svg = plot.svg.render()
    let bars = svg.components(separatedBy: "fill-opacity=\"0.75\"").count - 1
    #expect(bars == 3)
    let terminal = plot.renderTerminal(capabilities: .plain)
    #expect(terminal.contains("[1, 1.67)"))
    #expect(terminal.contains("[2.33, 3]"))
  }

  @Test func logAxesTickAtPowersOfTen() {
    var plot = Plot(kind: .lines, series: [ChartSeries(name: "loss", xs: [1, 2, 3], ys: [0.01, 0.5, 20])])
    plot.logY = true
    let svg = plot.svg.render()
    for label in ["0.01", "0.1", "1", "10", "100"] {
      #expect(svg.contains(">\(label)</text>"), "missing tick \(label)")
    }
    let text = plot.renderTerminal(capabilities: .plain)
    #expect(text.contains("20"))  // the top label is the value, not its log
    #expect(text.contains("0.01"))
  }

  @Test func scatterDrawsPointsNotLines() {
    let series = [ChartSeries(name: "p", xs: [0, 1, 2], ys: [0, 1, 0])]
    let svg = Plot(kind: .points, series: series).svg.render()
    #expect(svg.components(separatedBy: "<circle").count - 1 == 3)
    #expect(!svg.contains("<polyline"))
  }

  @Test func tensorHTMLShowsTheSummary() throws {
    let t = try Tensor(shape: [2, 2], values: [1, 2, 3, 6])
    let html = TensorHTML.render(t, text: "[[1, 2], [3, 6]]")
    #expect(html.contains("<td style=\"padding:2px 10px;font-family:monospace\">3</td>"))  // mean
    #expect(html.contains("[2, 2]"))
    #expect(html.contains("&lt;") == false)
  }

  @Test func parameterTreeHTMLHasARowPerTensorAndATotal() {
    let tree = ParameterTree.branch([
      ("w", .tensor(shape: [784, 500], dtype: .float32)), ("b", .tensor(shape: [500], dtype: .float32)),
    ])
    let html = ParameterTreeHTML.render(tree, title: "record")
    #expect(html.components(separatedBy: "<tr>").count - 1 == 4)  // header, 2 tensors, total
    #expect(html.contains("392,500"))
  }
}
