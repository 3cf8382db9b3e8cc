import Foundation
import POSCore
import Testing

@Suite struct BackupRetentionTests {
    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

    /// 90 nights of backups at 01:30 (and a second one at 13:00 every fifth day), pruned after each one as the timer
    /// does: what is left is the newest of each of the last 7 days and of each of the last 3 months.
    @Test func ninetySimulatedDaysKeepExactlyTheNewestPerDayAndPerMonth() throws {
        let start = try #require(ISO8601DateFormatter().date(from: "2026-01-01T01:30:00Z"))
        var folder: [BackupRetention.Backup] = []
        for day in 0..<90 {
            var times = [start.addingTimeInterval(Double(day) * 86_400)]
            if day % 5 == 0 { times.append(times[0].addingTimeInterval(11.5 * 3_600)) }
            for time in times {
                let name = "vetpos-\(Self.stamp(time)).sqlite"
                folder.append(try #require(BackupRetention.Backup(name: name, verified: true)))
                let doomed = BackupRetention.prune(folder, keepDaily: 7, keepMonthly: 3)
                #expect(!doomed.contains(name), "the newest backup is never pruned")
                folder.removeAll { doomed.contains($0.name) }
            }
        }
        // Day 89 is 2026-03-31; days 85 (2026-03-27) and 30 (2026-01-31) had a second backup at 13:00.
        let expected: Set<String> = [
            "vetpos-20260325-013000.sqlite", "vetpos-20260326-013000.sqlite", "vetpos-20260327-130000.sqlite",
            "vetpos-20260328-013000.sqlite", "vetpos-20260329-013000.sqlite", "vetpos-20260330-013000.sqlite",
            "vetpos-20260331-013000.sqlite",  // also March's newest
            "vetpos-20260228-013000.sqlite", "vetpos-20260131-130000.sqlite",  // day 30 had two
        ]
        #expect(Set(folder.map(\.name)) == expected)
    }

    @Test func unverifiedBackupsAreNeverChosenNorPrunedAndTheNewestVerifiedStays() throws {
        let backups = [
            BackupRetention.Backup(name: "vetpos-20260310-013000.sqlite", verified: false)!,
            BackupRetention.Backup(name: "vetpos-20260309-013000.sqlite", verified: true)!,
            BackupRetention.Backup(name: "vetpos-20260308-013000.sqlite", verified: true)!,
        ]
        // Keeping nothing still keeps the newest verified backup; the unverified one is left alone.
        #expect(
            BackupRetention.prune(backups, keepDaily: 0, keepMonthly: 0) == ["vetpos-20260308-013000.sqlite"]
        )
        #expect(BackupRetention.prune(backups, keepDaily: 2, keepMonthly: 0).isEmpty)
    }

    @Test func onlyDatedBackupNamesTakePart() {
        #expect(BackupRetention.stamp(ofName: "vetpos-20261206-013000.sqlite") == "20261206-013000")
        #expect(BackupRetention.stamp(ofName: "vetpos-20261206-013000-2.sqlite") == "20261206-013000")
        for name in [
            "vetpos-pre-v8-20261206-013000.sqlite", "vetpos-20261206-0130.sqlite", "notes.sqlite",
            "vetpos-20261206-013000.sqlite.verified", "vetpos-2026120x-013000.sqlite",
        ] {
            #expect(BackupRetention.stamp(ofName: name) == nil, "\(name)")
        }
    }
}
