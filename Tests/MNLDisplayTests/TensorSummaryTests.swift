import MNLTensor
import Testing
@testable import MNLDisplay

@Suite struct TensorSummaryTests {
  @Test func statistics() throws {
    let t = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
    let stats = try #require(TensorStatistics(t))
    #expect(stats.minimum == 1 && stats.maximum == 4 && stats.mean == 2.5)
    #expect(abs(stats.standardDeviation - 1.118033988749895) < 1e-12)
    #expect(stats.formatted == "min 1  max 4  mean 2.5  std 1.118")
  }

  @Test func nonFiniteElementsAreCountedApart() throws {
    let t = try Tensor(shape: [3], values: [.nan, 1, .infinity])
    let stats = try #require(TensorStatistics(t))
    #expect(stats.mean == 1 && stats.nonFiniteCount == 2)
    #expect(stats.formatted.hasSuffix("non-finite 2"))
    #expect(TensorStatistics(Tensor(shape: [0], repeating: 0)) == nil)
  }

  @Test func smallNumbersUseScientificNotation() {
    #expect(formatStatistic(5.321e-5) == "5.32e-05")
    #expect(formatStatistic(-0.0712) == "-0.0712")
    #expect(formatStatistic(2.5e7) == "2.50e+07")
    #expect(formatStatistic(0) == "0")
  }

  @Test func parameterTree() {
    let tree = ParameterTree.branch([
      ("weight_1", .tensor(shape: [784, 500], dtype: .float32)),
      ("bias_1", .tensor(shape: [500], dtype: .float32)),
      ("average", .branch([
        ("weight_1", .tensor(shape: [784, 500], dtype: .float32)),
        ("bias_1", .tensor(shape: [500], dtype: .float32)),
      ])),
      ("step", .tensor(shape: [], dtype: .int32)),
    ])
    #expect(tree.tensorCount == 5)
    #expect(tree.parameterCount == 2 * 392_500 + 1)
    let rows = lines(tree.render(title: "net"))
    #expect(rows[0] == "net: 5 tensors, 785,001 parameters")
    #expect(rows.count == 7)
    #expect(rows[1].hasPrefix("├─ weight_1") && rows[1].hasSuffix("[784, 500] f32  392,000"))
    #expect(rows[2].hasPrefix("├─ bias_1") && rows[2].hasSuffix("[500] f32           500"))
    #expect(rows[3].hasPrefix("├─ average") && rows[3].hasSuffix("392,500"))
    #expect(rows[4].hasPrefix("│  ├─ weight_1"))
    #expect(rows[5].hasPrefix("│  └─ bias_1"))
    #expect(rows[6].hasPrefix("└─ step") && rows[6].hasSuffix("[] i32                1"))
    // Columns line up.
    #expect(Set(rows[1...].filter { !$0.contains("average") }.map { $0.count }).count == 1)
  }

  @Test func thousands() {
    #expect(groupThousands(0) == "0")
    #expect(groupThousands(999) == "999")
    #expect(groupThousands(1000) == "1,000")
    #expect(groupThousands(-1234567) == "-1,234,567")
  }
}
