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
