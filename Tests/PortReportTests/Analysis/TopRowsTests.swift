import Testing

@testable import PortReport

@Suite("Top rows")
struct TopRowsTests {
    /// A deterministic sequence of values with many ties (a linear congruential generator).
    static func values(_ count: Int, seed: UInt64) -> [(value: Int, key: Int)] {
        var state = seed
        return (0..<count).map { key in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (value: Int(state >> 58), key: key)  // 0...63: ties are common
        }
    }

    @Test(
        "the first rows in order, as sorting everything and taking a prefix gives, whatever the input order", arguments: [0, 1, 3, 10, 500])
    func asSortedPrefix(limit: Int) {
        let ordered: ((value: Int, key: Int), (value: Int, key: Int)) -> Bool = {
            $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key
        }
        for seed: UInt64 in [1, 2, 3] {
            let input = Self.values(300, seed: seed)
            var top = TopRows(limit: limit, by: ordered)
            for row in input { top.offer(row) }
            let expected = input.sorted(by: ordered).prefix(limit).map(\.key)
            #expect(top.rows.map(\.key) == expected, "seed \(seed)")
            var reversed = TopRows(limit: limit, by: ordered)
            for row in input.reversed() { reversed.offer(row) }
            #expect(reversed.rows.map(\.key) == expected, "seed \(seed), reversed")
        }
    }
}
