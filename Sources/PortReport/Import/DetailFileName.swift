import Foundation

/// The file-name convention for drill-down pages, shared with the export script: before `.json`
/// (or `.json.gz`),
///
/// - ListPortHost: `port-hosts-<PORT>[-<TYPE>][-offset-<N>]` (`port-hosts-2375-tcp-offset-0.json`;
///   TYPE any case of tcp, udp, tcp6, udp6; absent when the query had no `type`);
/// - ListPorts: `host-ports-<HOST_ID>[-offset-<N>]`.
///
/// The name says the kind and the query, so even an empty page is placed. A name that starts
/// with one of the prefixes (any letter case) but does not follow the rest is an error, never
/// read as statistics.
struct DetailFileName: Equatable, Sendable {
    let kind: DetailKind
    /// ListPortHost: the queried port.
    let port: Int?
    /// ListPortHost: the queried type; nil when the name has none.
    let type: PortType?
    /// ListPorts: the queried host id.
    let hostID: String
    /// The record offset of the page, when the name gives it.
    let offset: Int?

    static let portHostsPrefix = "port-hosts-"
    static let hostPortsPrefix = "host-ports-"

    /// Reads the last component of `path`. Nil when it is not a drill-down name; a message (what
    /// is wrong, what was expected) when it starts like one but is not.
    static func parse(path: String) -> Result<DetailFileName, Refusal>? {
        let fileName: String
        // An ASCII path (the usual one) is split on its bytes, as in `PathMetadata`: the same
        // last component, without breaking the whole path into characters for every file read.
        if path.utf8.allSatisfy({ $0 < 0x80 }) {
            fileName =
                path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).last.map {
                    String(decoding: $0, as: UTF8.self)
                } ?? ""
        } else {
            fileName = String(path.split(separator: "/", omittingEmptySubsequences: true).last ?? "")
        }
        var stem = Substring(fileName)
        for suffix in [".gz", ".json"] where stem.lowercased().hasSuffix(suffix) {
            stem = stem.dropLast(suffix.count)
        }
        let lower = stem.lowercased()
        if lower.hasPrefix(portHostsPrefix) {
            return portHosts(String(stem.dropFirst(portHostsPrefix.count)), fileName: fileName)
        }
        if lower.hasPrefix(hostPortsPrefix) {
            return hostPorts(String(stem.dropFirst(hostPortsPrefix.count)), fileName: fileName)
        }
        return nil
    }

    /// Why a name that starts like a drill-down name is refused.
    struct Refusal: Error, Equatable, Sendable {
        let message: String
    }

    private static func refusal(_ fileName: String, _ what: String, _ pattern: String) -> Result<DetailFileName, Refusal> {
        .failure(
            Refusal(
                message:
                    "the file name \(fileName) \(what); a drill-down page is named \(pattern) (.json or .json.gz)"))
    }

    private static func portHosts(_ rest: String, fileName: String) -> Result<DetailFileName, Refusal> {
        let pattern = "port-hosts-<PORT>[-<TYPE>][-offset-<N>]"
        var parts = rest.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, let port = decimal(first), port >= 1, port <= 65_535 else {
            return refusal(fileName, "gives no port 1–65535 after port-hosts-", pattern)
        }
        parts.removeFirst()
        var type: PortType?
        if let next = parts.first, next.lowercased() != "offset" {
            guard let value = PortType(lenient: next) else {
                return refusal(fileName, "has \"\(next)\" where a type (tcp, udp, tcp6, udp6) or -offset-<N> may follow the port", pattern)
            }
            type = value
            parts.removeFirst()
        }
        var offset: Int?
        if !parts.isEmpty {
            guard parts.count == 2, parts[0].lowercased() == "offset", let value = decimal(parts[1]) else {
                return refusal(fileName, "has more after the port and type than -offset-<N>", pattern)
            }
            offset = value
        }
        return .success(DetailFileName(kind: .portHosts, port: port, type: type, hostID: "", offset: offset))
    }

    private static func hostPorts(_ rest: String, fileName: String) -> Result<DetailFileName, Refusal> {
        let pattern = "host-ports-<HOST_ID>[-offset-<N>]"
        var hostID = Substring(rest)
        var offset: Int?
        // The host id may hold '-' itself: only a trailing `-offset-<N>` is the offset.
        if let range = rest.lowercased().range(of: "-offset-", options: .backwards) {
            let lower = rest.lowercased()
            let start = lower.distance(from: lower.startIndex, to: range.lowerBound)
            let end = lower.distance(from: lower.startIndex, to: range.upperBound)
            let digits = String(rest.dropFirst(end))
            if let value = decimal(digits) {
                offset = value
                hostID = rest.prefix(start)
            }
        }
        guard !hostID.isEmpty, hostID.count <= 64 else {
            return refusal(fileName, "gives no host id of 1–64 characters after host-ports-", pattern)
        }
        return .success(DetailFileName(kind: .hostPorts, port: nil, type: nil, hostID: String(hostID), offset: offset))
    }

    /// Decimal digits only (no sign, at most 9 digits, so no overflow).
    private static func decimal(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}
