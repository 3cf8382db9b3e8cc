import Foundation
import POSStorage
import Testing

/// `vetpos backup`, `restore` and `status` run as the nightly timer and a manager would: the real binary, no sign-in.
@Suite struct BackupCLITests {
    static func backups(_ sandbox: Sandbox) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sandbox.path("backups"))) ?? []).sorted()
    }

    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

    /// Rewrites a verification record's file name and time (as if the backup had been taken then).
    static func record(_ path: String, file: String, takenAt: Date) throws -> Data {
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        )
        object["file"] = file
        object["takenAtMillis"] = Int64(takenAt.timeIntervalSince1970 * 1000)
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test func statusSaysWhenABackupIsOverdueAndTheTimersBackupNeedsNoSignIn() async throws {
        let sandbox = try await SeededTemplate.copy("status")
        defer { sandbox.remove() }
        // No backup yet: exit 6.
        let none = try await sandbox.run(["status", "--db", sandbox.db, "--no-devices"])
        #expect(none.status == 6, "\(none)")
        #expect(none.stdout.contains("Last verified backup:") && none.stdout.contains("OVERDUE"), "\(none)")
        #expect(none.stderr.contains("backup overdue"), "\(none)")

        let backup = try await sandbox.ok(["backup", "--db", sandbox.db])
        #expect(backup.stdout.contains("verified (integrity ok"), "\(backup)")
        let files = Self.backups(sandbox)
        #expect(files.count == 2, "\(files)")
        let name = try #require(files.first { $0.hasSuffix(".sqlite") })
        #expect(files.contains(name + ".verified"))
        let mode = try FileManager.default.attributesOfItem(atPath: sandbox.path("backups/" + name))[.posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o640)

        // A fresh verified backup: exit 0, and the text is for a person.
        let fresh = try await sandbox.ok(["status", "--db", sandbox.db, "--no-devices"])
        for words in [
            "Clinic:", "Test Animal Clinic", "Size:", " MB", "Schema:", "v\(Store.knownMigrations.count)", "Journal:",
            "verified up to entry",
            "Open drawers:", "FRONT-1", "Print jobs waiting:", name, "up to date",
        ] {
            #expect(fresh.stdout.contains(words), "\(words) in \(fresh.stdout)")
        }
        let json = try await sandbox.ok(["status", "--db", sandbox.db, "--no-devices", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["backupOverdue"] as? Bool == false)
        #expect((object["lastVerifiedBackup"] as? [String: Any])?["name"] as? String == name)

        // The same backup, recorded as taken 37 hours ago: overdue again.
        let recordPath = sandbox.path("backups/" + name + ".verified")
        try Self.record(recordPath, file: name, takenAt: Date().addingTimeInterval(-37 * 3_600))
            .write(to: URL(fileURLWithPath: recordPath))
        let old = try await sandbox.run(["status", "--db", sandbox.db, "--no-devices"])
        #expect(old.status == 6, "\(old)")

        // Signing in is still possible, and then the role counts: a CSR may not back up.
        let refused = try await sandbox.run(["backup", "--db", sandbox.db], as: Clinic.csr)
        expectRefusal(refused, status: 3, mentions: ["not permitted", "back up"])
        try await sandbox.ok(["backup", "--db", sandbox.db], as: Clinic.bookkeeper)
    }

    @Test func restoreVerifiesRefusesANewerDatabaseAndKeepsTheReplacedOneAside() async throws {
        let sandbox = try await SeededTemplate.copy("restore")
        defer { sandbox.remove() }
        try await sandbox.ok(["backup", "--db", sandbox.db, "--to", sandbox.path("nightly")])
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: sandbox.path("nightly")).first {
                $0.hasSuffix(".sqlite")
            }
        )
        let backup = sandbox.path("nightly/" + name)

        // Disaster recovery: no database at the target.
        let fresh = sandbox.path("new/vetpos.sqlite")
        let restored = try await sandbox.ok(["restore", "--db", fresh, backup])
        for words in ["restored", name, "last journal entry:", "last Z report:", "taken"] {
            #expect(restored.stdout.contains(words), "\(words) in \(restored)")
        }
        try await sandbox.ok(["journal", "verify", "--db", fresh])

        // The desk carries on: the live database is now ahead of the backup.
        try sandbox.write(
            "visit.json",
            #"{"id": "after-backup-1", "client": "OWNER", "lines": [{"patient": "REX", "item": "EXAM", "provider": "VET"}], "payments": [{"tender": "cash", "amount": "62.00"}]}"#
        )
        try await sandbox.ok(["checkout", "--db", sandbox.db, "visit.json"], as: Clinic.csr)
        let before = try await DatabaseSnapshot.dump(sandbox.db)
        let refused = try await sandbox.run(["restore", "--db", sandbox.db, backup])
        expectRefusal(refused, status: 4, mentions: ["ahead of the backup", "--force"])
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(before == after, "a refused restore changed the database")
        let forced = try await sandbox.ok(["restore", "--db", sandbox.db, backup, "--force"])
        #expect(forced.stdout.contains("kept as \(sandbox.db).replaced-"), "\(forced)")
        let aside = try FileManager.default.contentsOfDirectory(atPath: sandbox.directory.path).filter {
            $0.hasPrefix("vetpos.sqlite.replaced-") && !$0.hasSuffix("-wal")
        }
        #expect(aside.count == 1, "\(aside)")
        try await sandbox.ok(["journal", "verify", "--db", sandbox.db])

        // One flipped byte: refused with exit 5, nothing changed.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        bytes[bytes.count / 3] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: backup))
        let now = try await DatabaseSnapshot.dump(sandbox.db)
        let corrupt = try await sandbox.run(["restore", "--db", sandbox.db, backup, "--force"])
        expectRefusal(corrupt, status: 5, mentions: [name, "does not verify", "changed after it was verified"])
        #expect(try await DatabaseSnapshot.dump(sandbox.db) == now)
    }

    /// The nightly timer's retention over 90 earlier days of backups (made by copying a real one and its record).
    @Test func backupPrunesToTheNewestOfEachDayAndMonth() async throws {
        let sandbox = try await SeededTemplate.copy("retention")
        defer { sandbox.remove() }
        try await sandbox.ok(["backup", "--db", sandbox.db])
        let real = try #require(Self.backups(sandbox).first { $0.hasSuffix(".sqlite") })
        let folder = sandbox.path("backups")
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = try #require(TimeZone(identifier: "UTC"))
        let today = utc.startOfDay(for: Date())
        var made: [(name: String, date: Date)] = []
        for day in 1...90 {
            let date = try #require(utc.date(byAdding: .day, value: -day, to: today)).addingTimeInterval(5_400)
            var times = [date]
            if day % 4 == 0 { times.append(date.addingTimeInterval(3_600)) }  // a second one, later that day
            for time in times {
                let name = "vetpos-\(Self.stamp(time)).sqlite"
                try FileManager.default.copyItem(atPath: folder + "/" + real, toPath: folder + "/" + name)
                try Self.record(folder + "/" + real + ".verified", file: name, takenAt: time)
                    .write(to: URL(fileURLWithPath: folder + "/" + name + ".verified"))
                made.append((name, time))
            }
        }
        // A file without a record is never pruned.
        try FileManager.default.copyItem(atPath: folder + "/" + real, toPath: folder + "/vetpos-20000101-000000.sqlite")

        let run = try await sandbox.ok(["backup", "--db", sandbox.db, "--keep-daily", "7", "--keep-monthly", "3"])
        #expect(run.stdout.contains("removed"), "\(run)")
        let newest = try #require(Self.backups(sandbox).filter { $0.hasSuffix(".sqlite") }.max())

        // Expected, worked out from the dates: the newest of each of the 7 latest days and of the 3 latest months.
        var all = made
        all.append((newest, Date()))
        all.append((real, Date()))
        let sorted = all.sorted { $0.name > $1.name }
        var keep: Set<String> = []
        var days: [String] = []
        var months: [String] = []
        for backup in sorted {
            let day = String(backup.name.dropFirst(7).prefix(8))
            if !days.contains(day) {
                days.append(day)
                if days.count <= 7 { keep.insert(backup.name) }
            }
            if !months.contains(String(day.prefix(6))) {
                months.append(String(day.prefix(6)))
                if months.count <= 3 { keep.insert(backup.name) }
            }
        }
        keep.insert("vetpos-20000101-000000.sqlite")
        let left = Set(Self.backups(sandbox).filter { $0.hasSuffix(".sqlite") })
        #expect(left == keep)
        #expect(left.contains(newest))
        for name in left where name != "vetpos-20000101-000000.sqlite" {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + name + ".verified"), "\(name)")
        }
        #expect(Self.backups(sandbox).filter { $0.hasSuffix(".verified") }.count == left.count - 1)
    }
}
