import Glibc
import MNLData
import MNLDisplay
import MNLLanguage
import MNLTensor

extension REPL {
  /// `:predict FILE`: read the image, prepare it the MNIST way, show it, and classify it with
  /// the session's `predict(image)` (given the [28, 28] tensor; returning 10 probabilities or
  /// scores, or a digit) or else with the checkpoint scripts/train.mnl saved.
  func predict(_ path: String) {
    guard !path.isEmpty else {
      report(CommandError(":predict needs an image file, e.g. :predict test54.pgm"))
      return
    }
    do {
      let digit = try prepareDigit(try ImageFile.readGrey(try commandPath(path)))
      let picture = try TerminalImage.render(digit, capabilities: capabilities)
      if let display = interpreter.richDisplay {
        interpreter.output.flush()
        display.display(try RichForms.image(RasterImage(digit), plain: picture, scale: nil), id: nil)
      } else {
        write(picture)
      }
      let (scores, source) = try classify(digit)
      guard let probabilities = scores else { return }
      guard let best = BarChart.indexOfMaximum(probabilities) else {
        throw CommandError("the network's output has no finite value")
      }
      let out = "prediction: \(best)  (probability \(formatFixed(probabilities[best], decimals: 3)), \(source))\n"
      let chartWidth = min(capabilities.width, 60)
      var chartCapabilities = capabilities
      chartCapabilities.width = chartWidth
      let chart = BarChart(
        labels: (0..<probabilities.count).map(String.init), values: probabilities, highlight: best,
        scaleMaximum: 1)
      if let display = interpreter.richDisplay {
        write(out)
        display.display(RichForms.barChart(chart, plain: chart.render(capabilities: chartCapabilities)), id: nil)
      } else {
        write(out + chart.render(capabilities: chartCapabilities))
      }
    } catch {
      report(error)
    }
  }

  /// Probabilities for the digit and a description of where they came from; nil
  /// probabilities when `predict` returned a bare digit (already printed).
  private func classify(_ digit: Tensor) throws -> (probabilities: [Double]?, source: String) {
    if let function = interpreter.global("predict"), isCallable(function) {
      let result = try interpreter.call(function, [.tensor(digit)])
      switch result {
      case .int(let label):
        write("prediction: \(label)  (from predict(image))\n")
        return (nil, "")
      case .tensor(let t) where t.count >= 2:
        var values = t.values.map(Double.init)
        let sum = values.reduce(0, +)
        if values.contains(where: { $0 < 0 }) || abs(sum - 1) > 1e-3 {
          values = try softmax(t.reshaped(unchecked: [t.count])).values.map(Double.init)
          return (values, "softmax of predict(image)")
        }
        return (values, "from predict(image)")
      default:
        throw CommandError(
          "predict(image) returned \(result.typeName); expected a tensor of class probabilities or an int")
      }
    }
    let path = defaultCheckpointLocation()
    let predictor: NetworkPredictor
    if let cached = predictorCache, cached.path == path {
      predictor = cached
    } else {
      predictor = try NetworkPredictor(path: path)
      predictorCache = predictor
    }
    return (try predictor.probabilities(digit).map(Double.init), "\(predictor.description) from \(path)")
  }

  private func isCallable(_ value: Value) -> Bool {
    switch value {
    case .function, .builtin: return true
    default: return false
    }
  }
}

/// The whole of a text file (UTF-8), with a clear error naming it.
func readTextFile(_ path: String) throws -> String {
  String(decoding: try FileIO.readAll(path, limit: 1 << 28), as: UTF8.self)
}
