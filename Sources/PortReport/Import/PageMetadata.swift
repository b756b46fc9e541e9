/// A raw body's snapshot metadata: flags, then what the body says, then the path, then defaults.
extension Importer {
    /// Flags, then the body (`bodyCategory`: an object keyed by category), then the path, then
    /// defaults; with a warning when the capture time is a guess.
    func rawBodyMetadata(
        _ file: InputFile, bodyCategory: (value: Category, place: String)? = nil
    ) throws(InputError) -> (key: SnapshotKey, provenance: MetadataProvenance, warning: String?) {
        let path = file.displayPath
        var warning: String?
        let category: Category
        let categorySource: String
        if let flag = options.category {
            if let bodyCategory, bodyCategory.value != flag {
                throw InputError(
                    file: path, place: bodyCategory.place,
                    message: "the body says \(bodyCategory.value.rawValue) but --category says \(flag.rawValue): leave out --category")
            }
            category = flag
            categorySource = "flag --category"
        } else if let bodyCategory {
            category = bodyCategory.value
            categorySource = "body (\(bodyCategory.place))"
        } else {
            switch PathMetadata.category(in: file.isStandardInput ? "" : path) {
            case .found(let value, let component):
                category = value
                categorySource = "path (\(component))"
            case .ambiguous(let component):
                throw InputError(
                    file: path,
                    message: "the path says both host and container (\(component)); pass --category host or --category container")
            case .none:
                category = .host
                categorySource = "API default (host)"
            }
        }
        let capturedAt: Timestamp
        let capturedSource: String
        if let flag = options.capturedAt {
            capturedAt = flag
            capturedSource = "flag --captured-at"
        } else if !file.isStandardInput, let found = PathMetadata.captureTime(in: path) {
            guard found.timestamp.isInValidRange else {
                throw InputError(
                    file: path, place: "path",
                    message:
                        "the capture time \(found.text) in the path is not \(Timestamp.validRangeDescription); rename the file or pass --captured-at"
                )
            }
            capturedAt = found.timestamp
            capturedSource = "path (\(found.text)\(found.hasTime ? "" : ", date only: 00:00:00Z"))"
        } else if let mtime = file.modificationTime {
            guard mtime.isInValidRange else {
                throw InputError(
                    file: path,
                    message:
                        "no capture time in the path or flags, and the file's modification time (\(mtime.secondsSinceEpoch) Unix seconds) is not \(Timestamp.validRangeDescription); pass --captured-at"
                )
            }
            capturedAt = mtime
            capturedSource = "file modification time"
            warning =
                "\(path): no capture time in the path or flags; using the file's modification time \(mtime.rfc3339) (pages of one export merge only when their times agree: pass --captured-at or keep exports in dated folders)"
        } else {
            capturedAt = options.now
            capturedSource = "time of import (standard input)"
            warning = "\(file.isStandardInput ? "standard input" : path): no --captured-at; using the time of import \(options.now.rfc3339)"
        }
        let filters = SnapshotKey.canonicalFilters(options.filters)
        let key = SnapshotKey(
            projectID: options.projectID ?? "", enterpriseProjectID: options.enterpriseProjectID ?? "",
            category: category, capturedAt: capturedAt, filters: filters)
        let provenance = MetadataProvenance(
            project: options.projectID != nil ? "flag --project" : "unknown (no --project)",
            enterpriseProject: options.enterpriseProjectID != nil ? "flag --enterprise-project" : "not given",
            category: categorySource, capturedAt: capturedSource)
        return (key, provenance, warning)
    }
}
