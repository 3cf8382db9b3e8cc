import Foundation
import GRDB
import POSCore

extension Store {
    /// What a PIN was checked for, as listed to managers.
    public enum PINPurpose: String, Sendable, Codable {
        case signIn = "sign-in"
        case approval
    }

    /// One wrong PIN, as a manager sees it (`vetpos audit pins`): never the PIN.
    public struct PINFailure: Sendable, Codable, Equatable {
        public var employee: String
        public var source: String
        public var purpose: String
        /// Milliseconds since 1970.
        public var at: Int64
        /// A right PIN was given for the same employee at the same source afterwards.
        public var cleared: Bool
    }

    /// How long wrong PINs stay listed.
    static let pinFailureRetentionMillis: Int64 = 90 * 24 * 3600 * 1000

    /// The one PIN check (``PINBackoff``): refused with ``POSError/throttled(employee:retryAfterSeconds:)`` without
    /// looking at the PIN while the employee and source wait; else a failure is recorded *before* the slow PIN check
    /// (so parallel guesses cannot slip past the count) and removed again when the PIN was right, which also clears
    /// the pair's earlier failures. A wrong PIN, an unknown employee and an inactive one are the same
    /// ``POSError/authenticationFailed(employee:)``.
    func checkPIN(employee id: String, pin: String, source: String, purpose: PINPurpose) async throws -> Employee {
        // No employee has an id of another shape: refused alike, with nothing recorded (no guess can succeed, and a
        // megabyte of text is not stored).
        guard (try? Identifier.validate(id, field: "employee")) != nil else {
            throw POSError.authenticationFailed(employee: String(id.prefix(32)))
        }
        let at = now()
        let attempt: (employee: Employee?, pinHash: String?, attempt: Int64) = try await transaction { db in
            let earlier = try Int64.fetchAll(
                cached: db,
                sql: "SELECT at FROM pinFailure WHERE employee = ? AND source = ? AND cleared = 0 AND at > ?",
                arguments: [id, source, at - PINBackoff.horizonMilliseconds]
            )
            if let wait = PINBackoff.retryAfter(failures: earlier, now: at) {
                throw POSError.throttled(employee: id, retryAfterSeconds: wait)
            }
            if let suffix = PINBackoff.addressSuffix(of: source) {
                let fromAddress = try Int64.fetchAll(
                    cached: db,
                    sql: """
                        SELECT at FROM pinFailure
                        WHERE employee = ? AND substr(source, -?) = ? AND cleared = 0 AND at > ?
                        """,
                    arguments: [id, suffix.count, suffix, at - PINBackoff.horizonMilliseconds]
                )
                if let wait = PINBackoff.retryAfter(
                    failures: fromAddress,
                    now: at,
                    free: PINBackoff.freeFailuresPerAddress
                ) {
                    throw POSError.throttled(employee: id, retryAfterSeconds: wait)
                }
            }
            try db.executeCached(
                sql: "INSERT INTO pinFailure (employee, source, purpose, at) VALUES (?, ?, ?, ?)",
                arguments: [id, source, purpose.rawValue, at]
            )
            let attempt = db.lastInsertedRowID
            try db.executeCached(
                sql: "DELETE FROM pinFailure WHERE at < ?",
                arguments: [at - Self.pinFailureRetentionMillis]
            )
            let row = try Row.fetchOne(cached: db, sql: "SELECT * FROM employee WHERE id = ?", arguments: [id])
            let hash: String? = row.map { $0["pinHash"] as String }
            return (row.map(Self.employee), hash, attempt)
        }
        // Hash anyway when the employee is unknown, so timing does not reveal which ids exist.
        let right = pinHasher.verify(pin: pin, against: attempt.pinHash ?? Self.unknownEmployeeHash(pinHasher))
        guard right, let employee = attempt.employee, employee.active else {
            throw POSError.authenticationFailed(employee: id)
        }
        try await transaction { db in
            try db.executeCached(sql: "DELETE FROM pinFailure WHERE id = ?", arguments: [attempt.attempt])
            try db.executeCached(
                sql: "UPDATE pinFailure SET cleared = 1 WHERE employee = ? AND source = ? AND cleared = 0",
                arguments: [id, source]
            )
        }
        return employee
    }

    /// A hash no PIN matches in practice, made once per hasher kind, for timing parity with a known employee.
    static func unknownEmployeeHash(_ hasher: any PINHasher) -> String {
        hasher.hash(pin: "0000")
    }

