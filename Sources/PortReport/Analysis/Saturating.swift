/// Overflow-safe sums for the analysis.
///
/// The store takes at most `PortRecord.maximumNum` per record, so that no sum the analysis makes
/// comes near Int64's limit; stores written by 0.2 could hold larger values, which the reader
/// leaves out with a warning. These are the second line: whatever reaches the analysis, a sum
/// stops at `Int64.max` (or `Int64.min`) instead of trapping.
extension Int64 {
    /// `self + other`, or the nearest limit when that overflows.
    @inline(__always)
    func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, or the nearest limit when that overflows.
    @inline(__always)
    func saturatingSubtracting(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other > 0 ? .min : .max
    }
}

extension Sequence where Element == Int64 {
    /// The sum, saturating at Int64's limits.
    func saturatingSum() -> Int64 {
        reduce(0) { $0.saturatingAdding($1) }
    }
}
