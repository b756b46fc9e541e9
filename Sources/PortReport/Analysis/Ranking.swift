extension AnalysisComputation {
    /// Every port open in either category, by total instances (host plus container) descending,
    /// then port and protocol, with shares of the grand total and what is known about it.
    func makeRanking(host: Aggregate, container: Aggregate) -> [RankingRow] {
        struct Draft {
            let key: PortKey
            let host: Int64
            let container: Int64
            let status: VendorStatus?
        }
        // By code in two dense tables: four look-ups by port per row were a hash each.
        var hostFigures = DenseFigures(), containerFigures = DenseFigures()
        hostFigures.add(host)
        containerFigures.add(container)
        let codes = Self.rankingOrder(hostFigures.listed + containerFigures.listed.filter { hostFigures.value($0) == nil }) {
            hostFigures.num($0).saturatingAdding(containerFigures.num($0))
        }
        let drafts = codes.map { code in
            Draft(
                key: PortKey(code: code), host: hostFigures.num(code), container: containerFigures.num(code),
                status: StatusOrder.worse(hostFigures.value(code)?.status, containerFigures.value(code)?.status))
        }
        let grand = drafts.reduce(Int64(0)) { $0.saturatingAdding($1.host).saturatingAdding($1.container) }
        var cumulative: Int64 = 0
        // Mapped over the indices, not `enumerated()`: a sequence of unknown length grows its
        // result by doubling, 16 MB for the 100,000 rows of 100 projects instead of 12.
        return drafts.indices.map { index in
            let draft = drafts[index]
            let total = draft.host.saturatingAdding(draft.container)
            cumulative = cumulative.saturatingAdding(total)
            return RankingRow(
                rank: index + 1, key: draft.key, host: draft.host, container: draft.container, status: draft.status,
                service: ServiceNames.name(port: draft.key.port, type: draft.key.type), range: PortRange(port: draft.key.port),
                share: grand > 0 ? Double(total) / Double(grand) : 0, cumulativeShare: grand > 0 ? Double(cumulative) / Double(grand) : 0,
                containerShare: total > 0 ? Double(draft.container) / Double(total) : 0,
                risk: RiskCatalogue.entry(port: draft.key.port, type: draft.key.type))
        }
    }
}

extension AnalysisComputation {
    /// `codes` by `total` descending, then by code (port, then type). As one integer each (the
    /// total's complement above the code) when every total fits in 45 bits, as every real one
    /// does (a record's num is at most 10⁹); a comparison sort through a closure was 0.17 G
    /// instructions for the 100,000 ports of 100 projects.
    static func rankingOrder(_ codes: [UInt32], total: (UInt32) -> Int64) -> [UInt32] {
        let totalBits: UInt64 = 45, codeBits: UInt64 = 18
        let totals = codes.map(total)
        guard totals.allSatisfy({ $0 >= 0 && UInt64($0) < 1 << totalBits }), codes.allSatisfy({ UInt64($0) < 1 << codeBits }) else {
            return zip(codes, totals).sorted { a, b in a.1 != b.1 ? a.1 > b.1 : a.0 < b.0 }.map(\.0)
        }
        var packed = zip(codes, totals).map { code, total in ((1 << totalBits) - 1 - UInt64(total)) << codeBits | UInt64(code) }
        packed.sort()
        return packed.map { UInt32(truncatingIfNeeded: $0 & ((1 << codeBits) - 1)) }
    }
}

/// The vendor's verdicts combined: danger over normal over unknown.
enum StatusOrder {
    static func rank(_ status: VendorStatus?) -> Int {
        switch status {
        case .danger: return 3
        case .normal: return 2
        case .unknown: return 1
        case nil: return 0
        }
    }

    /// The status of a `rank` (0 for none or anything else).
    static func status(ofRank rank: Int) -> VendorStatus? {
        switch rank {
        case 3: return .danger
        case 2: return .normal
        case 1: return .unknown
        default: return nil
        }
    }

    static func worse(_ a: VendorStatus?, _ b: VendorStatus?) -> VendorStatus? {
        rank(a) >= rank(b) ? a : b
    }
}
