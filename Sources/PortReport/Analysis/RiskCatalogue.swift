/// Ports that are dangerous to expose, each with a one-line reason and where the reason comes
/// from. The vendor's own verdict (`status: danger`) is reported beside it, not replaced by it.
///
/// Sources named in the entries:
/// - US-CERT alert TA14-017A, "UDP-Based Amplification Attacks" (protocols abused for reflection).
/// - US-CERT alert TA17-132A, "Indicators Associated With WannaCry Ransomware" (SMB, MS17-010).
/// - Microsoft security bulletin MS03-026 (RPC/DCOM, exploited by the Blaster worm).
/// - FBI public service announcement I-092318-PSA, "Cyber Actors Increasingly Exploit the Remote
///   Desktop Protocol to Conduct Malicious Activity" (2018).
/// - Docker documentation, "Protect the Docker daemon socket".
/// - Redis documentation, "Redis security".
/// - MongoDB documentation, "Security Checklist".
/// - Elastic documentation, "Secure the Elastic Stack".
/// - etcd documentation, "Transport security model".
/// - Kubernetes documentation, "Kubelet authentication/authorization".
/// - MySQL Reference Manual, "Security Guidelines"; PostgreSQL documentation, "Client Authentication".
/// - The protocols' own specifications, which have no encryption: Telnet RFC 854, FTP RFC 959,
///   TFTP RFC 1350, rlogin RFC 1282, SNMPv1 RFC 1157, RFB (VNC) RFC 6143.
/// - CVE-2013-5211 (NTP monlist amplification), CVE-2018-1000115 (memcached UDP amplification).
///
/// A class, compared by its fields: every ranking row holds one or none, and a reference is 8
/// bytes where the fields are 57 (6 MB of the 100,000 rows of 100 projects).
final class RiskEntry: Sendable, Equatable {
    let port: Int
    /// `tcp` covers TCP and TCP6, `udp` covers UDP and UDP6.
    let transport: Transport
    let service: String
    let reason: String
    let source: String

    init(port: Int, transport: Transport, service: String, reason: String, source: String) {
        self.port = port
        self.transport = transport
        self.service = service
        self.reason = reason
        self.source = source
    }

    static func == (a: RiskEntry, b: RiskEntry) -> Bool {
        a.port == b.port && a.transport == b.transport && a.service == b.service && a.reason == b.reason && a.source == b.source
    }

    enum Transport: String, Sendable {
        case tcp, udp
    }

    func matches(_ type: PortType) -> Bool {
        switch transport {
        case .tcp: return type == .tcp || type == .tcp6
        case .udp: return type == .udp || type == .udp6
        }
    }
}

