import Testing

@testable import PortReport

@Suite("Fixed-point figures")
struct DecimalsTests {
    @Test(
        "fixed decimals, rounded half to even, with the sign and leading zero written out",
        arguments: [
            (0.5, 6, "0.500000"),
            (0.000001, 6, "0.000001"),
            (0, 6, "0.000000"),
            (-0.0, 1, "0.0"),
            (66.666666, 1, "66.7"),
            (-0.25, 1, "-0.2"),
            (-0.75, 1, "-0.8"),
            (1234.5, 0, "1234"),
            (1235.5, 0, "1236"),
            (100, 1, "100.0"),
            (-12.5, 2, "-12.50")
        ] as [(Double, Int, String)])
    func fixed(_ value: Double, _ places: Int, _ expected: String) {
        #expect(Decimals.fixed(value, places: places) == expected)
        // The appending form (sparkline points) spells the same after what is already there.
        var bytes = Array("x=".utf8)
        Decimals.appendFixed(value, places: places, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x=" + expected)
    }

    @Test("the longest figures fit: 16 integer digits with a sign and 9 places; more places are 9")
    func longest() {
        // -8999999999999999 / 10⁰: the largest magnitude the notation keeps, worked out by hand.
        #expect(Decimals.fixed(-8_999_999_999_999_999, places: 0) == "-8999999999999999")
        #expect(Decimals.fixed(-8_999_999, places: 9) == "-8999999.000000000")
        #expect(Decimals.fixed(1.5, places: 12) == "1.500000000")
        #expect(Decimals.fixed(1.5, places: -3) == "2")
    }

    @Test("values that are not finite or too large for the notation are written as 0")
    func outOfRange() {
        #expect(Decimals.fixed(.nan, places: 2) == "0")
        #expect(Decimals.fixed(.infinity, places: 2) == "0")
        #expect(Decimals.fixed(1e20, places: 6) == "0")
    }
}
