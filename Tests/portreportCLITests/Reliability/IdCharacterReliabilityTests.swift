// Issue 12 F6/F8: a NUL in a project id cut it short when stored, and invalid UTF-8 (U+FFFD once
// decoded) was stored silently. Every way an id enters (a flag, a sidecar, a path component)
// refuses them, naming where the id came from; the store is unchanged. (Other control
// characters are stored and shown visibly: MessageReliabilityTests.) Expected messages are
// written out by hand.

import Foundation
import Testing

@Suite("Ids with control characters are refused wherever they enter")
struct IdCharacterReliabilityTests {
    static let body = #"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 3, "status": "normal"}]}"#

    @Test("--project with U+FFFD is a usage error before anything is read")
    func flag() async throws {
        let project = "a\u{FFFD}b"
        try await withScratch("id-flag") { scratch in
            let page = try scratch.write("2026-11-28/host/page-1.json", Self.body)
            let run = try await CLI.run(["import", "--store", scratch.store, "--project", project, page])
            #expect(run.status == 64, "\(run)")
            #expect(
                run.err.contains("--project expects an id without U+FFFD (invalid UTF-8, or a replaced character): found at character 2"),
                "\(run)")
            #expect(!FileManager.default.fileExists(atPath: scratch.store), "nothing was written")
        }
    }

    @Test("a sidecar's project_id with a NUL is refused, naming the sidecar; the store is unchanged")
    func sidecar() async throws {
        try await withScratch("id-sidecar") { scratch in
            let good = try scratch.write("good/2026-11-27/host/page-1.json", Self.body)
            let first = try await CLI.run(["import", "--store", scratch.store, "--project", "P", good])
            try #require(first.status == 0, "\(first)")
            let before = try StoreInspection.dump(scratch.store)
            try scratch.write("export/portreport-export.json", #"{"format": "portreport-export/1", "project_id": "a\u0000b"}"#)
            try scratch.write("export/2026-11-28/host/page-1.json", Self.body)
            let run = try await CLI.run(["import", "--store", scratch.store, scratch.path("export")])
            #expect(run.status == 1, "\(run)")
            let error = run.err.lines.first { $0.hasPrefix("error:") } ?? ""
            #expect(error.contains("portreport-export.json"), "\(run)")
            #expect(
                error.contains("project_id: expected a non-empty string of at most 256 characters without control characters"), "\(run)")
            #expect(try StoreInspection.dump(scratch.store) == before, "a refused import changed the store")
        }
    }

    @Test("a project-<id> directory with U+FFFD is refused at the page, naming where the id came from")
    func pathComponent() async throws {
        try await withScratch("id-path") { scratch in
            let page = try scratch.write("project-a\u{FFFD}b/2026-11-28/host/page-1.json", Self.body)
            let run = try await CLI.run(["import", "--store", scratch.store, page])
            #expect(run.status == 1, "\(run)")
            let error = run.err.lines.first { $0.hasPrefix("error:") } ?? ""
            #expect(
                error.contains("expected a project id without U+FFFD (invalid UTF-8, or a replaced character): found at character 2"),
                "\(run)")
            #expect(error.contains("path (project-"), "the place says where the id came from: \(run)")
        }
    }

    @Test("a walked file whose name is not UTF-8 is an error naming its directory and its bytes, never read as another file")
    func nonUTF8NameInWalk() async throws {
        try await withScratch("walk-name") { scratch in
            try scratch.write("walk/2026-11-28/host/page-1.json", Self.body)
            // The twin that a decoded name (U+FFFD) would open instead.
            try scratch.write("walk/2026-11-28/host/p\u{FFFD}.json", Self.body)
            let directory = scratch.path("walk/2026-11-28/host")
            var raw = Array((directory + "/p").utf8) + [0xFF] + Array(".json".utf8) + [0]
            let descriptor = raw.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.map { creat($0, 0o644) } ?? -1
            }
            try #require(descriptor >= 0, "cannot make the file")
            close(descriptor)
            let run = try await CLI.run(["import", "--store", scratch.store, "--project", "P", scratch.path("walk")])
            #expect(run.status == 1, "\(run)")
            #expect(
                run.err.lines.first
                    == "error: \(directory): holds an entry whose name is not UTF-8 (p\\xFF.json): rename it (portreport reads only UTF-8 names)",
                "\(run)")
            #expect(run.out.isEmpty, "nothing was imported: \(run)")
        }
    }
}
