import Foundation
import GRDB
import POSCore
import Synchronization

/// The clinic's database: one SQLite file in WAL mode with `synchronous=FULL`, so a commit that returned is on disk.
///
/// Every mutating operation is one `BEGIN IMMEDIATE` transaction that also records its command id, so a replay returns
/// the first answer, and appends to the hash-chained journal. Reads see the last committed state.
public final class Store: Sendable {
    let pool: DatabasePool
    let pinHasher: any PINHasher
    let now: @Sendable () -> Int64
    public let path: String
    /// The journal head appended by the transaction in progress, written to the anchor file once it commits.
    let pendingHead = Mutex<JournalAnchor?>(nil)

    /// Opens (creating and migrating if needed) the database at `path`.
    ///
    /// - Parameters:
    ///   - pinHasher: hashes and checks PINs (bcrypt in the appliance).
    ///   - clock: milliseconds since 1970; the demo and tests pass their own.
    ///   - upgradeBackups: the folder for the verified backup taken before a database written by an older version
    ///     is migrated (default: `backups` beside the database); without that backup nothing is migrated.
    public init(
        path: String,
        pinHasher: any PINHasher,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
        upgradeBackups: String? = nil
    ) throws {
        var configuration = Configuration()
        configuration.label = "vetpos.store"
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // FULL: a checkout acknowledged to the desk survives a power cut, not just a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.path = path
        // A new database is readable by its owner and group only: it holds every client and payment. SQLite gives
        // the -wal and -shm files the same mode.
        if path != ":memory:", !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o640])
            // Anchors left by a database that was at this path before belong to it, not to the new one.
            let anchors = JournalAnchors.path(forDatabase: path)
            if FileManager.default.fileExists(atPath: anchors) {
                _ = rename(anchors, anchors + ".orphaned-" + Backups.stamp(clock()))
            }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets the writer to synchronous=NORMAL after prepareDatabase when it enables WAL; a checkout
        // acknowledged to the desk must survive a power cut, so the writer is set back to FULL here.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.pinHasher = pinHasher
        now = clock
        try Self.backUpBeforeUpgrade(
            pool,
            path: path,
            folder: upgradeBackups
                ?? URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("backups").path,
            now: clock()
        )
        try Schema.migrator.migrate(pool)
    }

    /// Runs `body` in one immediate write transaction: all of it is stored, or none. When it appended to the journal,
    /// the new head is then appended to the anchor file (``JournalAnchors``), still on the writer, so the file's heads
    /// follow the commits' order. Every journaled write goes through here.
    func transaction<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            var result: T?
            pendingHead.withLock { $0 = nil }
            do {
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
            } catch {
                pendingHead.withLock { $0 = nil }
                throw error
            }
            if let head = pendingHead.withLock({ value -> JournalAnchor? in
                defer { value = nil }
                return value
            }) {
                anchor(head)
            }
            guard let result else {
                throw POSError.conflict("the transaction returned nothing", code: "store.noResult")
            }
            return result
        }
    }

    /// Appends a committed head to the anchor file. The commit stands whatever happens here: a failure is reported
    /// on stderr and the next command's head covers it (verification accepts a file that is behind the chain).
    func anchor(_ head: JournalAnchor) {
        guard path != ":memory:", !path.isEmpty else { return }
        do {
            try JournalAnchors.append([head], to: JournalAnchors.path(forDatabase: path))
        } catch {
            FileHandle.standardError.write(Data("vetpos: warning: journal anchor not written: \(error)\n".utf8))
        }
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    /// The clinic's settings, as stored at setup.
    public func policy() async throws -> ClinicPolicy {
        try await read { db in try Self.policy(db) }
    }

    /// The writer connection's journal mode and `synchronous` level (2 = FULL), as SQLite reports them.
    public func durability() async throws -> (journalMode: String, synchronous: Int) {
        try await pool.writeWithoutTransaction { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            )
        }
    }

    static func policy(_ db: Database) throws -> ClinicPolicy {
        guard let json = try String.fetchOne(cached: db, sql: "SELECT value FROM setting WHERE key = 'policy'") else {
            throw POSError.conflict("the clinic is not set up yet: run `vetpos setup` first", code: "clinic.notSetUp")
        }
        // Decoding the policy on every checkout cost an eighth of its time: keep the last one, keyed by its text,
        // so a change made by any process is still seen at once.
        if let cached = lastPolicy.withLock({ $0 }), cached.json == json { return cached.policy }
        let policy = try JSONDecoder().decode(ClinicPolicy.self, from: Data(json.utf8))
        lastPolicy.withLock { $0 = (json, policy) }
        return policy
    }

    private static let lastPolicy = Mutex<(json: String, policy: ClinicPolicy)?>(nil)

    static func calendar(_ db: Database) throws -> BusinessCalendar {
        try policy(db).calendar()
    }
}

/// Canonical JSON for the journal and command results: sorted keys, so the same value always gives the same bytes.
enum CanonicalJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

/// Lets callers outside the storage layer recognise the database's own refusals without importing GRDB.
public enum StoreErrors {
    /// The SQLite message when `error` is a constraint or trigger refusal, else nil.
    public static func refusal(_ error: any Error) -> String? {
        guard let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT else { return nil }
        return error.message
    }

    /// What to tell a person when the disk under the database is full (SQLite's SQLITE_FULL), else nil. Nothing was
    /// written: the transaction rolled back.
    public static func diskFull(_ error: any Error) -> String? {
        guard let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL else { return nil }
        return "the appliance's disk is full: nothing was saved; free space (old backups, logs) and try again"
    }
}
