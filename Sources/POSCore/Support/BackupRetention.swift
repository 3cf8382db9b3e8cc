/// Which backups in the backups folder to keep: the newest backup of each of the last `keepDaily` calendar days that
/// have one, the newest of each of the last `keepMonthly` months that have one, and always the newest verified backup.
///
/// Days and months are those of the backup's name (`vetpos-YYYYMMDD-HHMMSS.sqlite`, UTC). Only verified backups take
/// part: a file without its verification record is never chosen and never pruned (`vetpos status` lists it as not
/// verified), and neither are backups taken before a schema upgrade (`vetpos-pre-vN-…`), which are kept for good.
public enum BackupRetention {
    /// A dated backup file.
    public struct Backup: Hashable, Sendable {
        public var name: String
        /// `YYYYMMDD-HHMMSS` (UTC), from the name.
        public var stamp: String
        public var verified: Bool

        public init(name: String, stamp: String, verified: Bool) {
            self.name = name
            self.stamp = stamp
            self.verified = verified
        }

        /// A backup from its file name, or nil when the name is not a dated backup's (`vetpos-YYYYMMDD-HHMMSS`,
        /// optionally followed by `-N`, then `.sqlite`).
        public init?(name: String, verified: Bool) {
            guard let stamp = BackupRetention.stamp(ofName: name) else { return nil }
            self.init(name: name, stamp: stamp, verified: verified)
        }

        var day: Substring { stamp.prefix(8) }
        var month: Substring { stamp.prefix(6) }
    }

    /// `YYYYMMDD-HHMMSS` of a dated backup's name, else nil.
    public static func stamp(ofName name: String) -> String? {
        guard name.hasPrefix("vetpos-"), name.hasSuffix(".sqlite") else { return nil }
        let core = name.dropFirst("vetpos-".count).dropLast(".sqlite".count)
        let stamp = core.prefix(15)
        let parts = stamp.split(separator: "-", omittingEmptySubsequences: false)
        guard stamp.count == 15, parts.count == 2, parts[0].count == 8, parts[1].count == 6,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        let rest = core.dropFirst(15)
        guard rest.isEmpty || (rest.hasPrefix("-") && rest.count > 1 && rest.dropFirst().allSatisfy(\.isNumber)) else {
            return nil
        }
        return String(stamp)
    }

    /// The names of the backups to delete. Never the newest verified backup, never an unverified one.
    public static func prune(_ backups: [Backup], keepDaily: Int, keepMonthly: Int) -> Set<String> {
        let verified = backups.filter(\.verified).sorted { ($0.stamp, $0.name) > ($1.stamp, $1.name) }
        var keep = Set<String>()
        if let newest = verified.first { keep.insert(newest.name) }
        var days = Set<Substring>()
        var months = Set<Substring>()
        for backup in verified {
            if !days.contains(backup.day) {
                days.insert(backup.day)
                if days.count <= keepDaily { keep.insert(backup.name) }
            }
            if !months.contains(backup.month) {
                months.insert(backup.month)
                if months.count <= keepMonthly { keep.insert(backup.name) }
            }
        }
        return Set(verified.map(\.name)).subtracting(keep)
    }
}
