import Foundation
import GRDB
import POSCore

extension Store {
    /// The migrations this program knows, in order (`v1: foundation` … `v8: PIN throttle and sessions`).
    public static var knownMigrations: [String] { Schema.migrator.migrations }

    /// `v8`: the schema version this program writes.
    public static var schemaVersion: String { Schema.version(of: knownMigrations) }

    /// A database file migrated only up to `migration` (one of ``knownMigrations``), as an older version of this
    /// program left it: what the upgrade tests open.
    public static func createDatabase(at path: String, migratedUpTo migration: String) throws {
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: migration)
        try queue.close()
    }

    /// A verified backup in `folder`, named after the current time (``Backups/fileName(atMillis:prefix:in:)``).
    public func backup(into folder: String, prefix: String = "vetpos") async throws -> BackupRecord {
        let millis = now()
        let name = Backups.fileName(atMillis: millis, prefix: prefix, in: folder)
        return try await backup(into: folder, name: name, atMillis: millis)
    }

    /// A verified backup in `folder` named `name`, which must not exist.
    public func backup(into folder: String, name: String, atMillis millis: Int64? = nil) async throws -> BackupRecord {
        let source = pool
        let path = self.path
        let taken = millis ?? now()
        return try await Task.detached {
            try Backups.write(from: source, sourcePath: path, to: folder, name: name, now: taken)
        }.value
    }

    /// What a backup that named its file checked.
    public struct BackupCheck: Sendable, Equatable {
        public var path: String
        public var integrity: String
        public var journalEntries: Int64
        public var invoices: Int
        public var payments: Int
    }

    /// Copies the live database to `destination` with SQLite's online backup (the desk keeps working meanwhile),
    /// verifies the copy and records it (``Backups``); a copy that did not verify leaves nothing behind.
    public func backup(to destination: String) async throws -> BackupCheck {
        let url = URL(fileURLWithPath: destination).standardizedFileURL
        let record = try await backup(
            into: url.deletingLastPathComponent().path,
            name: url.lastPathComponent
        )
        return BackupCheck(
            path: url.path,
            integrity: record.integrity,
            journalEntries: record.journalEntries,
            invoices: record.rowCounts["invoice"] ?? 0,
            payments: record.rowCounts["payment"] ?? 0
        )
    }

    /// The database's state for `vetpos status`: schema, journal (verified from the first entry), open drawers and
    /// waiting print jobs.
    public func databaseStatus() async throws -> DatabaseStatus {
        let path = self.path
        return try await read { db in try DatabaseStatus.read(db, path: path) }
    }

    /// Before migrating a database written by an older version, a verified backup of it in `folder`
    /// (`vetpos-pre-v8-YYYYMMDD-HHMMSS.sqlite`); if it fails, the database is not migrated. A new, empty database
    /// needs none.
    static func backUpBeforeUpgrade(_ pool: DatabasePool, path: String, folder: String, now: Int64) throws {
        let applied = try pool.read { db in try Schema.migrator.appliedMigrations(db) }
        let known = Schema.migrator.migrations
        guard !applied.isEmpty, Set(known).subtracting(applied).isEmpty == false else { return }
        let from = Schema.version(of: applied)
        let to = Schema.version(of: known)
        do {
            let name = Backups.fileName(atMillis: now, prefix: "vetpos-pre-\(to)", in: folder)
            _ = try Backups.write(from: pool, sourcePath: path, to: folder, name: name, now: now)
        } catch {
            throw POSError.conflict(
                "\(path) has schema \(from) and this vetpos upgrades it to \(to), but the backup before the upgrade "
                    + "failed, so nothing was changed: \(error) (free space or fix \(folder), or set $VETPOS_BACKUPS)",
                code: "upgrade.backupFailed"
            )
        }
    }
}

/// The database's state as `vetpos status` reports it.
public struct DatabaseStatus: Codable, Sendable, Equatable {
    public var path: String
    /// The clinic's name and time zone from its settings (nil before setup).
    public var clinic: String?
    public var timeZone: String?
    /// Each terminal's configured devices.
    public var terminals: [String: TerminalDevices]
    /// The file and its write-ahead log, in bytes.
    public var bytes: Int64
    public var schemaVersion: String
    public var migrations: [String]
    /// Migrations this program knows that the database does not have yet (applied when it is next opened).
    public var pendingMigrations: [String]
    public var journalEntries: Int64
    public var journalVerified: Bool
    public var journalProblem: String?
    public var lastEntry: DatabaseFacts.JournalMark?
    public var openDrawers: [OpenDrawer]
    public var waitingPrintJobs: Int

