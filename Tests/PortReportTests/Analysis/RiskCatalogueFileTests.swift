import Foundation
import Testing

@testable import PortReport

/// tools/hss-export/risk-catalogue.json is the catalogue the export script reads for
/// `--detail catalogue` (Python cannot read the Swift list): it must hold RiskCatalogue's entries,
/// in the same order, so that the two cannot drift apart.
@Suite("The export script's copy of the risk catalogue")
struct RiskCatalogueFileTests {
    struct Entry: Equatable, CustomStringConvertible {
        let port: Int
        let transport: String
        let service: String
        var description: String { "\(port)/\(transport) \(service)" }
    }

    @Test("tools/hss-export/risk-catalogue.json lists exactly RiskCatalogue.entries (port, transport, service), in order")
    func fileEqualsCatalogue() throws {
        let url = Fixtures.root.appendingPathComponent("tools/hss-export/risk-catalogue.json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "\(url.path)")
        let items = try #require(root["entries"] as? [[String: Any]], "entries: a list of objects")
        var file: [Entry] = []
        for (index, item) in items.enumerated() {
            #expect(item.keys.sorted() == ["port", "service", "transport"], "entries[\(index)]: \(item)")
            let port = try #require(item["port"] as? Int, "entries[\(index)].port")
            let transport = try #require(item["transport"] as? String, "entries[\(index)].transport")
            let service = try #require(item["service"] as? String, "entries[\(index)].service")
            file.append(Entry(port: port, transport: transport, service: service))
        }
        let catalogue = RiskCatalogue.entries.map { Entry(port: $0.port, transport: $0.transport.rawValue, service: $0.service) }
        #expect(file == catalogue, "regenerate tools/hss-export/risk-catalogue.json from RiskCatalogue.swift")
        #expect(!file.isEmpty, "an empty file would equal an empty catalogue")
    }
}
