/// Reduction and softmax kernels against plain loops.
import Foundation
import XCTest
@testable import MNLKernels

/// Reduction and softmax kernels against plain loops.
final class ReductionKernelTests: XCTestCase {
  func values(_ n: Int, seed: Int) -> [Float] {
    (0..<n).map { Float(($0 * 7919 + seed * 104_729) % 1000) / 100 - 5 }
  }

  func testSumsAndExtremaAtAwkwardSizes() {
    for kernels in KernelPaths.all {
      for n in [1, 3, 7, 8, 17, 33, 257, 785, 4097, 100_003] {
        let x = values(n, seed: n)
        let exact = x.reduce(0.0) { $0 + Double($1) }
        XCTAssertEqual(Double(Reduction.sum(x, count: n, kernels: kernels)), exact, accuracy: 1e-3 + abs(exact) * 1e-6)
        let squares = x.reduce(0.0) { $0 + Double($1) * Double($1) }
        XCTAssertEqual(Double(Reduction.sumOfSquares(x, count: n, kernels: kernels)), squares, accuracy: squares * 1e-6)
        XCTAssertEqual(Reduction.extremum(.max, x, count: n, kernels: kernels), x.max())
        XCTAssertEqual(Reduction.extremum(.min, x, count: n, kernels: kernels), x.min())
      }
    }
  }

  func testRowsAndColumns() {
    for kernels in KernelPaths.all {
      for (rows, length) in [(1, 1), (3, 7), (7, 17), (2, 785), (33, 10)] {
        let x = values(rows * length, seed: rows)
        for kind in [ReductionKind.sum, .max, .min] {
          var out = [Float](repeating: 0, count: rows)
          Reduction.rows(kind, x, rows: rows, length: length, &out, kernels: kernels)
          var columns = [Float](repeating: 0, count: length)
          Reduction.columns(kind, x, rows: rows, columns: length, &columns, kernels: kernels)
          for r in 0..<rows {
            let row = x[(r * length)..<((r + 1) * length)]
            let expected: Float =
              switch kind {
              case .sum: row.reduce(0, +)
              case .max: row.max() ?? 0
              case .min: row.min() ?? 0
              }
            XCTAssertEqual(out[r], expected, accuracy: 1e-3)
          }
          for j in 0..<length {
            let column = (0..<rows).map { x[$0 * length + j] }
            let expected: Float =
              switch kind {
              case .sum: column.reduce(0, +)
              case .max: column.max() ?? 0
              case .min: column.min() ?? 0
              }
            XCTAssertEqual(columns[j], expected, accuracy: 1e-3)
          }
        }
      }
    }
  }

  func testArgRowsAndColumnsTakeTheFirstTie() {
    let x: [Float] = [1, 5, 5, 0, 2, 2, 9, 9]
    var out = [Float](repeating: -1, count: 2)
    Reduction.argRows(isMax: true, x, rows: 2, length: 4, &out)
    XCTAssertEqual(out, [1, 2])
    Reduction.argRows(isMax: false, x, rows: 2, length: 4, &out)
    XCTAssertEqual(out, [3, 0])
    var columns = [Float](repeating: -1, count: 4)
    var scratch = [Float](repeating: 0, count: 4)
    Reduction.argColumns(isMax: true, x, rows: 2, columns: 4, &columns, scratch: &scratch)
    XCTAssertEqual(columns, [1, 0, 1, 1])
    let withNaN: [Float] = [1, .nan, 3, .nan]
    Reduction.argRows(isMax: true, withNaN, rows: 1, length: 4, &out)
    XCTAssertEqual(out[0], 1)
  }

  func testSoftmaxRowsSumToOne() {
    for kernels in KernelPaths.all {
      for length in [1, 3, 7, 10, 17, 33] {
        let x = values(3 * length, seed: length).map { $0 * 10 }
        var out = [Float](repeating: 0, count: x.count)
        Softmax.rows(x, rows: 3, length: length, &out, log: false, kernels: kernels)
        for r in 0..<3 {
          XCTAssertEqual(out[(r * length)..<((r + 1) * length)].reduce(0, +), 1, accuracy: 1e-5)
        }
        var logOut = [Float](repeating: 0, count: x.count)
        Softmax.rows(x, rows: 3, length: length, &logOut, log: true, kernels: kernels)
        // Log-softmax against a Double reference (softmax itself flushes below e^-87 to 0).
        for r in 0..<3 {
          let row = x[(r * length)..<((r + 1) * length)].map(Double.init)
          let m = row.max() ?? 0
          let logSum = Foundation.log(row.map { Foundation.exp($0 - m) }.reduce(0, +)) + m
          for j in 0..<length {
            XCTAssertEqual(Double(logOut[r * length + j]), row[j] - logSum, accuracy: 1e-4)
          }
        }
      }
    }
  }
}