    /// Wrong PINs since `since` (milliseconds since 1970), newest first: employee, source, what for, when. Managers
    /// only.
    public func pinFailures(since: Int64, limit: Int = 1000, viewer: Operator) async throws -> [PINFailure] {
        try viewer.require(.manageEmployees)
        return try await read { db in
            try Row.fetchAll(
                cached: db,
                sql: "SELECT * FROM pinFailure WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?",
                arguments: [since, limit]
            ).map {
                PINFailure(
                    employee: $0["employee"],
                    source: $0["source"],
                    purpose: $0["purpose"],
                    at: $0["at"],
                    cleared: $0["cleared"]
                )
            }
        }
    }
}

extension Store {
    /// A signed-in session as stored: the token's SHA-256, never the token.
    public struct StoredSession: Sendable, Equatable {
        public var tokenHash: String
        public var employee: Employee
        public var terminal: String
        public var source: String
        /// Milliseconds since 1970.
        public var createdAt: Int64
        public var lastSeen: Int64

        public init(
            tokenHash: String,
            employee: Employee,
            terminal: String,
            source: String,
            createdAt: Int64,
            lastSeen: Int64
        ) {
            self.tokenHash = tokenHash
            self.employee = employee
            self.terminal = terminal
            self.source = source
            self.createdAt = createdAt
            self.lastSeen = lastSeen
        }
    }

    public func saveSession(_ session: StoredSession) async throws {
        try await transaction { db in
            try db.executeCached(
                sql: """
                    INSERT INTO session (tokenHash, employee, terminal, source, createdAt, lastSeen)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session.tokenHash, session.employee.id, session.terminal, session.source, session.createdAt,
                    session.lastSeen,
                ]
            )
        }
    }

    /// The stored session of a token's hash, with its employee's current record; nil when unknown.
    public func session(tokenHash: String) async throws -> StoredSession? {
        try await read { db in
            try Row.fetchOne(
                cached: db,
                sql: """
                    SELECT s.*, e.name, e.role, e.active FROM session s JOIN employee e ON e.id = s.employee
                    WHERE s.tokenHash = ?
                    """,
                arguments: [tokenHash]
            ).map(Self.storedSession)
        }
    }

    /// The sessions opened at `terminal`, newest first.
    public func sessions(atTerminal terminal: String) async throws -> [StoredSession] {
        try await read { db in
            try Row.fetchAll(
                cached: db,
                sql: """
                    SELECT s.*, e.name, e.role, e.active FROM session s JOIN employee e ON e.id = s.employee
                    WHERE s.terminal = ? ORDER BY s.createdAt DESC
                    """,
                arguments: [terminal]
            ).map(Self.storedSession)
        }
    }

    /// Records that a session was used at `lastSeen` (the server does so at most once a minute per session).
    public func sessionSeen(tokenHash: String, at lastSeen: Int64) async throws {
        try await transaction { db in
            try db.executeCached(
                sql: "UPDATE session SET lastSeen = max(lastSeen, ?) WHERE tokenHash = ?",
                arguments: [lastSeen, tokenHash]
            )
        }
    }

    /// Deletes sessions: one by its token's hash, every one of an employee, and every one idle since before
    /// `idleBefore` or created before `createdBefore`.
    public func deleteSessions(
        tokenHash: String? = nil,
        employee: String? = nil,
        idleBefore: Int64? = nil,
        createdBefore: Int64? = nil
    ) async throws {
        try await transaction { db in
            if let tokenHash {
                try db.executeCached(sql: "DELETE FROM session WHERE tokenHash = ?", arguments: [tokenHash])
            }
            if let employee {
                try db.executeCached(sql: "DELETE FROM session WHERE employee = ?", arguments: [employee])
            }
            if let idleBefore {
                try db.executeCached(sql: "DELETE FROM session WHERE lastSeen < ?", arguments: [idleBefore])
            }
            if let createdBefore {
                try db.executeCached(sql: "DELETE FROM session WHERE createdAt < ?", arguments: [createdBefore])
            }
        }
    }

    public func sessionCount() async throws -> Int {
        try await read { db in try Int.fetchOne(cached: db, sql: "SELECT COUNT(*) FROM session") ?? 0 }
    }

    static func storedSession(_ row: Row) -> StoredSession {
        StoredSession(
            tokenHash: row["tokenHash"],
            employee: Employee(
                id: row["employee"],
                name: row["name"],
                role: Role(rawValue: row["role"]) ?? .csr,
                active: row["active"]
            ),
            terminal: row["terminal"],
            source: row["source"],
            createdAt: row["createdAt"],
            lastSeen: row["lastSeen"]
        )
    }
}
