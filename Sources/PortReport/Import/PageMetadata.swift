/// A raw body's snapshot metadata: flags, then what the body says, then the sidecar, then the
/// path, then defaults — and which values came from a default, for the run's warnings.
extension Importer {
    /// The snapshot key of a raw body in `file`, where each value came from, and the values that
    /// came from a default (warned about once per kind at the end of the run). `bodyCategory` is
    /// the category the body itself gives (an object keyed by category).
    func rawBodyMetadata(
        _ file: InputFile, bodyCategory: (value: Category, place: String)? = nil, metadataPath: String? = nil
    ) throws(InputError) -> (key: SnapshotKey, provenance: MetadataProvenance, defaults: [MetadataDefaults.Default]) {
        let path = file.displayPath
        let sidecar = file.isStandardInput ? nil : sidecars.values(for: file)
        // A drill-down page's metadata is read from its directory (`metadataPath`), not its name.
        let typedPath = file.isStandardInput ? "" : (metadataPath ?? path)
        var defaults: [MetadataDefaults.Default] = []

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
            defaults += Self.pathContradiction(typedPath, category: flag, source: "--category")
        } else if let bodyCategory {
            if let said = sidecar?.category, said.value != bodyCategory.value {
                throw InputError(
                    file: path, place: bodyCategory.place,
                    message:
                        "the body says \(bodyCategory.value.rawValue) but the sidecar \(said.sidecar) says \(said.value.rawValue): correct the sidecar"
                )
            }
            category = bodyCategory.value
            categorySource = "body (\(bodyCategory.place))"
        } else if let said = sidecar?.category {
            category = said.value
            categorySource = "sidecar \(said.sidecar)"
            defaults += Self.pathContradiction(typedPath, category: said.value, source: "the sidecar \(said.sidecar)")
        } else {
            switch PathMetadata.category(in: typedPath) {
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
                defaults.append(MetadataDefaults.Default(kind: .category, value: "host"))
            }
        }

        var capturedAt: Timestamp
        var capturedSource: String
        if let flag = options.capturedAt {
            capturedAt = flag
            capturedSource = "flag --captured-at"
        } else if let said = sidecar?.capturedAt {
            capturedAt = said.value
            capturedSource = "sidecar \(said.sidecar)"
        } else if let found = try pathTime(typedPath, file: path) {
            capturedAt = found.timestamp
            capturedSource = found.provenance
        } else if let mtime = file.modificationTime {
            guard mtime.isInValidRange else {
                throw InputError(
                    file: path,
                    message:
                        "no capture time in the flags, a sidecar or the path, and the file's modification time (\(mtime.secondsSinceEpoch) Unix seconds) is not \(Timestamp.validRangeDescription); pass --captured-at"
                )
            }
            capturedAt = mtime
            capturedSource = "file modification time"
            defaults.append(MetadataDefaults.Default(kind: .modificationTime, value: mtime.rfc3339))
        } else {
            capturedAt = options.now
            capturedSource = "time of import (\(file.isStandardInput ? "standard input" : "a stream"))"
            defaults.append(MetadataDefaults.Default(kind: .importTime, value: options.now.rfc3339))
        }
        capturedSource = Self.note(capturedSource, sidecar?.exportedBy, "exported by")

        var projectID = ""
        var projectSource: String
        if let flag = options.projectID {
            projectID = flag
            projectSource = "flag --project"
            defaults += Self.pathContradiction(typedPath, project: flag, source: "--project")
        } else if let said = sidecar?.projectID {
            projectID = said.value
            projectSource = "sidecar \(said.sidecar)"
            defaults += Self.pathContradiction(typedPath, project: said.value, source: "the sidecar \(said.sidecar)")
        } else if let found = PathMetadata.project(in: typedPath) {
            projectID = found.id
            projectSource = "path (\(found.component))"
        } else {
            projectSource = "unknown (no --project)"
            defaults.append(MetadataDefaults.Default(kind: .project, value: "unknown"))
        }
        projectSource = Self.note(projectSource, sidecar?.region, "region")

        var enterpriseID = ""
        let enterpriseSource: String
        if let flag = options.enterpriseProjectID {
            enterpriseID = flag
            enterpriseSource = "flag --enterprise-project"
        } else if let said = sidecar?.enterpriseProjectID {
            enterpriseID = said.value
            enterpriseSource = "sidecar \(said.sidecar)"
        } else {
            enterpriseSource = "not given"
        }

