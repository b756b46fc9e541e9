/// The tool's version, written into provenance and `--version`.
public enum PortReportVersion {
    public static let string = "0.2.0"
}
