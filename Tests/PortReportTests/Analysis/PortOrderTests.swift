import Testing

@testable import PortReport

@Suite("Aggregates in port order")
struct PortOrderTests {
    @Test("the policy's port order is the comparison sort's, at the edges of the port range and for every type")
    func asSorted() {
        var aggregate: Aggregate = [:]
        var state: UInt64 = 7
        for index in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let port = [0, 1, 63, 64, 65_535][index % 5 == 0 ? Int(state >> 61) % 5 : 0] + (index % 5 == 0 ? 0 : Int(state >> 48))
            let type = PortType.allCases[Int(state >> 62)]
            aggregate[PortKey(port: min(port, 65_535), type: type)] = RecordValue(num: Int64(index), status: nil)
        }
        let expected = aggregate.sorted { $0.key < $1.key }
        let ordered = PortOrder.entries(of: aggregate)
        #expect(ordered.map(\.key) == expected.map(\.key))
        #expect(ordered.map(\.value) == expected.map(\.value))
        #expect(PortOrder.entries(of: [:]).isEmpty)
    }
}

@Suite("Ranking order")
struct RankingOrderTests {
    static func oracle(_ codes: [UInt32], _ totals: [UInt32: Int64]) -> [UInt32] {
        codes.sorted { a, b in
            let ta = totals[a] ?? 0, tb = totals[b] ?? 0
            return ta != tb ? ta > tb : a < b
        }
    }

    @Test("by total descending then code, with ties; the same with totals too large to pack")
    func order() {
        var state: UInt64 = 11
        var totals: [UInt32: Int64] = [:]
        for _ in 0..<3_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            totals[UInt32(state >> 46)] = Int64(state >> 59)  // codes 0..<2^18, totals 0...31: many ties
        }
        let codes = Array(totals.keys)
        #expect(AnalysisComputation.rankingOrder(codes) { totals[$0] ?? 0 } == Self.oracle(codes, totals))

        var large = totals
        large[codes[0]] = 1 << 50  // past the packed form's 45 bits
        large[codes[1]] = 1 << 50
        let ordered = AnalysisComputation.rankingOrder(codes) { large[$0] ?? 0 }
        #expect(ordered == Self.oracle(codes, large))
        #expect(Set(ordered.prefix(2)) == [codes[0], codes[1]])
        #expect(AnalysisComputation.rankingOrder([]) { _ in 0 }.isEmpty)
    }
}