        // The filters are one value: --filter replaces a sidecar's filters as a whole.
        let filters =
            !options.filters.isEmpty
            ? SnapshotKey.canonicalFilters(options.filters)
            : SnapshotKey.canonicalFilters((sidecar?.filters?.value ?? []).map { ($0.name, $0.value) })
        let key = SnapshotKey(
            projectID: projectID, enterpriseProjectID: enterpriseID, category: category, capturedAt: capturedAt, filters: filters)
        let provenance = MetadataProvenance(
            project: projectSource, enterpriseProject: enterpriseSource, category: categorySource, capturedAt: capturedSource)
        return (key, provenance, defaults)
    }

    /// The capture time in the path, with a bad date or time as an error naming its component.
    private func pathTime(_ typedPath: String, file: String) throws(InputError) -> PathMetadata.FoundTime? {
        do {
            return try PathMetadata.captureTime(in: typedPath)
        } catch {
            throw InputError(
                file: file, place: "path component \"\(error.component)\"", message: "\(error.reason); rename it or pass --captured-at")
        }
    }

    /// `source` with what a sidecar adds that is not part of the key (the region beside the
    /// project, the exporting tool beside the capture time): `sidecar P (region R)` when the value
    /// came from that same sidecar, else `SOURCE; region R (sidecar P)`.
    private static func note(_ source: String, _ extra: SidecarIndex.Values.Sourced<String>?, _ label: String) -> String {
        guard let extra else { return source }
        if source == "sidecar \(extra.sidecar)" { return "\(source) (\(label) \(extra.value))" }
        return "\(source); \(label) \(extra.value) (sidecar \(extra.sidecar))"
    }
}

extension Importer {
    /// A warning's worth when `typedPath` has a `project-<id>` directory other than `project`.
    static func pathContradiction(_ typedPath: String, project: String, source: String) -> [MetadataDefaults.Default] {
        guard let found = PathMetadata.project(in: typedPath), found.id != project else { return [] }
        return [
            MetadataDefaults.Default(
                kind: .projectOverride,
                value: "\(source) says \(project.isEmpty ? "no project" : project) where the path says \(found.id) (\(found.component))")
        ]
    }

    /// A warning's worth when `typedPath` names a category other than `category`, which
    /// `source` said: a flag or sidecar wins, but a `host/` folder stored as container data is
    /// most likely a mistake, and it must not pass in silence.
    static func pathContradiction(_ typedPath: String, category: Category, source: String) -> [MetadataDefaults.Default] {
        guard case .found(let value, let component) = PathMetadata.category(in: typedPath), value != category else { return [] }
        return [
            MetadataDefaults.Default(
                kind: .categoryOverride,
                value: "\(source) says \(category.rawValue) where the path says \(value.rawValue) (\(component))")
        ]
    }
}

/// The values of a run's snapshots that came from a default, counted per kind, so that each kind
/// is warned about once per run, with the value used, the first input and how to set it.
struct MetadataDefaults: Sendable, Equatable {
    enum Kind: Int, Sendable, CaseIterable {
        case project, category, modificationTime, importTime
        /// Not a default: a flag or sidecar said a category the path contradicts (`host/`).
        case categoryOverride
        /// Not a default: a flag or sidecar said a project a `project-<id>` directory contradicts.
        case projectOverride
    }

    /// One value of one page that came from a default.
    struct Default: Sendable, Equatable {
        let kind: Kind
        /// The value used (`unknown`, `host`, the time), for the message.
        let value: String
    }

    private struct Tally: Sendable, Equatable {
        var pages: Int
        let first: String
        let value: String
    }

    private var tallies: [Kind: Tally] = [:]

    /// Counts the defaults of one page of `path` (`-` for standard input).
    mutating func note(_ defaults: [Default], path: String) {
        for item in defaults {
            if tallies[item.kind] != nil {
                tallies[item.kind]?.pages += 1
            } else {
                tallies[item.kind] = Tally(pages: 1, first: path == "-" ? "standard input" : path, value: item.value)
            }
        }
    }

    /// One warning per kind that occurred, in a fixed order (project, category, capture time).
    var warnings: [String] {
        Kind.allCases.compactMap { kind in
            guard let tally = tallies[kind] else { return nil }
            let (what, because, outcome, remedy) = MetadataDefaults.wording(kind, tally)
            let subject =
                tally.pages == 1
                ? "\(tally.first) has \(what) (\(because))"
                : "\(tally.pages) pages have \(what) (\(because); the first is \(tally.first))"
            return "\(subject): \(outcome); \(remedy)"
        }
    }

    private static func wording(_ kind: Kind, _ tally: Tally) -> (String, String, String, String) {
        switch kind {
        case .project:
            return (
                "no project", "no --project, sidecar project_id or project-<id> directory",
                "stored under project \"\(tally.value)\"", "pass --project ID"
            )
        case .category:
            return (
                "no category", "no --category, sidecar category, or host or container word in the path",
                "stored as \(tally.value), the API's default", "pass --category host or --category container"
            )
        case .modificationTime:
            let first = tally.pages == 1 ? "\(tally.value)" : "\(tally.value) for the first"
            return (
                "no capture time", "no --captured-at, sidecar captured_at or date in the path",
                "captured at the file's modification time (\(first)); pages of one export merge only when their times agree",
                "pass --captured-at TIME or keep exports in dated folders"
            )
        case .importTime:
            return (
                "no capture time", "no --captured-at", "captured at the time of import, \(tally.value)", "pass --captured-at TIME"
            )
        case .categoryOverride:
            return (
                "a path that names another category", tally.value, "stored as the flag or sidecar says",
                "if the path is right, leave out --category or correct the sidecar, and fix what was stored with portreport relabel"
            )
        case .projectOverride:
            return (
                "a path that names another project", tally.value, "stored under the project the flag or sidecar says",
                "if the path is right, leave out --project or correct the sidecar, and fix what was stored with portreport relabel"
            )
        }
    }
}
