import Testing

@testable import PortReport

/// What an import did to each snapshot it touched is what its summary reports: it must keep the
/// order of first touch, and a rolled-back input must leave no trace of what it did, across the
/// chunks the entries are kept in, while a settling between inputs stays.
@Suite struct TouchedSnapshotsTests {
    private func ids(_ touched: TouchedSnapshots) -> [Int64] {
        var ids: [Int64] = []
        touched.forEach { id, _ in ids.append(id) }
        return ids
    }

    private func group(existed: Bool, records: Int, sources: Int) -> TouchedSnapshots.Group {
        var group = TouchedSnapshots.Group(existed: existed)
        group.addedRecords = records
        group.addedSources = sources
        return group
    }

    @Test("snapshots come back in the order first touched, each with its latest group")
    func orderOfFirstTouch() {
        var touched = TouchedSnapshots()
        touched.beginInput()
        // Ids out of order, one touched twice: the order is of first touch, not of id.
        touched.set(group(existed: false, records: 1, sources: 1), for: 9)
        touched.set(group(existed: true, records: 0, sources: 0), for: 3)
        touched.set(group(existed: false, records: 5, sources: 2), for: 9)
        #expect(ids(touched) == [9, 3])
        #expect(touched.count == 2)
        #expect(touched[9]?.addedRecords == 5 && touched[9]?.addedSources == 2 && touched[9]?.existed == false)
        #expect(touched[3]?.existed == true)
        #expect(touched[4] == nil)
    }

    @Test("a rolled-back input loses the snapshots it added, across chunks, and its changes to earlier ones")
    func rollBackAcrossChunks() {
        var touched = TouchedSnapshots()
        touched.beginInput()
        // 1,000 snapshots, then an input that adds 2,000 more (past two chunk boundaries of 1,024)
        // and changes snapshot 10.
        for id in Int64(1)...1000 { touched.set(group(existed: false, records: 1, sources: 1), for: id) }
        touched.beginInput()
        for id in Int64(1001)...3000 { touched.set(group(existed: false, records: 1, sources: 1), for: id) }
        touched.set(group(existed: false, records: 7, sources: 3), for: 10)
        touched.set(group(existed: false, records: 8, sources: 4), for: 10)
        #expect(touched.count == 3000)
        touched.rollBack()
        #expect(touched.count == 1000)
        #expect(ids(touched) == Array(Int64(1)...1000))
        #expect(touched[10]?.addedRecords == 1 && touched[10]?.addedSources == 1)
        #expect(touched[1001] == nil && touched[3000] == nil)
        // What comes after is added after the survivors, and can be touched as before.
        touched.beginInput()
        touched.set(group(existed: true, records: 0, sources: 0), for: 2500)
        #expect(ids(touched).suffix(2) == [1000, 2500])
        #expect(touched[2500]?.existed == true)
    }

    @Test("settling between inputs is kept when the next input is rolled back")
    func settlingSurvivesRollBack() {
        var touched = TouchedSnapshots()
        touched.beginInput()
        touched.set(group(existed: false, records: 2, sources: 1), for: 1)
        touched.beginInput()
        let kinds = RecordKinds([RecordBlob.Entry(port: 22, type: .tcp, status: nil, sourceID: 1, num: 2)])
        touched.settle(1, kinds: kinds)
        touched.set(group(existed: false, records: 9, sources: 9), for: 1)
        touched.rollBack()
        #expect(touched[1]?.addedRecords == 2)
        #expect(touched[1]?.settledKinds == kinds)
        // Settling a snapshot the run did not touch changes nothing.
        touched.settle(2, kinds: kinds)
        #expect(touched[2] == nil && touched.count == 1)
    }
}