enum RiskCatalogue {
    static let entries: [RiskEntry] = [
        RiskEntry(port: 21, transport: .tcp, service: "FTP", reason: "FTP sends credentials and data in clear text", source: "RFC 959"),
        RiskEntry(
            port: 23, transport: .tcp, service: "Telnet", reason: "Telnet sends credentials and sessions in clear text", source: "RFC 854"),
        RiskEntry(
            port: 69, transport: .udp, service: "TFTP", reason: "TFTP has no authentication: anyone can read or write files",
            source: "RFC 1350"),
        RiskEntry(
            port: 111, transport: .udp, service: "portmap", reason: "portmap over UDP is used for reflection and amplification attacks",
            source: "TA14-017A"),
        RiskEntry(
            port: 123, transport: .udp, service: "NTP", reason: "NTP servers answering monlist are abused for amplification attacks",
            source: "TA14-017A; CVE-2013-5211"),
        RiskEntry(
            port: 135, transport: .tcp, service: "MS RPC", reason: "Windows RPC endpoint mapper is a frequent remote-exploitation target",
            source: "MS03-026"),
        RiskEntry(
            port: 137, transport: .udp, service: "NetBIOS name",
            reason: "NetBIOS name service leaks host information and is used for amplification", source: "TA14-017A"),
        RiskEntry(
            port: 139, transport: .tcp, service: "NetBIOS session", reason: "NetBIOS sessions carry SMB file sharing", source: "TA17-132A"),
        RiskEntry(
            port: 161, transport: .udp, service: "SNMP", reason: "SNMP v1/v2c uses clear-text community strings and amplifies UDP floods",
            source: "RFC 1157; TA14-017A"),
        RiskEntry(
            port: 389, transport: .udp, service: "CLDAP", reason: "Connectionless LDAP is abused for large amplification attacks",
            source: "TA14-017A"),
        RiskEntry(
            port: 445, transport: .tcp, service: "SMB", reason: "SMB exposed to networks spread WannaCry and NotPetya (MS17-010)",
            source: "TA17-132A"),
        RiskEntry(port: 512, transport: .tcp, service: "rexec", reason: "rexec authenticates in clear text", source: "RFC 1282"),
        RiskEntry(
            port: 513, transport: .tcp, service: "rlogin", reason: "rlogin trusts host names and sends sessions in clear text",
            source: "RFC 1282"),
        RiskEntry(
            port: 514, transport: .tcp, service: "rsh", reason: "rsh trusts host names and runs commands without a password",
            source: "RFC 1282"),
        RiskEntry(
            port: 1900, transport: .udp, service: "SSDP", reason: "SSDP is abused for reflection and amplification attacks",
            source: "TA14-017A"),
        RiskEntry(
            port: 2375, transport: .tcp, service: "Docker API", reason: "an unauthenticated Docker API gives root on the host",
            source: "Docker: Protect the Docker daemon socket"),
        RiskEntry(
            port: 2379, transport: .tcp, service: "etcd client",
            reason: "etcd holds every Kubernetes secret; its client port must not be reachable", source: "etcd transport security model"),
        RiskEntry(
            port: 2380, transport: .tcp, service: "etcd peer", reason: "etcd peer traffic allows joining or disrupting the cluster",
            source: "etcd transport security model"),
        RiskEntry(
            port: 3306, transport: .tcp, service: "MySQL",
            reason: "database listeners exposed beyond the application tier invite credential attacks",
            source: "MySQL Reference Manual, Security Guidelines"),
        RiskEntry(
            port: 3389, transport: .tcp, service: "RDP", reason: "exposed RDP is a leading ransomware entry point",
            source: "FBI I-092318-PSA"),
        RiskEntry(
            port: 5432, transport: .tcp, service: "PostgreSQL",
            reason: "database listeners exposed beyond the application tier invite credential attacks",
            source: "PostgreSQL documentation, Client Authentication"),
        RiskEntry(
            port: 5900, transport: .tcp, service: "VNC",
            reason: "VNC authentication is weak (8-character DES challenge) and sessions are unencrypted", source: "RFC 6143"),
        RiskEntry(
            port: 6379, transport: .tcp, service: "Redis",
            reason: "Redis has no authentication by default and allows writing files on the host", source: "Redis security"),
        RiskEntry(
            port: 9200, transport: .tcp, service: "Elasticsearch",
            reason: "Elasticsearch without security exposes and lets anyone delete indices", source: "Secure the Elastic Stack"),
        RiskEntry(
            port: 10250, transport: .tcp, service: "kubelet",
            reason: "an anonymous kubelet API allows running commands in any pod on the node",
            source: "Kubelet authentication/authorization"),
        RiskEntry(
            port: 11211, transport: .tcp, service: "memcached", reason: "memcached has no authentication by default",
            source: "CVE-2018-1000115"),
        RiskEntry(
            port: 11211, transport: .udp, service: "memcached", reason: "memcached over UDP amplified the largest DDoS attacks on record",
            source: "CVE-2018-1000115; TA14-017A"),
        RiskEntry(
            port: 27017, transport: .tcp, service: "MongoDB", reason: "MongoDB without access control was wiped and ransomed at scale",
            source: "MongoDB Security Checklist")
    ]

    private static let byPort: [Int: [RiskEntry]] = Dictionary(grouping: entries, by: \.port)

    /// The catalogue entry for a port and protocol, if it is one to worry about.
    static func entry(port: Int, type: PortType) -> RiskEntry? {
        byPort[port]?.first { $0.matches(type) }
    }
}
