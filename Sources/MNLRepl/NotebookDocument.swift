import Foundation
import MNLDisplay

/// An nbformat 4.5 notebook (.ipynb): markdown and code cells with their outputs, and the
/// kernelspec metadata that makes Jupyter run it with the mnl kernel.
public struct NotebookDocument {
  public enum CellKind: String { case markdown, code }

  public struct Cell {
    public var kind: CellKind
    public var source: String
    public var executionCount: Int?
    public var outputs: [NotebookOutput]

    public init(kind: CellKind, source: String, executionCount: Int? = nil, outputs: [NotebookOutput] = []) {
      self.kind = kind
      self.source = source
      self.executionCount = executionCount
      self.outputs = outputs
    }
  }

  public var cells: [Cell] = []

  public init(cells: [Cell] = []) { self.cells = cells }

  /// The kernelspec and language metadata of an mnl notebook.
  public static var metadata: [String: Any] {
    [
    "kernelspec": ["display_name": "mnl", "language": "mnl", "name": "mnl"],
    "language_info": [
      "name": "mnl", "file_extension": ".mnl", "mimetype": "text/x-mnl", "codemirror_mode": "python",
      "pygments_lexer": "python",
    ],
    ]
  }

  /// The JSON text, keys sorted and indented by one space as Jupyter writes it.
  public func json() throws -> [UInt8] {
    var cellObjects: [[String: Any]] = []
    for (index, cell) in cells.enumerated() {
      var object: [String: Any] = [
        "cell_type": cell.kind.rawValue, "id": "cell-\(index + 1)", "metadata": [String: Any](),
        "source": Self.lines(cell.source),
      ]
      if cell.kind == .code {
        object["execution_count"] = cell.executionCount.map { $0 as Any } ?? NSNull()
        object["outputs"] = Self.outputObjects(cell.outputs, executionCount: cell.executionCount)
      }
      cellObjects.append(object)
    }
    let notebook: [String: Any] = [
      "cells": cellObjects, "metadata": Self.metadata, "nbformat": 4, "nbformat_minor": 5,
    ]
    let data = try JSONSerialization.data(
      withJSONObject: notebook, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return Array(data) + [0x0A]
  }

  /// A cell's outputs in nbformat: consecutive stream texts of one stream merged, progress
  /// updates applied to the output they replace (only the final state is stored).
  static func outputObjects(_ outputs: [NotebookOutput], executionCount: Int?) -> [[String: Any]] {
    var objects: [[String: Any]] = []
    var displayIndex: [String: Int] = [:]
    for output in outputs {
      switch output {
      case .stream(let name, let text):
        if let last = objects.last, last["output_type"] as? String == "stream", last["name"] as? String == name,
          let previous = last["text"] as? [String]
        {
          objects[objects.count - 1]["text"] = lines(previous.joined() + text)
        } else {
          objects.append(["output_type": "stream", "name": name, "text": lines(text)])
        }
      case .display(let bundle, let id):
        if let id { displayIndex[id] = objects.count }
        objects.append(["output_type": "display_data", "data": data(bundle), "metadata": [String: Any]()])
      case .update(let bundle, let id):
        if let index = displayIndex[id] { objects[index]["data"] = data(bundle) }
      case .result(let bundle):
        objects.append([
          "output_type": "execute_result", "data": data(bundle), "metadata": [String: Any](),
          "execution_count": executionCount.map { $0 as Any } ?? NSNull(),
        ])
      case .error(let name, let value, let traceback):
        objects.append(["output_type": "error", "ename": name, "evalue": value, "traceback": traceback])
      }
    }
    return objects
  }

  /// A MIME bundle's data: text as lists of lines, base64 images as one string.
  static func data(_ bundle: MimeBundle) -> [String: Any] {
    var data: [String: Any] = [:]
    for mime in bundle.mimeTypes {
      guard let value = bundle[mime] else { continue }
      data[mime] = mime.hasPrefix("image/png") ? value : lines(value) as Any
    }
    return data
  }

  /// Text as Jupyter stores it: lines that keep their "\n".
  static func lines(_ text: String) -> [String] {
    var out: [String] = []
    var current = ""
    for ch in text {
      current.append(ch)
      if ch == "\n" {
        out.append(current)
        current = ""
      }
    }
    if !current.isEmpty { out.append(current) }
    return out
  }
}