    public struct OpenDrawer: Codable, Sendable, Equatable {
        public var drawer: String
        public var cashier: String
        /// open, or ended (counted, waiting for verification).
        public var state: String
        public var openedAtMillis: Int64
    }

    /// The state of a database file, opened without migrating it.
    public static func read(file path: String) throws -> DatabaseStatus {
        guard FileManager.default.fileExists(atPath: path) else {
            throw POSError.invalid(
                field: "--db",
                reason: "\(path) does not exist (a new clinic starts with `vetpos setup`)"
            )
        }
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in try read(db, path: path) }
    }

    static func read(_ db: Database, path: String) throws -> DatabaseStatus {
        let facts = try Backups.facts(db)
        let tables = Set(facts.rowCounts.keys)
        let drawers =
            tables.contains("drawerSession")
            ? try Row.fetchAll(
                db,
                sql:
                    "SELECT drawer, cashier, state, openedAt FROM drawerSession WHERE state <> 'closed' ORDER BY drawer"
            ).map {
                OpenDrawer(
                    drawer: $0["drawer"],
                    cashier: $0["cashier"],
                    state: $0["state"],
                    openedAtMillis: $0["openedAt"]
                )
            } : []
        let waiting =
            tables.contains("printJob")
            ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM printJob WHERE state IN ('queued', 'sending', 'sent')")
                ?? 0 : 0
        let size = { (file: String) -> Int64 in
            ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        let policy = tables.contains("setting") ? try? Store.policy(db) : nil
        return DatabaseStatus(
            path: path,
            clinic: policy?.clinicName,
            timeZone: policy?.timeZone,
            terminals: policy?.terminals ?? [:],
            bytes: size(path) + size(path + "-wal"),
            schemaVersion: facts.schemaVersion,
            migrations: facts.migrations,
            pendingMigrations: Schema.migrator.migrations.filter { !facts.migrations.contains($0) },
            journalEntries: facts.journalEntries,
            journalVerified: facts.journalProblem == nil,
            journalProblem: facts.journalProblem,
            lastEntry: facts.lastEntry,
            openDrawers: drawers,
            waitingPrintJobs: waiting
        )
    }
}

/// What a restore put in place.
public struct RestoreResult: Codable, Sendable, Equatable {
    public var backup: String
    public var database: String
    /// Where the database that was replaced was moved (nil when there was none).
    public var replacedFile: String?
    /// When the backup was taken (its record's time, else the file's modification time).
    public var backupTakenAtMillis: Int64
    public var schemaVersion: String
    public var journalEntries: Int64
    public var lastEntry: DatabaseFacts.JournalMark?
    public var lastZ: ZMark?
    /// The clinic's time zone in the restored database's settings.
    public var timeZone: String?

    /// The last Z report in the restored database.
    public struct ZMark: Codable, Sendable, Equatable {
        public var number: Int
        public var drawer: String
        public var closedAtMillis: Int64
        /// The business day it closed on, in the clinic's time zone.
        public var businessDate: String?
    }
}

