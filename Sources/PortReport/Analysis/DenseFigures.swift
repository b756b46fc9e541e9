/// Figures of every port and type in arrays indexed by `PortKey.code` (65,536 ports × 4 types):
/// a sum over many snapshots with no hashing. An all-projects figure adds every project's records
/// — 200,000 for 100 projects of 1,000 ports in each category — and adding them in a dictionary
/// keyed by port was most of such a report; here each record is one array update, and the
/// dictionary (`aggregate`) is built once, one insertion per port listed.
struct DenseFigures {
    /// One slot per `PortKey.code`.
    static let slots = 65_536 * 4

    private(set) var nums: [Int64]
    /// Per code: 0 when nothing added lists it; otherwise 1 + `StatusOrder.rank` of the worst
    /// verdict added (the verdict codes of `AnalysisReader.values`).
    private(set) var verdicts: [UInt8]
    /// The codes listed, in the order first added.
    private(set) var listed: [UInt32] = []

    init() {
        nums = [Int64](repeating: 0, count: Self.slots)
        verdicts = [UInt8](repeating: 0, count: Self.slots)
    }

    /// Adds one record: its num to the code's sum, and the worse of the verdicts. `code` comes from
    /// a blob's port (16 bits) and type (2 bits), so it is always a slot; one that is not (never
    /// made by the store) is ignored rather than trapping.
    @inline(__always)
    mutating func add(code: UInt32, num: Int64, verdict: UInt8) {
        let slot = Int(code)
        guard slot < Self.slots else { return }
        if verdicts[slot] == 0 { listed.append(code) }
        nums[slot] = nums[slot].saturatingAdding(num)
        verdicts[slot] = max(verdicts[slot], max(verdict, 1))
    }

    /// Runs `body` over the slots in place (a loop over a snapshot's records then makes no copy
    /// and no uniqueness check per record): the nums, the verdicts, and the codes listed, to which
    /// `body` appends each code it gives a verdict for the first time. `body` keeps `verdicts` at
    /// 0 (not listed) or 1–4, as `add` and `raise` do.
    mutating func withUnsafeSlots<R>(
        _ body: (UnsafeMutableBufferPointer<Int64>, UnsafeMutableBufferPointer<UInt8>, inout [UInt32]) -> R
    ) -> R {
        var listed = self.listed
        self.listed = []
        defer { self.listed = listed }
        return nums.withUnsafeMutableBufferPointer { nums in
            verdicts.withUnsafeMutableBufferPointer { verdicts in body(nums, verdicts, &listed) }
        }
    }

    /// Empties it, clearing only the slots listed (a scratch reused across projects).
    mutating func removeAll() {
        for code in listed {
            nums[Int(code)] = 0
            verdicts[Int(code)] = 0
        }
        listed.removeAll(keepingCapacity: true)
    }

    /// Adds every figure of an aggregate.
    mutating func add(_ aggregate: Aggregate) {
        for (key, value) in aggregate {
            add(code: key.code, num: value.num, verdict: UInt8(StatusOrder.rank(value.status) + 1))
        }
    }

    /// The figure of `code`, or nil when nothing added lists it.
    func value(_ code: UInt32) -> RecordValue? {
        let slot = Int(code)
        guard slot < Self.slots, verdicts[slot] > 0 else { return nil }
        return RecordValue(num: nums[slot], status: StatusOrder.status(ofRank: Int(verdicts[slot]) - 1))
    }

    /// The sum of `code` (0 when nothing added lists it).
    func num(_ code: UInt32) -> Int64 {
        let slot = Int(code)
        return slot < Self.slots ? nums[slot] : 0
    }

    /// The figures as an aggregate: one insertion per port listed.
    var aggregate: Aggregate {
        var result: Aggregate = Dictionary(minimumCapacity: listed.count)
        for code in listed {
            if let value = value(code) { result[PortKey(code: code)] = value }
        }
        return result
    }
}

/// Ports in order without a comparison sort.
enum PortOrder {
    /// The aggregate's entries ordered by key, as `sorted { $0.key < $1.key }` gives them, by a
    /// bitmap of the codes present (32 KB) instead of a comparison sort: sorting the 100,000
    /// ports of 100 projects twice in the policy was an eighth of their report.
    static func entries(of aggregate: Aggregate) -> [(key: PortKey, value: RecordValue)] {
        let codes = 1 << 18  // port × 4 + type, for ports 0...65535
        var present = [UInt64](repeating: 0, count: codes / 64)
        var outside: [PortKey] = []
        for key in aggregate.keys {
            let code = Int(key.code)
            if code < codes {
                present[code >> 6] |= 1 << UInt64(code & 63)
            } else {
                outside.append(key)
            }
        }
        var result: [(key: PortKey, value: RecordValue)] = []
        result.reserveCapacity(aggregate.count)
        for (index, word) in present.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                let key = PortKey(code: UInt32(index << 6 | bits.trailingZeroBitCount))
                bits &= bits - 1
                if let value = aggregate[key] { result.append((key, value)) }
            }
        }
        for key in outside.sorted() {
            if let value = aggregate[key] { result.append((key, value)) }
        }
        return result
    }
}
