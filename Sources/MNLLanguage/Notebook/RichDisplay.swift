import Foundation
import MNLData
import MNLDisplay

/// Where `show`, the plots and progress bars send their outputs when a notebook (the kernel,
/// `mnl notebook`) runs the code. Without one, they write their terminal form to the output.
public protocol RichDisplay: AnyObject {
  /// A new output. `id` names it for later updates (a progress bar), nil otherwise.
  func display(_ bundle: MimeBundle, id: String?)
  /// Replaces the output shown earlier under `id`.
  func update(_ bundle: MimeBundle, id: String)
}

extension Interpreter {
  /// The one display path: on a terminal (or a pipe) the terminal form goes to the output
  /// stream; in a notebook the MIME bundle (its text/plain is the terminal form without escapes)
  /// goes to the rich display, after any pending printed text so outputs stay in order.
  func present(terminal: () throws -> String, rich: (_ plain: String) throws -> MimeBundle) throws {
    guard let richDisplay else {
      output.write(try terminal())
      return
    }
    let plain = try terminal()
    output.flush()
    richDisplay.display(try rich(plain), id: nil)
  }

  /// A fresh display id for an output that will be updated in place.
  func newDisplayID() -> String {
    displayCounter += 1
    return "mnl-\(getpid())-\(displayCounter)"
  }
}

/// Rich forms of pictures, shared by the built-ins and the REPL's commands (`:predict`).
public enum RichForms {
  /// An image as PNG (base64), scaled up by `scale` (nil: so that the longer side is about
  /// 200 pixels), with `plain` (the terminal picture) as its text form.
  public static func image(_ image: RasterImage, plain: String, scale: Int?) throws -> MimeBundle {
    var bundle = MimeBundle(plain: plain)
    bundle["image/png"] = try png(image, scale: scale)
    return bundle
  }

  static func png(_ image: RasterImage, scale: Int?) throws -> String {
    let scaled = image.scaled(by: scale ?? image.automaticScale())
    let bytes = try PNGEncoder.encode(
      width: scaled.width, height: scaled.height, kind: scaled.channels == 3 ? .rgb : .grey, pixels: scaled.bytes)
    return Data(bytes).base64EncodedString()
  }

  public static func barChart(_ chart: BarChart, plain: String) -> MimeBundle {
    var bundle = MimeBundle(plain: plain)
    bundle["text/html"] = BarChartHTML.render(chart)
    return bundle
  }

  static func bundle(plain: String, svg: SVGPlot) -> MimeBundle {
    var bundle = MimeBundle(plain: plain)
    bundle["image/svg+xml"] = svg.render()
    return bundle
  }
}