extension Backups {
    /// Puts a backup in place of the database at `target`: the backup is verified first (record, integrity, journal
    /// chain) and a live database whose journal is ahead of the backup's (more entries, or another hash at the
    /// backup's last entry) is kept unless `force`. The replaced database is checkpointed and moved aside as
    /// `TARGET.replaced-YYYYMMDD-HHMMSS`; the backup is copied under a temporary name, then renamed, mode 0640. Its
    /// anchor file goes aside with it and a fresh one starts with the restored journal's head.
    public static func restore(backup: String, to target: String, force: Bool, now: Int64) throws -> RestoreResult {
        let (facts, record) = try verify(backup)
        let fileManager = FileManager.default
        let targetExists = fileManager.fileExists(atPath: target)
        if targetExists {
            try checkLive(target, against: facts, force: force)
        }
        let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
        try fileManager.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o750]
        )
        let partial = folder + "/." + URL(fileURLWithPath: target).lastPathComponent + ".restoring"
        try? fileManager.removeItem(atPath: partial)
        do {
            try fileManager.copyItem(atPath: backup, toPath: partial)
            try setMode(partial)
            try syncFile(partial)
            guard try fileDigest(partial) == fileDigest(backup) else {
                throw BackupVerificationError(file: partial, reason: "the copy differs from the backup")
            }
        } catch {
            try? fileManager.removeItem(atPath: partial)
            throw error
        }
        var replaced: String?
        if targetExists {
            let aside = target + ".replaced-" + stamp(now)
            guard rename(target, aside) == 0 else {
                try? fileManager.removeItem(atPath: partial)
                throw POSError.conflict("cannot move \(target) aside to \(aside)", code: "restore.moveAsideFailed")
            }
            replaced = aside
            // The log was checkpointed into the file; what is left of it must not be replayed onto the backup.
            if fileManager.fileExists(atPath: target + "-wal") { _ = rename(target + "-wal", aside + "-wal") }
        }
        try? fileManager.removeItem(atPath: target + "-shm")
        try? fileManager.removeItem(atPath: target + "-wal")
        guard rename(partial, target) == 0 else {
            throw POSError.conflict("cannot rename \(partial) to \(target)", code: "restore.renameFailed")
        }
        // The replaced database's anchors are kept aside (`DB.anchors.replaced-…`); a fresh file starts at the restored
        // head.
        let anchors = JournalAnchors.path(forDatabase: target)
        if fileManager.fileExists(atPath: anchors) {
            _ = rename(anchors, anchors + ".replaced-" + stamp(now))
        }
        try JournalAnchors.start(
            anchors,
            head: facts.lastEntry.map {
                JournalAnchor(sequence: $0.sequence, hash: facts.journalHead, atMillis: now)
            }
        )
        let (lastZ, timeZone) = try lastZReport(target)
        return RestoreResult(
            backup: backup,
            database: target,
            replacedFile: replaced,
            backupTakenAtMillis: record?.takenAtMillis ?? modified(backup),
            schemaVersion: facts.schemaVersion,
            journalEntries: facts.journalEntries,
            lastEntry: facts.lastEntry,
            lastZ: lastZ,
            timeZone: timeZone
        )
    }

    /// Refuses (unless `force`) a live database whose journal is ahead of the backup's; checkpoints its log.
    static func checkLive(_ target: String, against backup: DatabaseFacts, force: Bool) throws {
        let live: (entries: Int64, hashAtBackupHead: String?)
        do {
            let queue = try DatabaseQueue(path: target)
            defer { try? queue.close() }
            live = try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                guard try db.tableExists("journal") else { return (0, nil) }
                return (
                    try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM journal") ?? 0,
                    try String.fetchOne(
                        db,
                        sql: "SELECT hash FROM journal WHERE sequence = ?",
                        arguments: [backup.lastEntry?.sequence ?? 0]
                    )
                )
            }
        } catch let error as DatabaseError {
            guard force else {
                throw POSError.conflict(
                    "\(target) cannot be read (\(error.message ?? "\(error.resultCode)")); --force replaces it "
                        + "(it is kept aside)",
                    code: "backup.targetUnreadable"
                )
            }
            return
        }
        guard !force else { return }
        if live.entries > backup.journalEntries {
            throw POSError.conflict(
                "\(target) is ahead of the backup: its journal has \(live.entries) entries, the backup's "
                    + "\(backup.journalEntries); restoring would lose \(live.entries - backup.journalEntries) "
                    + "(--force replaces it anyway, keeping it aside)",
                code: "backup.journalAhead"
            )
        }
        if let sequence = backup.lastEntry?.sequence, let hash = live.hashAtBackupHead, hash != backup.journalHead {
            throw POSError.conflict(
                "\(target) has a different history: its journal entry \(sequence) is not the backup's "
                    + "(--force replaces it anyway, keeping it aside)",
                code: "backup.historyDiverged"
            )
        }
    }

    static func lastZReport(_ path: String) throws -> (RestoreResult.ZMark?, String?) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let zone = try db.tableExists("setting") ? (try? Store.policy(db))?.timeZone : nil
            guard try db.tableExists("drawerSession"),
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT drawer, zNumber, closedAt FROM drawerSession WHERE state = 'closed'
                        ORDER BY closedAt DESC, id DESC LIMIT 1
                        """
                )
            else { return (nil, zone) }
            let closed: Int64 = row["closedAt"]
            let mark = RestoreResult.ZMark(
                number: row["zNumber"],
                drawer: row["drawer"],
                closedAtMillis: closed,
                businessDate: (try? Store.calendar(db).businessDate(atMillis: closed))?.text
            )
            return (mark, zone)
        }
    }

    static func stamp(_ millis: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    static func modified(_ path: String) -> Int64 {
        let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        return Int64((date ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970 * 1000)
    }
}
