/// Drill-down rows read from any SQLite database with `--query`: a result with columns `host_id`
/// and `laddr` (and `port`, `type`, no `num`) holds observations, one listening socket a row.
///
/// Rows are grouped into drill-down snapshots by project, enterprise project, category and
/// capture time (the same columns, flags and defaults as statistics rows), then by query: a
/// result that names hosts (a `host_name` or `host_ip` column) is ListPortHost, one snapshot per
/// port with no queried type; otherwise ListPorts, one snapshot per `host_id`. `total_num`, when
/// selected, is the query's count and must be the same on every row of a snapshot; without it
/// the snapshot's completeness is unknown, as for statistics.
final class DetailQueryRows {
    struct Group {
        var key: DetailKey
        var provenance: MetadataProvenance
        var records: [DetailRecord] = []
        var rowNumbers: [Int] = []
        var totalNum: Int64?
    }

    /// The columns read, by index in the result.
    private let hostID: Int, laddr: Int, port: Int, type: Int
    private let hostName: Int?, hostIP: Int?, containerID: Int?, containerName: Int?, pid: Int?, path: Int?, status: Int?, agentID: Int?
    let kind: DetailKind
    let file: String
    private(set) var groups: [DetailKey: Group] = [:]
    private(set) var order: [DetailKey] = []

    /// Nil when the result is not drill-down rows (no `host_id` and `laddr`, or a `num`).
    init?(columns: [String], file: String) throws(InputError) {
        func column(_ name: String) -> Int? { columns.firstIndex(of: name) }
        guard let hostID = column("host_id"), let laddr = column("laddr"), column("num") == nil else { return nil }
        guard let port = column("port"), let type = column("type") else {
            throw InputError(
                file: file, place: "--query",
                message:
                    "drill-down rows (columns host_id and laddr) need columns port and type too (optionally host_name, host_ip, container_id, container_name, pid, path, status, agent_id); the result has no '\(column("port") == nil ? "port" : "type")' (use AS to name it)"
            )
        }
        (self.hostID, self.laddr, self.port, self.type) = (hostID, laddr, port, type)
        (hostName, hostIP, containerID, containerName) = (
            column("host_name"), column("host_ip"), column("container_id"), column("container_name")
        )
        (pid, path, status, agentID) = (column("pid"), column("path"), column("status"), column("agent_id"))
        kind = hostName != nil || hostIP != nil ? .portHosts : .hostPorts
        self.file = file
    }

    func add(_ row: [ForeignDatabase.Value], metadata: SQLiteSnapshotReader.RowMetadata, rowNumber: Int) throws {
        let place = "query row \(rowNumber)"
        func fail(_ name: String, _ expected: String, _ value: ForeignDatabase.Value) -> InputError {
            InputError(
                file: file, place: "\(place), column \(name)",
                message: "expected \(expected), found \(SQLiteSnapshotReader.describe(value))")
        }
        func text(_ index: Int?, _ name: String) throws -> String {
            guard let index else { return "" }
            let value = row[index]
            switch value {
            case .null: return ""
            case .text(let text):
                guard text.count <= DetailPage.maximumFieldLength else {
                    throw fail(name, "text of at most \(DetailPage.maximumFieldLength) characters", value)
                }
                return text
            default: throw fail(name, "text", value)
            }
        }
        let portValue = row[port]
        guard case .integer(let portNumber) = portValue, (1...65_535).contains(portNumber) else {
            throw fail("port", "an integer 1–65535", portValue)
        }
        let typeValue = row[type]
        guard case .text(let typeText) = typeValue, let portType = PortType(lenient: typeText) else {
            throw fail("type", "TCP, UDP, TCP6 or UDP6", typeValue)
        }
        var pidNumber: Int64 = 0
        if let pid, row[pid] != .null {
            guard case .integer(let number) = row[pid], number >= 0 else {
                throw fail("pid", "a whole number 0 or more, or NULL", row[pid])
            }
            pidNumber = number
        }
        var vendorStatus: VendorStatus?
        if let status, row[status] != .null {
            guard case .text(let statusText) = row[status], let parsed = VendorStatus(vendor: statusText) else {
                throw fail("status", "danger, normal, unknown or NULL", row[status])
            }
            vendorStatus = parsed
        }
        let record = DetailRecord(
            hostID: try text(hostID, "host_id"), hostName: try text(hostName, "host_name"), hostIP: try text(hostIP, "host_ip"),
            containerID: try text(containerID, "container_id"), containerName: try text(containerName, "container_name"),
            laddr: try text(laddr, "laddr"), pid: pidNumber, path: try text(path, "path"), port: Int(portNumber), type: portType,
            status: vendorStatus, agentID: try text(agentID, "agent_id"))
        switch metadata.key.category {
        case .host where record.hostID.isEmpty:
            throw InputError(
                file: file, place: "\(place), column host_id",
                message: "expected the server's host_id, found none: a host row names its server")
        case .container where record.containerID.isEmpty:
            throw InputError(
                file: file, place: "\(place), column container_id",
                message:
                    "expected the container's container_id, found none: a container row names its container (select a container_id column, or are these host rows? say so with a category column or --category)"
            )
        default:
            break
        }
        if kind == .hostPorts && record.hostID.isEmpty {
            throw InputError(
                file: file, place: "\(place), column host_id",
                message: "expected the server's host_id, found none: ListPorts rows are grouped by it")
        }
        let s = metadata.key
        let key = DetailKey(
            projectID: s.projectID, enterpriseProjectID: s.enterpriseProjectID, category: s.category, capturedAt: s.capturedAt, kind: kind,
            port: kind == .portHosts ? record.port : nil, type: nil, hostID: kind == .hostPorts ? record.hostID : "", filters: s.filters)
        if groups[key] == nil {
            order.append(key)
            groups[key] = Group(key: key, provenance: metadata.provenance)
        }
        groups[key]?.records.append(record)
        groups[key]?.rowNumbers.append(rowNumber)
        if let totalNum = metadata.totalNum {
            if let previous = groups[key]?.totalNum, previous != totalNum {
                throw InputError(
                    file: file, place: "\(place), column total_num",
                    message:
                        "expected the same total_num for every row of a drill-down snapshot (\(key.queryDescription)), found \(totalNum) after \(previous)"
                )
            }
            groups[key]?.totalNum = totalNum
        }
    }

    /// Hands each drill-down snapshot to the store, as one page of the database file.
    func store(
        path: String, sha256: String, size: Int, query: String, realPath: String, session: ImportSession, report: inout ImportReport
    ) throws {
        for key in order {
            guard let group = groups[key] else { continue }
            let page = DetailPage(
                key: key, provenance: group.provenance, path: path, entry: -1, sha256: sha256, size: size, totalNum: group.totalNum,
                query: query, realPath: realPath)
            if let added = try session.addDetail(
                page, records: group.records, place: { "query row \(group.rowNumbers[$0])" },
                member: { "query row \(group.rowNumbers[$0]), column \($1)" })
            {
                report.detailRecords += added
                report.detailPages += 1
            } else {
                report.alreadyImportedPages += 1
            }
        }
    }
}
