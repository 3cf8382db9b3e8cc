import Foundation
import GRDB
import POSCore

/// What a database holds, as backups and restores compare it: the schema's migrations, the journal's chain and head,
/// and the number of rows of every table.
public struct DatabaseFacts: Codable, Sendable, Equatable {
    /// The GRDB migrations applied, in order (`v1: foundation`, …).
    public var migrations: [String]
    public var journalEntries: Int64
    /// The hash of the last journal entry (the genesis hash when there is none).
    public var journalHead: String
    /// The first finding of the journal's verification (``JournalAudit``): a broken chain, a head recorded outside
    /// the database that the chain no longer has, a money row that differs from its entry, a missing trigger.
    public var journalProblem: String?
    /// Every finding.
    public var journalFindings: [String] = []
    public var lastEntry: JournalMark?
    /// Every table's row count, by table name.
    public var rowCounts: [String: Int]

    /// The last entry of the journal: its sequence, time and kind.
    public struct JournalMark: Codable, Sendable, Equatable {
        public var sequence: Int64
        public var atMillis: Int64
        public var kind: String
    }

    /// `v7`, from the last migration applied; `empty` when none is.
    public var schemaVersion: String { Schema.version(of: migrations) }
}

/// A backup's verification record, written beside it as `NAME.sqlite.verified` (JSON) once the copy has verified.
/// Restore and status trust a backup only with this record and only while the file's SHA-256 still matches it.
public struct BackupRecord: Codable, Sendable, Equatable {
    /// The backup's file name (in the same folder as the record).
    public var file: String
    /// The database it was copied from.
    public var source: String
    /// When the copy was taken and verified (milliseconds since 1970).
    public var takenAtMillis: Int64
    public var verifiedAtMillis: Int64
    public var bytes: Int64
    public var sha256: String
    /// `PRAGMA integrity_check` of the copy: `ok`.
    public var integrity: String
    public var schemaVersion: String
    public var migrations: [String]
    public var journalEntries: Int64
    public var lastJournalSequence: Int64
    public var lastJournalHash: String
    /// Every table's rows in the copy, equal to the source's in the read transaction the copy was taken in.
    public var rowCounts: [String: Int]

    public static let suffix = ".verified"
}

/// A backup or restore that did not verify: the file, and why. Nothing was kept of a failed backup, and a refused
/// restore changed nothing.
public struct BackupVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): does not verify: \(reason)" }
}

/// Verified backups: copied with SQLite's online backup inside one read transaction, written under a temporary name,
/// checked (integrity, journal chain, every table's row count against the source's at the copy), then renamed and
/// recorded (``BackupRecord``). Mode 0640 throughout.
public enum Backups {
    /// The file mode of backups, their records and restored databases.
    public static let fileMode: Int16 = 0o640

    /// A backup file found in a backups folder.
    public struct File: Sendable, Equatable {
        public var name: String
        public var path: String
        public var bytes: Int64
        /// The verification record, when there is one that parses.
        public var record: BackupRecord?
        /// When it was taken: the record's time, else the file's modification time.
        public var takenAtMillis: Int64
    }

    /// Names a backup after its time (UTC): `vetpos-20261206-013000.sqlite`, or `vetpos-pre-v8-….sqlite` before an
    /// upgrade; `-2`, `-3`… are added when that name is taken.
    public static func fileName(atMillis millis: Int64, prefix: String = "vetpos", in folder: String) -> String {
        let stamp = stamp(millis)
        var name = "\(prefix)-\(stamp).sqlite"
        var suffix = 2
        while FileManager.default.fileExists(atPath: folder + "/" + name) {
            name = "\(prefix)-\(stamp)-\(suffix).sqlite"
            suffix += 1
        }
        return name
    }

