import Foundation
import GRDB
import POSCore
import POSStorage
import POSTestSupport
import Testing

/// Verified backups, restores and the backup taken before a schema upgrade, on real database files.
@Suite struct BackupRestoreTests {
    static func folder(_ label: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A set-up clinic with two invoices, paid in cash and by card, in FRONT-1's open drawer session.
    static func busyClinic() async throws -> StoreFixture {
        let f = try await StoreFixture.make()
        _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(Money(minorUnits: 10_000))])
        _ = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.card(.credit, Money(minorUnits: 5_000))]
        )
        return f
    }

    static func mode(_ path: String) throws -> Int {
        try #require((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue)
    }

    @Test func aBackupIsVerifiedRecordedAndReadableOnlyByItsGroup() async throws {
        let f = try await Self.busyClinic()
        let folder = try Self.folder("backups")
        let record = try await f.store.backup(into: folder)
        let path = folder + "/" + record.file
        #expect(record.file.hasPrefix("vetpos-") && record.file.hasSuffix(".sqlite"))
        #expect(try Self.mode(path) == 0o640)
        #expect(try Self.mode(path + ".verified") == 0o640)
        #expect(record.integrity == "ok")
        #expect(record.schemaVersion == Store.schemaVersion)
        let journal = try await f.store.verifyJournal()
        #expect(record.journalEntries == journal.count && record.lastJournalHash == journal.lastHash)
        // Every table's rows, counted in the copy, equal the source's.
        let source = try await f.snapshot()
        for (table, rows) in source.tables where table != "sqlite_schema" {
            #expect(record.rowCounts[table] == rows.count, "\(table)")
        }
        // Nothing temporary is left; a second backup in the same second gets its own name.
        let second = try await f.store.backup(into: folder)
        #expect(second.file != record.file)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == [record.file, record.file + ".verified", second.file, second.file + ".verified"].sorted())
        #expect(try Backups.verify(path).record == record)
    }

    @Test func restoreRoundTripsEveryTable() async throws {
        let f = try await Self.busyClinic()
        let folder = try Self.folder("backups")
        let record = try await f.store.backup(into: folder)
        let before = try await f.snapshot()
        let target = try Self.folder("restore") + "/vetpos.sqlite"  // no database there: disaster recovery
        let result = try Backups.restore(backup: folder + "/" + record.file, to: target, force: false, now: f.clock.now)
        #expect(result.replacedFile == nil)
        #expect(result.journalEntries == record.journalEntries)
        #expect(result.lastEntry?.sequence == record.lastJournalSequence)
        #expect(try Self.mode(target) == 0o640)
        var configuration = Configuration()
        configuration.readonly = true
        let restored = try await StoreFixture.snapshot(
            of: try DatabaseQueue(path: target, configuration: configuration)
        )
        #expect(restored.tables.keys.sorted() == before.tables.keys.sorted())
        for table in before.tables.keys where table != "sqlite_schema" {
            #expect(restored.rows(table) == before.rows(table), "\(table)")
        }
        // And it opens and works as a clinic.
        let store = try Store(path: target, pinHasher: StoreFixture.hasher, upgradeBackups: folder)
        #expect(try await store.verifyJournal().problem == nil)
        #expect(try await store.verifyJournal().count == record.journalEntries)
    }

    @Test func aBackupWithOneFlippedByteIsRefusedAndNothingChanges() async throws {
        let f = try await Self.busyClinic()
        let folder = try Self.folder("backups")
        let record = try await f.store.backup(into: folder)
        let backup = folder + "/" + record.file
        var bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: backup))
        let before = try await f.snapshot()
        let listing = try FileManager.default.contentsOfDirectory(
            atPath: URL(fileURLWithPath: f.path).deletingLastPathComponent().path
        )
        .filter { $0.hasPrefix(URL(fileURLWithPath: f.path).lastPathComponent) }.sorted()
        #expect(throws: BackupVerificationError.self) {
            try Backups.restore(backup: backup, to: f.path, force: true, now: f.clock.now)
        }
        try await f.expectUnchanged(since: before, "a refused restore changed the database")
        let after = try FileManager.default.contentsOfDirectory(
            atPath: URL(fileURLWithPath: f.path).deletingLastPathComponent().path
        )
        .filter { $0.hasPrefix(URL(fileURLWithPath: f.path).lastPathComponent) }.sorted()
        #expect(after == listing, "no file was moved aside or added")

        // Without its record, a flipped byte in the header is still refused (SQLite cannot read it).
        try FileManager.default.removeItem(atPath: backup + ".verified")
        bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        bytes[bytes.count / 2] ^= 0x01
        bytes[0] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: backup))
        let error = #expect(throws: BackupVerificationError.self) {
            try Backups.restore(backup: backup, to: f.path, force: true, now: f.clock.now)
        }
        #expect(error?.description.contains("does not verify") == true)
        try await f.expectUnchanged(since: before)
    }

    @Test func restoreOverANewerDatabaseNeedsForceAndKeepsItAside() async throws {
        let f = try await Self.busyClinic()
        let folder = try Self.folder("backups")
        let record = try await f.store.backup(into: folder)
        // The desk carries on after the backup.
        _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(Money(minorUnits: 10_000))])
        let newer = try await f.snapshot()
        let backup = folder + "/" + record.file
        let refusal = #expect(throws: POSError.self) {
            try Backups.restore(backup: backup, to: f.path, force: false, now: f.clock.now)
        }
        #expect(refusal?.description.contains("ahead of the backup") == true)
        try await f.expectUnchanged(since: newer)

        let result = try Backups.restore(backup: backup, to: f.path, force: true, now: f.clock.now)
        let aside = try #require(result.replacedFile)
        #expect(aside.hasPrefix(f.path + ".replaced-"))
        var configuration = Configuration()
        configuration.readonly = true
        let kept = try await StoreFixture.snapshot(of: try DatabaseQueue(path: aside, configuration: configuration))
        for table in newer.tables.keys where table != "sqlite_schema" {
            #expect(kept.rows(table) == newer.rows(table), "the replaced database keeps \(table)")
        }
        let restored = try await StoreFixture.snapshot(
            of: try DatabaseQueue(path: f.path, configuration: configuration)
        )
        #expect(restored.rows("journal").count == Int(record.journalEntries))
        for suffix in ["-wal", "-shm", ".replaced"] {
            #expect(!FileManager.default.fileExists(atPath: f.path + suffix))
        }
        try? FileManager.default.removeItem(atPath: aside)
    }

    @Test func restoreOverADifferentHistoryIsRefusedWithoutForce() async throws {
        // As many journal entries on both, but another sale at the end: the same sequence, another hash.
        let a = try await StoreFixture.make()
        _ = try await a.checkout("OWNER", [a.line("REX", "EXAM")], payments: [a.cash(Money(minorUnits: 10_000))])
        let b = try await StoreFixture.make()
        _ = try await b.checkout("OWNER", [b.line("REX", "EXAM")], payments: [b.cash(Money(minorUnits: 20_000))])
        #expect(try await a.store.verifyJournal().count == b.store.verifyJournal().count)
        let folder = try Self.folder("backups")
        let record = try await a.store.backup(into: folder)
        let before = try await b.snapshot()
        let refusal = #expect(throws: POSError.self) {
            try Backups.restore(backup: folder + "/" + record.file, to: b.path, force: false, now: b.clock.now)
        }
        #expect(refusal?.description.contains("different history") == true)
        try await b.expectUnchanged(since: before)
    }

    // MARK: - Upgrades

    /// The tables of a database, in the order they were created (parents before children).
    static func tables(_ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                AND name <> 'grdb_migrations' ORDER BY rowid
                """
        )
    }

    /// Every row of `table` in the given columns, ordered.
    static func rows(_ db: Database, _ table: String, _ columns: [String]) throws -> [[String]] {
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        return try Row.fetchAll(db, sql: "SELECT \(list) FROM \"\(table)\" ORDER BY \(list)").map {
            $0.databaseValues.map(\.description)
        }
    }

    /// A database as version `vK` of this program left it: migrated only up to `migration`, holding a real clinic's
    /// rows (setup, staff, clients, catalog, invoices with payments, the journal) in the columns that version has.
    /// Posted invoices are inserted open and then posted, as that version's triggers require.
    static func oldDatabase(upTo migration: String, from source: StoreFixture) async throws -> String {
        let path = StoreFixture.temporaryPath("vetpos-old")
        try Store.createDatabase(at: path, migratedUpTo: migration)
        let old = try DatabaseQueue(path: path)
        let full = try source.rawConnection(readonly: true)
        try await old.write { oldDb in
            // Children may come before their parents in creation order (payment before drawerSession).
            try oldDb.execute(sql: "PRAGMA defer_foreign_keys = ON")
            try full.read { fullDb in
                for table in try tables(oldDb) {
                    let columns = try oldDb.columns(in: table).map(\.name)
                    let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                    let marks = columns.map { _ in "?" }.joined(separator: ", ")
                    let rows = try Row.fetchAll(fullDb, sql: "SELECT \(list) FROM \"\(table)\"")
                    for row in rows {
                        var values = columns.map { row[$0] as DatabaseValue }
                        if table == "invoice", let status = columns.firstIndex(of: "status") {
                            values[status] = "open".databaseValue
                        }
                        try oldDb.execute(
                            sql: "INSERT INTO \"\(table)\" (\(list)) VALUES (\(marks))",
                            arguments: StatementArguments(values)
                        )
                    }
                }
                for number in try Int64.fetchAll(fullDb, sql: "SELECT number FROM invoice WHERE status = 'posted'") {
                    try oldDb.execute(sql: "UPDATE invoice SET status = 'posted' WHERE number = ?", arguments: [number])
                }
            }
        }
        try old.close()
        return path
    }

    @Test(arguments: 1..<Store.knownMigrations.count)
    func aDatabaseOfAnEarlierSchemaIsBackedUpThenUpgradedKeepingEveryRow(version: Int) async throws {
        let source = try await Self.busyClinic()
        let migration = Store.knownMigrations[version - 1]
        let path = try await Self.oldDatabase(upTo: migration, from: source)
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var configuration = Configuration()
        configuration.readonly = true
        let before = try DatabaseQueue(path: path, configuration: configuration)
        let oldRows: [String: (columns: [String], rows: [[String]])] = try await before.read { db in
            var rows: [String: (columns: [String], rows: [[String]])] = [:]
            for table in try Self.tables(db) {
                let columns = try db.columns(in: table).map(\.name)
                rows[table] = (columns, try Self.rows(db, table, columns))
            }
            return rows
        }
        try before.close()
        #expect((oldRows["invoice"]?.rows.count ?? 0) >= 2 && (oldRows["payment"]?.rows.count ?? 0) >= 2)
        #expect((oldRows["journal"]?.rows.count ?? 0) > 5 && (oldRows["employee"]?.rows.count ?? 0) >= 5)

        let folder = try Self.folder("upgrade-backups")
        let store = try Store(path: path, pinHasher: StoreFixture.hasher, upgradeBackups: folder)
        #expect(try await store.verifyJournal().problem == nil)
        #expect(try await store.verifyJournal().count == Int64(oldRows["journal"]?.rows.count ?? -1))
        let status = try await store.databaseStatus()
        #expect(status.migrations == Store.knownMigrations)
        let after = try DatabaseQueue(path: path, configuration: configuration)
        let newRows: [String: [[String]]] = try await after.read { db in
            var rows: [String: [[String]]] = [:]
            for (table, old) in oldRows { rows[table] = try Self.rows(db, table, old.columns) }
            return rows
        }
        for (table, old) in oldRows {
            #expect(newRows[table] == old.rows, "v\(version): \(table) kept every row")
        }
        try after.close()
        // The backup taken before migrating is there, verifies, and is of the old schema.
        let backups = Backups.list(folder: folder)
        #expect(backups.count == 1)
        let backup = try #require(backups.first)
        #expect(backup.name.hasPrefix("vetpos-pre-\(Store.schemaVersion)-"))
        let verified = try Backups.verify(backup.path)
        #expect(verified.record?.schemaVersion == "v\(version)")
        #expect(verified.facts.migrations == Array(Store.knownMigrations.prefix(version)))
        #expect(verified.facts.journalEntries == Int64(oldRows["journal"]?.rows.count ?? -1))
        // Opening it again needs no further backup.
        _ = try Store(path: path, pinHasher: StoreFixture.hasher, upgradeBackups: folder)
        #expect(Backups.list(folder: folder).count == 1)
    }

    @Test func withoutItsBackupAnOldDatabaseIsNotMigrated() async throws {
        let source = try await Self.busyClinic()
        let path = try await Self.oldDatabase(upTo: Store.knownMigrations[2], from: source)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let blocker = try Self.folder("blocked") + "/not-a-folder"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let error = #expect(throws: POSError.self) {
            _ = try Store(path: path, pinHasher: StoreFixture.hasher, upgradeBackups: blocker + "/backups")
        }
        #expect(error?.description.contains("nothing was changed") == true)
        let queue = try DatabaseQueue(path: path)
        let applied = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(applied.count == 3)
    }

    @Test func aNewDatabaseNeedsNoBackup() async throws {
        let folder = try Self.folder("fresh-backups")
        let path = StoreFixture.temporaryPath()
        _ = try Store(path: path, pinHasher: StoreFixture.hasher, upgradeBackups: folder)
        #expect(Backups.list(folder: folder).isEmpty)
    }
}
