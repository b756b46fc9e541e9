extension ImportSession {
    /// Adds a drill-down page's records, turning a record the store refuses into an `InputError`
    /// about the page's file: `place` names a record for messages (`data_list[3]`), `line` its
    /// line. Both are asked only when a record is refused.
    ///
    /// Every record is checked here, whatever read it (a page's JSON, a `--query` row, another
    /// store): its texts hold no NUL or U+FFFD (SQLite would cut a text at the NUL, and two
    /// assets would become one), its `laddr` is an IPv4 or IPv6 address (its exposure class is
    /// read from it) and its port is 1–65535. `member` names a record's member for messages
    /// (`data_list[3].laddr`, `query row 4, column laddr`).
    func addDetail(
        _ page: DetailPage, records: [DetailRecord], place: (Int) -> String, member: ((Int, String) -> String)? = nil,
        line: (Int) -> Int? = { _ in nil }
    ) throws -> Int? {
        try DetailPage.checkLimits(page)
        for (index, record) in records.enumerated() {
            func fail(_ name: String, _ message: String) -> InputError {
                InputError(file: page.path, line: line(index), place: member?(index, name) ?? "\(place(index)).\(name)", message: message)
            }
            for (name, value) in record.texts {
                if let problem = SnapshotPage.characterProblem(value) { throw fail(name, "expected a \(name) without \(problem)") }
            }
            if Exposure(laddr: record.laddr) == nil {
                throw fail(
                    "laddr",
                    "expected an IPv4 or IPv6 listen address (0.0.0.0, ::, 10.0.0.5), found \"\(TerminalText.value(record.laddr))\"")
            }
            if !(1...65_535).contains(record.port) {
                throw fail("port", "expected a port 1–65535, found \(record.port)")
            }
        }
        do {
            return try addDetail(page, records: records)
        } catch let rejection as DetailRecordRejection {
            throw InputError(rejection, page: page, records: records, line: line(rejection.index), place: place(rejection.index))
        }
    }
}

extension InputError {
    /// The message for a drill-down record that disagrees with one already in its snapshot.
    init(_ rejection: DetailRecordRejection, page: DetailPage, records: [DetailRecord], line: Int?, place: String) {
        let elsewhere =
            rejection.other.map { "in \($0.path)\($0.entry >= 0 ? " (page \($0.entry))" : "")" } ?? "earlier in this same page"
        let existing = rejection.existing
        let here = records.indices.contains(rejection.index) ? records[rejection.index] : existing
        var differences: [String] = []
        func compare(_ name: String, _ mine: String, _ theirs: String) {
            if mine != theirs { differences.append("\(name) \"\(mine)\" here but \"\(theirs)\" \(elsewhere)") }
        }
        compare("pid", String(here.pid), String(existing.pid))
        compare("path", here.path, existing.path)
        compare("status", here.status?.rawValue ?? "(none)", existing.status?.rawValue ?? "(none)")
        compare("host_name", here.hostName, existing.hostName)
        compare("host_ip", here.hostIP, existing.hostIP)
        compare("container_name", here.containerName, existing.containerName)
        compare("agent_id", here.agentID, existing.agentID)
        let asset =
            existing.containerID.isEmpty ? "host \(existing.hostID)" : "container \(existing.containerID) on host \(existing.hostID)"
        self.init(
            file: page.path, line: line, place: place,
            message:
                "\(asset) listening on \(existing.laddr) port \(existing.port)/\(existing.type.rawValue) has \(differences.joined(separator: "; ")), in the same drill-down snapshot (\(page.key.queryDescription), captured \(page.key.capturedAt.rfc3339)); pages of one export must agree"
        )
    }
}

extension DetailPage {
    /// The longest host or container id, name, IP, path or agent id portreport stores, in
    /// characters (the vendor documents at most 512, for `path`).
    static let maximumFieldLength = 1024

    /// Refuses a page whose ids are over the statistics pages' limits or hold a NUL or U+FFFD.
    static func checkLimits(_ page: DetailPage) throws(InputError) {
        try SnapshotPage.checkLimits(
            SnapshotPage(
                key: SnapshotKey(
                    projectID: page.key.projectID, enterpriseProjectID: page.key.enterpriseProjectID, category: page.key.category,
                    capturedAt: page.key.capturedAt, filters: page.key.filters),
                provenance: page.provenance, path: page.path, entry: page.entry, sha256: page.sha256, size: page.size,
                totalNum: page.totalNum))
        if let problem = SnapshotPage.characterProblem(page.key.hostID) {
            throw InputError(file: page.path, place: "host_id", message: "expected a host id without \(problem)")
        }
        if page.key.hostID.count > maximumFieldLength {
            throw InputError(file: page.path, place: "host_id", message: "expected a host id of at most \(maximumFieldLength) characters")
        }
    }
}
