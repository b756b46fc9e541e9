/// Drill-down pages (ListPortHost, ListPorts): which query each answers, checked records, and
/// the hand-off to the store's `addDetail`.
///
/// A page's kind and query come, first match wins, from the HAR request URL, the file name
/// (`DetailFileName`), a sidecar's `details` member for the file, else its records: records that
/// name their host (`host_name`, `host_ip`) are ListPortHost, keyed by the one port they share;
/// others are ListPorts, keyed by the one `host_id` they share. Project, enterprise project,
/// category and capture time come exactly as for a statistics page (`rawBodyMetadata`), from
/// the directory the file is in (a drill-down file name says nothing about them).
extension Importer {
    /// What a page's query is, and where that was read.
    struct DetailQuery: Equatable, Sendable {
        let kind: DetailKind
        let port: Int?
        let type: PortType?
        let hostID: String
        /// `file name`, `sidecar PATH`, `records`, `HAR request URL`.
        let source: String
    }

    /// The path metadata is read from for a drill-down file: its directory, so that the words of
    /// the name (`port-hosts-…`: "hosts") are not read as a category, nor a host id as a date.
    static func metadataPath(forDetail path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "detail.json" }
        return String(path[...slash]) + "detail.json"
    }

    /// The query a file's name or sidecar gives, nil when neither says it is a drill-down page.
    func namedDetailQuery(_ file: InputFile) throws(InputError) -> DetailQuery? {
        guard !file.isStandardInput else { return nil }
        let path = file.displayPath
        let fromName: DetailQuery?
        switch DetailFileName.parse(path: path) {
        case .none:
            fromName = nil
        case .failure(let refusal):
            throw InputError(file: path, message: refusal.message)
        case .success(let name):
            fromName = DetailQuery(kind: name.kind, port: name.port, type: name.type, hostID: name.hostID, source: "file name")
        }
        if let said = sidecars.detail(for: path) {
            let query = DetailQuery(
                kind: said.value.kind, port: said.value.port, type: said.value.type, hostID: said.value.hostID,
                source: "sidecar \(said.sidecar)")
            if let fromName,
                (fromName.kind, fromName.port, fromName.type, fromName.hostID) != (query.kind, query.port, query.type, query.hostID)
            {
                throw InputError(
                    file: path,
                    message:
                        "the file name says \(Self.describe(fromName)) but the sidecar \(said.sidecar) says \(Self.describe(query)): correct one of them"
                )
            }
            return query
        }
        return fromName
    }

    static func describe(_ query: DetailQuery) -> String {
        switch query.kind {
        case .portHosts: return "ListPortHost port=\(query.port.map(String.init) ?? "?")\(query.type.map { "&type=\($0.rawValue)" } ?? "")"
        case .hostPorts: return "ListPorts host_id=\(query.hostID)"
        }
    }

    /// A file that its name or sidecar says is a drill-down page: one body, read as such (an
    /// empty page too).
    func importNamedDetail(_ file: InputFile, query: DetailQuery, session: ImportSession, report: inout ImportReport) throws {
        let body: DetailBodyReader.Body
        do {
            body = try file.bytes.withUnsafeBufferPointer { try DetailBodyReader.read($0) }
        } catch let problem as DetailBodyReader.Problem {
            let line = file.bytes.withUnsafeBufferPointer { JSONScanner($0).lineAndColumn(of: problem.offset).line }
            throw InputError(
                file: file.displayPath, line: line, place: problem.path.isEmpty ? nil : problem.path,
                message: problem.message + " (the \(query.source) says this is a \(query.kind.rawValue) page)")
        }
        try addDetail(body, query: query, file: file, entry: -1, placePrefix: "", bodyCategory: nil, session: session, report: &report)
    }

    /// The drill-down documents of a file that `ExportShapeReader` met among (or instead of)
    /// statistics pages; each is a page of its own (`entry` is its index among them).
    func importShapedDetail(
        _ skipped: [ExportShapeReader.Skipped], file: InputFile, session: ImportSession, report: inout ImportReport
    ) throws {
        for (index, item) in skipped.enumerated() {
            let placeText = file.bytes.withUnsafeBufferPointer { item.place.text(in: $0) }
            guard !item.isRecordArray else {
                throw InputError(
                    file: file.displayPath,
                    message:
                        "\(item.what): a bare array of drill-down records says neither its query nor its total_num; save the response body ({\"total_num\": …, \"data_list\": […]})"
                )
            }
            let body: DetailBodyReader.Body
            do {
                body = try file.bytes.withUnsafeBufferPointer { try DetailBodyReader.read($0, at: item.offset) }
            } catch let problem as DetailBodyReader.Problem {
                let line = file.bytes.withUnsafeBufferPointer { JSONScanner($0).lineAndColumn(of: problem.offset).line }
                let place = file.bytes.withUnsafeBufferPointer { item.place.path(problem.path, in: $0) }
                throw InputError(file: file.displayPath, line: line, place: place.isEmpty ? nil : place, message: problem.message)
            }
            let query = try Self.queryFromRecords(body, file: file.displayPath, place: placeText)
            let bodyCategory = item.place.key.flatMap { key in ExportShapeReader.category(ofKey: key).map { ($0, key) } }
            let prefix = placeText.isEmpty ? "" : placeText + " "
            try addDetail(
                body, query: query, file: file, entry: skipped.count == 1 && placeText.isEmpty ? -1 : index, placePrefix: prefix,
                bodyCategory: bodyCategory, session: session, report: &report)
        }
    }

    /// The query of a page known only by its records: ListPortHost (the records name their host)
    /// keyed by the one port they share, or ListPorts keyed by the one host they share. The
    /// queried `type` cannot be told: none.
    static func queryFromRecords(_ body: DetailBodyReader.Body, file: String, place: String) throws(InputError) -> DetailQuery {
        guard let first = body.records.first else {
            throw InputError(
                file: file, place: place.isEmpty ? nil : place,
                message: "an empty drill-down page cannot be placed; name the file by the drill-down convention")
        }
        if body.namesHosts {
            if let other = body.records.firstIndex(where: { $0.port != first.port }) {
                throw InputError(
                    file: file, place: (place.isEmpty ? "" : place + " ") + "data_list[\(other)].port",
                    message:
                        "a ListPortHost page answers one port, but data_list[0] has port \(first.port) and this record port \(body.records[other].port): save one file per port, named port-hosts-<PORT>-….json"
                )
            }
            return DetailQuery(kind: .portHosts, port: first.port, type: nil, hostID: "", source: "records")
        }
        if let other = body.records.firstIndex(where: { $0.hostID != first.hostID }) {
            throw InputError(
                file: file, place: (place.isEmpty ? "" : place + " ") + "data_list[\(other)].host_id",
                message:
                    "a ListPorts page answers one server, but data_list[0] has host_id \"\(TerminalText.value(first.hostID, width: 64))\" and this record \"\(TerminalText.value(body.records[other].hostID, width: 64))\": save one file per server, named host-ports-<HOST_ID>-….json"
            )
        }
        return DetailQuery(kind: .hostPorts, port: nil, type: nil, hostID: first.hostID, source: "records")
    }

    /// Checks a page's records against its query and category, then hands it to the store.
    func addDetail(
        _ body: DetailBodyReader.Body, query: DetailQuery, file: InputFile, entry: Int, placePrefix: String,
        bodyCategory: (value: Category, place: String)?, session: ImportSession, report: inout ImportReport
    ) throws {
        let path = file.displayPath
        let found = try rawBodyMetadata(file, bodyCategory: bodyCategory, metadataPath: Self.metadataPath(forDetail: path))
        let key = DetailKey(
            projectID: found.key.projectID, enterpriseProjectID: found.key.enterpriseProjectID, category: found.key.category,
            capturedAt: found.key.capturedAt, kind: query.kind, port: query.port, type: query.type, hostID: query.hostID,
            filters: found.key.filters)
        let records = try Self.checkRecords(body, key: key, source: query.source, file: path, placePrefix: placePrefix, bytes: file.bytes)
        let page = DetailPage(
            key: key, provenance: found.provenance, path: path, entry: entry, sha256: file.sha256, size: file.size,
            totalNum: body.totalNum, realPath: file.canonicalPath)
        if let added = try session.addDetail(page, records: records, place: { "\(placePrefix)data_list[\($0)]" }) {
            report.detailRecords += added
            report.detailPages += 1
            report.defaults.note(found.defaults, path: path)
        } else {
            report.alreadyImportedPages += 1
        }
    }

    /// A page's records must answer its query: ListPortHost records have the queried port (and
    /// the queried protocol, TCP6 counting as TCP), ListPorts records the queried host; each
    /// names its asset (`host_id` for a host, `container_id` for a container). A ListPorts record
    /// without `host_id` (the vendor's own pages leave it out) is of the queried server: the
    /// records returned carry it.
    @discardableResult
    static func checkRecords(
        _ body: DetailBodyReader.Body, key: DetailKey, source: String, file: String, placePrefix: String, bytes: [UInt8]
    ) throws(InputError) -> [DetailRecord] {
        var checked: [DetailRecord] = []
        checked.reserveCapacity(body.records.count)
        func line(_ index: Int) -> Int {
            bytes.withUnsafeBufferPointer { JSONScanner($0).lineAndColumn(of: body.recordOffsets[index]).line }
        }
        for (index, read) in body.records.enumerated() {
            var record = read
            if key.kind == .hostPorts, record.hostID.isEmpty { record.hostID = key.hostID }
            let place = "\(placePrefix)data_list[\(index)]"
            if let port = key.port, record.port != port {
                throw InputError(
                    file: file, line: line(index), place: place + ".port",
                    message: "expected port \(port) (the \(source) says \(key.queryDescription)), found \(record.port)")
            }
            if let type = key.type, protocolFamily(record.type) != protocolFamily(type) {
                throw InputError(
                    file: file, line: line(index), place: place + ".type",
                    message: "expected \(type.rawValue) (the \(source) says \(key.queryDescription)), found \(record.type.rawValue)")
            }
            if !key.hostID.isEmpty, record.hostID != key.hostID {
                throw InputError(
                    file: file, line: line(index), place: place + ".host_id",
                    message:
                        "expected host_id \"\(TerminalText.value(key.hostID, width: 64))\" (the \(source) says \(key.kind.rawValue) of that server), found \"\(TerminalText.value(record.hostID, width: 64))\""
                )
            }
            switch key.category {
            case .host where record.hostID.isEmpty:
                throw InputError(
                    file: file, line: line(index), place: place + ".host_id",
                    message: "expected the server's host_id (1–64 characters), found none: a host record names its server")
            case .container where record.containerID.isEmpty:
                throw InputError(
                    file: file, line: line(index), place: place + ".container_id",
                    message:
                        "expected the container's container_id (1–128 characters), found none: a container record names its container (is this page of category host? say so with the path, a sidecar or --category)"
                )
            default:
                break
            }
            checked.append(record)
        }
        return checked
    }

    private static func protocolFamily(_ type: PortType) -> PortType {
        switch type {
        case .tcp, .tcp6: return .tcp
        case .udp, .udp6: return .udp
        }
    }

    /// A HAR entry of `/asset/ports/detail` or `/asset/ports`: its URL gives the query, project,
    /// enterprise project and category; its start time (the first page's of its export) the time.
    func importHARDetail(
        _ harPage: HARReader.Page, _ detail: HARReader.DetailQuery, file: InputFile, place: String, session: ImportSession,
        report: inout ImportReport
    ) throws {
        let body: DetailBodyReader.Body
        do {
            body = try harPage.body.withUnsafeBufferPointer { try DetailBodyReader.read($0) }
        } catch let problem as DetailBodyReader.Problem {
            throw InputError(
                file: file.displayPath, place: [place, problem.path].filter { !$0.isEmpty }.joined(separator: " "),
                message: problem.message)
        }
        let key = DetailKey(
            projectID: harPage.key.projectID, enterpriseProjectID: harPage.key.enterpriseProjectID, category: harPage.key.category,
            capturedAt: harPage.key.capturedAt, kind: detail.kind, port: detail.port, type: detail.type, hostID: detail.hostID,
            filters: harPage.key.filters)
        let records = try Self.checkRecords(
            body, key: key, source: "request URL", file: file.displayPath, placePrefix: place + " ", bytes: harPage.body)
        let page = DetailPage(
            key: key, provenance: harPage.provenance, path: file.displayPath, entry: harPage.entry, sha256: file.sha256,
            size: file.size, totalNum: body.totalNum, realPath: file.canonicalPath)
        if let added = try session.addDetail(page, records: records, place: { "\(place) data_list[\($0)]" }) {
            report.detailRecords += added
            report.detailPages += 1
        } else {
            report.alreadyImportedPages += 1
        }
    }
}
