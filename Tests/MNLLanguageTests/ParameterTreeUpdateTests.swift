import MNLTensor
import XCTest

@testable import MNLLanguage

/// sgd_update and ema_update change the parameters' own storage: a copy per step would double
/// the memory traffic of a training step (and did, unnoticed, once).
final class ParameterTreeUpdateTests: XCTestCase {
  func testUpdatesHappenInPlace() throws {
    let interpreter = Interpreter(output: OutputSink { _ in })
    _ = try interpreter.evaluateCell(
      source: """
        p = {w: ones([64, 64]), layers: [ones([32]), 2.0]}
        g = {w: ones([64, 64]), layers: [ones([32]), 1.0]}
        a = clone(p)
        ema_update(a, p, 0.5)
        """, name: "setup")
    let (paramsBefore, averagesBefore) = (storage(of: interpreter, "p"), storage(of: interpreter, "a"))
    XCTAssertEqual(paramsBefore.count, 2)
    _ = try interpreter.evaluateCell(
      source: "for i in 0..3 { sgd_update(p, g, 0.25); ema_update(a, p, 0.5) }", name: "steps")
    XCTAssertEqual(storage(of: interpreter, "p"), paramsBefore, "sgd_update copied a parameter")
    XCTAssertEqual(storage(of: interpreter, "a"), averagesBefore, "ema_update copied an average")
    XCTAssertEqual(try interpreter.evaluateCell(source: "p.w[0, 0]", name: "w")?.display(), "0.25")
    XCTAssertEqual(try interpreter.evaluateCell(source: "p.layers[1]", name: "n")?.display(), "1.25")
  }

  /// The storage addresses of the tensors in global `name`'s tree (no reference is kept).
  private func storage(of interpreter: Interpreter, _ name: String) -> [Int] {
    guard let tree = interpreter.global(name), let leaves = try? ParameterTree.leaves(tree) else { return [] }
    return leaves.compactMap { leaf in
      guard case .tensor(let t) = leaf else { return nil }
      return Int(bitPattern: t.storage.raw)
    }
  }
}