    /// Every table's rows, the journal and the migrations of an open database.
    static func facts(_ db: Database, anchors: [JournalAnchor] = []) throws -> DatabaseFacts {
        let tables = try String.fetchAll(
            db,
            sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        var counts: [String: Int] = [:]
        for table in tables {
            let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(quoted)") ?? 0
        }
        let migrations =
            tables.contains("grdb_migrations")
            ? try Schema.migrator.appliedMigrations(db) : []
        var last: DatabaseFacts.JournalMark?
        var audit: JournalAudit?
        if tables.contains("journal") {
            // The full verification: chain, anchors, money rows against their entries, triggers.
            audit = try JournalAuditor.audit(db, anchors: anchors, anchorsPath: "")
            if let row = try Row.fetchOne(
                db,
                sql: "SELECT sequence, at, kind FROM journal ORDER BY sequence DESC LIMIT 1"
            ) {
                last = .init(sequence: row["sequence"], atMillis: row["at"], kind: row["kind"])
            }
        }
        return DatabaseFacts(
            migrations: migrations,
            journalEntries: audit?.entries ?? 0,
            journalHead: audit?.head ?? JournalChain.genesis,
            journalProblem: audit?.findings.first,
            journalFindings: audit?.findings ?? [],
            lastEntry: last,
            rowCounts: counts
        )
    }

    /// Copies `source` into `folder` as `name` and verifies the copy; see ``Backups``. On any failure the partial copy
    /// is removed (and nothing else) and the error thrown.
    static func write(
        from source: DatabasePool,
        sourcePath: String,
        to folder: String,
        name: String,
        now: Int64
    ) throws -> BackupRecord {
        try FileManager.default.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o750]  // backups hold every client and payment
        )
        let final = folder + "/" + name
        guard !FileManager.default.fileExists(atPath: final) else {
            throw POSError.conflict("\(final) already exists; choose a new name", code: "backup.fileExists")
        }
        let partial = folder + "/." + name + ".partial"
        func removePartial() {
            for suffix in ["", "-journal", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: partial + suffix)
            }
        }
        removePartial()
        do {
            // The copy and the counts it is checked against come from the same read transaction (one snapshot).
            var sourceFacts: DatabaseFacts?
            // Heads in the source's anchor file were committed before the snapshot below, so it must hold them all.
            let anchors = JournalAnchors.read(JournalAnchors.path(forDatabase: sourcePath))
            if let problem = anchors?.problems.first { throw BackupVerificationError(file: final, reason: problem) }
            let copy = try DatabaseQueue(path: partial)
            try copy.writeWithoutTransaction { destination in
                try source.read { db in
                    sourceFacts = try facts(db, anchors: anchors?.anchors ?? [])
                    try db.backup(to: destination)
                }
                // One self-contained file: no -wal beside it to lose when it is copied elsewhere. The copied header
                // still says WAL; switching to WAL and back rewrites it.
                try destination.execute(sql: "PRAGMA journal_mode = WAL")
                try destination.execute(sql: "PRAGMA journal_mode = DELETE")
            }
            try copy.close()
            guard let sourceFacts else { throw POSError.conflict("the backup read no source", code: "backup.noSource") }
            try setMode(partial)
            let (copied, integrity) = try inspect(partial)
            let problem = mismatch(copied, integrity: integrity, expected: sourceFacts)
            if let problem { throw BackupVerificationError(file: final, reason: problem) }
            let (bytes, digest) = try fileDigest(partial)
            try syncFile(partial)
            try FileManager.default.moveItem(atPath: partial, toPath: final)
            let record = BackupRecord(
                file: name,
                source: sourcePath,
                takenAtMillis: now,
                verifiedAtMillis: Int64(Date().timeIntervalSince1970 * 1000),
                bytes: bytes,
                sha256: digest,
                integrity: integrity,
                schemaVersion: copied.schemaVersion,
                migrations: copied.migrations,
                journalEntries: copied.journalEntries,
                lastJournalSequence: copied.lastEntry?.sequence ?? 0,
                lastJournalHash: copied.journalHead,
                rowCounts: copied.rowCounts
            )
            try writeRecord(record, beside: final)
            return record
        } catch {
            removePartial()
            throw error
        }
    }

    /// Why a copy's facts differ from the source's at the copy, or nil when they are equal and sound.
    static func mismatch(_ copy: DatabaseFacts, integrity: String, expected: DatabaseFacts) -> String? {
        if integrity != "ok" { return "integrity check: \(integrity)" }
        if let problem = expected.journalProblem { return "the source's journal: \(problem)" }
        if let problem = copy.journalProblem { return "journal: \(problem)" }
        if copy.journalEntries != expected.journalEntries || copy.journalHead != expected.journalHead {
            return "journal has \(copy.journalEntries) entries, the source had \(expected.journalEntries)"
        }
        if copy.migrations != expected.migrations { return "schema differs from the source's" }
        for (table, count) in expected.rowCounts.sorted(by: { $0.key < $1.key }) where copy.rowCounts[table] != count {
            return "table \(table) has \(copy.rowCounts[table] ?? 0) rows, the source had \(count)"
        }
        if copy.rowCounts.count != expected.rowCounts.count { return "the copy's tables differ from the source's" }
        return nil
    }

    /// Opens a database file read-only and reads its facts and `PRAGMA integrity_check`. Any SQLite failure (a file
    /// that is not a database, a malformed page) is a ``BackupVerificationError``.
    public static func inspect(_ path: String) throws -> (facts: DatabaseFacts, integrity: String) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw POSError.invalid(field: "BACKUP", reason: "\(path) does not exist")
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
                return (try facts(db), integrity)
            }
        } catch let error as DatabaseError {
            throw BackupVerificationError(
                file: path,
                reason: "SQLite cannot read it (\(error.message ?? "\(error.resultCode)"))"
            )
        }
    }

    /// Verifies a backup before it is restored: its record's size and SHA-256 (when it has one), SQLite's integrity
    /// check and the journal chain.
    public static func verify(_ path: String) throws -> (facts: DatabaseFacts, record: BackupRecord?) {
        let record = readRecord(beside: path)
        if let record {
            let (bytes, digest) = try fileDigest(path)
            guard bytes == record.bytes, digest == record.sha256 else {
                throw BackupVerificationError(
                    file: path,
                    reason: "the file changed after it was verified (SHA-256 \(digest.prefix(12))…, its record says "
                        + "\(record.sha256.prefix(12))…)"
                )
            }
        }
        let (facts, integrity) = try inspect(path)
        guard integrity == "ok" else {
            throw BackupVerificationError(file: path, reason: "integrity check: \(integrity)")
        }
        if let problem = facts.journalProblem {
            throw BackupVerificationError(file: path, reason: "journal: \(problem)")
        }
        if let record, record.lastJournalHash != facts.journalHead || record.journalEntries != facts.journalEntries {
            throw BackupVerificationError(file: path, reason: "its journal differs from its verification record")
        }
        return (facts, record)
    }

    /// The backups in a folder (files `vetpos-*.sqlite`), newest first.
    public static func list(folder: String) -> [File] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasPrefix("vetpos-") && $0.hasSuffix(".sqlite") }.compactMap { name -> File? in
            let path = folder + "/" + name
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            let modified = (attributes[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
            let record = readRecord(beside: path)
            return File(
                name: name,
                path: path,
                bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                record: record?.file == name ? record : nil,
                takenAtMillis: record?.takenAtMillis ?? Int64(modified.timeIntervalSince1970 * 1000)
            )
        }.sorted { ($0.takenAtMillis, $0.name) > ($1.takenAtMillis, $1.name) }
    }

    /// Deletes the dated backups that ``BackupRetention`` does not keep, with their records; returns their names.
    public static func prune(folder: String, keepDaily: Int, keepMonthly: Int) throws -> [String] {
        let backups = list(folder: folder).compactMap {
            BackupRetention.Backup(name: $0.name, verified: $0.record != nil)
        }
        let doomed = BackupRetention.prune(backups, keepDaily: keepDaily, keepMonthly: keepMonthly).sorted()
        for name in doomed {
            try FileManager.default.removeItem(atPath: folder + "/" + name)
            try? FileManager.default.removeItem(atPath: folder + "/" + name + BackupRecord.suffix)
        }
        return doomed
    }

    // MARK: - Files

    static func readRecord(beside path: String) -> BackupRecord? {
        guard let data = FileManager.default.contents(atPath: path + BackupRecord.suffix) else { return nil }
        return try? JSONDecoder().decode(BackupRecord.self, from: data)
    }

    static func writeRecord(_ record: BackupRecord, beside path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let target = path + BackupRecord.suffix
        let partial =
            URL(fileURLWithPath: path).deletingLastPathComponent().path + "/."
            + URL(fileURLWithPath: target).lastPathComponent + ".partial"
        try encoder.encode(record).write(to: URL(fileURLWithPath: partial))
        try setMode(partial)
        try syncFile(partial)
        guard rename(partial, target) == 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            throw POSError.conflict("cannot write the verification record \(target)", code: "backup.recordWriteFailed")
        }
    }

    static func setMode(_ path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: NSNumber(value: fileMode)], ofItemAtPath: path)
    }

    static func syncFile(_ path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.synchronize()
    }

    /// The file's size and SHA-256 (hex), read in 1 MiB pieces.
    static func fileDigest(_ path: String) throws -> (bytes: Int64, sha256: String) {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        var bytes: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(chunk)
            bytes += Int64(chunk.count)
        }
        return (bytes, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}

extension Schema {
    /// `v7` from the applied migrations' identifiers (`v7: print queue`); `empty` when none is applied.
    static func version(of migrations: [String]) -> String {
        guard let last = migrations.last else { return "empty" }
        return String(last.prefix { $0 != ":" })
    }
}
