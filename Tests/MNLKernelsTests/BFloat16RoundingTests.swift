import MNLKernelsGeneric
import XCTest

/// fp32 → bfloat16 rounding (BFloat16Rounding.swift) against an independent reference: the
/// nearest of the two bfloat16 neighbours by exact distance (in Double), ties to the even one,
/// overflow to infinity past the largest bfloat16's half-way point, NaN quieted.
final class BFloat16RoundingTests: XCTestCase {
  /// The reference: compares distances instead of adding a bias to the bits.
  static func reference(_ x: Float) -> UInt16 {
    let u = x.bitPattern
    if x.isNaN { return UInt16(u >> 16) | 0x0040 }
    if x.isInfinite { return UInt16(u >> 16) }
    let down = u & 0xFFFF_0000  // toward zero
    let up = down + 0x1_0000  // away from zero (may be the infinity pattern)
    let lower = Double(Float(bitPattern: down))
    // The value past the largest bfloat16 is 2^128 in magnitude: overflow rounds there.
    let upper =
      Float(bitPattern: up).isInfinite
      ? (x < 0 ? -0x1p128 : 0x1p128) : Double(Float(bitPattern: up))
    let distanceDown = abs(Double(x) - lower)
    let distanceUp = abs(upper - Double(x))
    if distanceDown < distanceUp { return UInt16(down >> 16) }
    if distanceUp < distanceDown { return UInt16(truncatingIfNeeded: up >> 16) }
    return (down >> 16) & 1 == 0 ? UInt16(down >> 16) : UInt16(truncatingIfNeeded: up >> 16)
  }

  func testKnownValues() {
    func bits(_ u: UInt32) -> UInt16 { BFloat16.bits(Float(bitPattern: u)) }
    XCTAssertEqual(bits(0x3F80_0000), 0x3F80)  // 1 is exact
    XCTAssertEqual(bits(0x3F80_8000), 0x3F80)  // tie between 1 and 1 + 2^-7: the even one
    XCTAssertEqual(bits(0x3F81_8000), 0x3F82)  // tie, odd below: rounds up
    XCTAssertEqual(bits(0x3F80_8001), 0x3F81)  // just past the tie
    XCTAssertEqual(bits(0xBF80_7FFF), 0xBF80)  // just below the tie, negative
    XCTAssertEqual(bits(0x0000_8000), 0x0000)  // subnormal tie to even (zero)
    XCTAssertEqual(bits(0x0001_8000), 0x0002)  // subnormal tie to even (up)
    XCTAssertEqual(bits(0x007F_FFFF), 0x0080)  // largest subnormal rounds to the smallest normal
    XCTAssertEqual(bits(0x8000_0001), 0x8000)  // tiny negative: −0
    XCTAssertEqual(bits(0x7F7F_FFFF), 0x7F80)  // the largest float overflows to +Inf
    XCTAssertEqual(bits(0x7F7F_7FFF), 0x7F7F)  // below the half-way point: the largest bfloat16
    XCTAssertEqual(bits(0x7F80_0000), 0x7F80)  // Inf stays Inf
    XCTAssertEqual(bits(0xFF80_0000), 0xFF80)
    XCTAssertEqual(bits(0x7F80_0001), 0x7FC0)  // signalling NaN whose payload is all in the low half
    XCTAssertEqual(bits(0xFFFF_FFFF), 0xFFFF)  // a quiet NaN keeps its sign and top payload
    XCTAssertEqual(bits(0xFF80_0001), 0xFFC0)
    XCTAssertTrue(BFloat16.rounded(Float.nan).isNaN)
    XCTAssertTrue(BFloat16.rounded(Float.signalingNaN).isNaN)
    XCTAssertEqual(BFloat16.rounded(3.4e38), .infinity)  // past the largest bfloat16 (≈3.39e38) + half an ulp
    XCTAssertEqual(BFloat16.rounded(-1.00390625), -1.0)  // −(1 + 2^-8): a tie, to even
  }

  /// Every low half of several high halves (zero, subnormals, the normal boundary, 1, the
  /// largest values, Inf/NaN), and a million random patterns.
  func testScalarAndVectorRoundingMatchTheReference() {
    var patterns: [UInt32] = []
    for high: UInt32 in [
      0x0000, 0x0001, 0x007F, 0x0080, 0x3F80, 0x3F81, 0x7F7F, 0x7F80, 0x7FC0, 0x8000, 0x807F,
      0xBF80, 0xFF7F, 0xFF80, 0xFFFF,
    ] {
      for low: UInt32 in 0...0xFFFF { patterns.append(high << 16 | low) }
    }
    var rng = SplitMix64(state: 14)
    for _ in 0..<1_000_000 { patterns.append(UInt32(truncatingIfNeeded: rng.next())) }

    var mismatches = 0
    for u in patterns {
      let x = Float(bitPattern: u)
      let expected = Self.reference(x)
      let got = BFloat16.bits(x)
      if got != expected {
        if mismatches < 5 { XCTFail("bits(0x\(String(u, radix: 16))) = \(got), expected \(expected)") }
        mismatches += 1
      }
    }
    XCTAssertEqual(mismatches, 0)
    XCTAssertEqual(vectorMismatches(patterns, SIMD4<Float>.self), 0)
    XCTAssertEqual(vectorMismatches(patterns, SIMD8<Float>.self), 0)
    XCTAssertEqual(vectorMismatches(patterns, SIMD16<Float>.self), 0)
  }

  private func vectorMismatches<V: KernelVector>(_ patterns: [UInt32], _: V.Type) -> Int {
    var mismatches = 0
    var i = 0
    while i + V.scalarCount <= patterns.count {
      var v = V()
      for lane in 0..<V.scalarCount { v[lane] = Float(bitPattern: patterns[i + lane]) }
      let rounded = BFloat16.rounded(v)
      for lane in 0..<V.scalarCount {
        let expected = UInt32(Self.reference(v[lane])) << 16
        if rounded[lane].bitPattern != expected {
          if mismatches < 5 {
            XCTFail("\(V.self) lane 0x\(String(patterns[i + lane], radix: 16)) → 0x\(String(rounded[lane].bitPattern, radix: 16))")
          }
          mismatches += 1
        }
      }
      i += V.scalarCount
    }
    return mismatches
  }
}
