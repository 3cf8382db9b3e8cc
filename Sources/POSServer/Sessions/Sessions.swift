import Foundation
import POSCore
import POSStorage

/// The signed-in terminals: an opaque token per sign-in, kept in the database by its SHA-256 (never the token), so a
/// restart of the server signs nobody out. A session ends after `idleTimeout` without a request, `lifetime` after
/// its sign-in whatever its use, at sign-out, and when its employee is disabled.
///
/// Last-seen times live here and are written to the database at most once per ``seenWriteInterval`` per session
/// (the appliance is SQLite with `synchronous=FULL`): after a restart a session may be up to that much nearer to
/// its idle expiry than it was.
public actor Sessions {
    public struct Session: Sendable {
        /// The token; empty for a session found by its terminal (only its hash is stored).
        public var token: String
        /// The SHA-256 of the token, as stored.
        public var id: String
        public var clerk: Operator
        public var createdAt: Date
        public var lastSeen: Date
        public var expiresAt: Date
    }

    /// The absolute lifetime of a session: a new sign-in is needed 12 hours after the last one.
    public static let defaultLifetime: Duration = .seconds(12 * 3600)
    /// How often a session's last-seen time is written to the database.
    public static let seenWriteInterval: TimeInterval = 60

    public let store: Store
    public let idleTimeout: Duration
    public let lifetime: Duration
    private let clock: @Sendable () -> Date
    /// Sessions used since the server started, by token hash, with the last-seen time the database has.
    private var cache: [String: (session: Session, storedSeen: Date)] = [:]

    public init(
        store: Store,
        idleTimeout: Duration = .seconds(15 * 60),
        lifetime: Duration = Sessions.defaultLifetime,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
        self.clock = clock
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }

    private static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    private static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(millis) / 1000) }

    public static func hash(_ token: String) -> String { SHA256.hexDigest(token) }

    private func expiry(created: Date, lastSeen: Date) -> Date {
        min(lastSeen + Self.seconds(idleTimeout), created + Self.seconds(lifetime))
    }

    /// A new session for a signed-in employee: 32 random bytes as hex; stored (hashed) before it is returned.
    public func open(_ clerk: Operator) async throws -> Session {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
            .joined()
        let now = clock()
        let session = Session(
            token: token,
            id: Self.hash(token),
            clerk: clerk,
            createdAt: now,
            lastSeen: now,
            expiresAt: expiry(created: now, lastSeen: now)
        )
        // Expired sessions go when someone signs in (rare), never on an ordinary request.
        try await store.deleteSessions(
            idleBefore: Self.millis(now - Self.seconds(idleTimeout)),
            createdBefore: Self.millis(now - Self.seconds(lifetime))
        )
        try await store.saveSession(
            Store.StoredSession(
                tokenHash: session.id,
                employee: clerk.employee,
                terminal: clerk.terminal,
                source: clerk.source,
                createdAt: Self.millis(now),
                lastSeen: Self.millis(now)
            )
        )
        cache[session.id] = (session, now)
        return session
    }

    /// The session of `id` (a token hash), from memory or the database, with `token` when known.
    private func load(_ id: String, token: String) async throws -> (session: Session, storedSeen: Date)? {
        if let cached = cache[id] { return cached }
        guard let stored = try await store.session(tokenHash: id) else { return nil }
        let created = Self.date(stored.createdAt)
        let seen = Self.date(stored.lastSeen)
        let session = Session(
            token: token,
            id: id,
            clerk: Operator(employee: stored.employee, terminal: stored.terminal, source: stored.source),
            createdAt: created,
            lastSeen: seen,
            expiresAt: expiry(created: created, lastSeen: seen)
        )
        return (session, seen)
    }

    /// The session of `token`, its idle timer restarted; nil when unknown or expired (an expired one is deleted).
    public func touch(_ token: String) async throws -> Session? {
        let id = Self.hash(token)
        guard let loaded = try await load(id, token: token) else { return nil }
        var (session, storedSeen) = (loaded.session, loaded.storedSeen)
        let now = clock()
        guard session.expiresAt > now else {
            try await close(id: id)
            return nil
        }
        session.token = token
        session.lastSeen = now
        session.expiresAt = expiry(created: session.createdAt, lastSeen: now)
        if now.timeIntervalSince(storedSeen) >= Self.seenWriteInterval {
            try await store.sessionSeen(tokenHash: id, at: Self.millis(now))
            storedSeen = now
        }
        cache[id] = (session, storedSeen)
        return session
    }

    /// The unexpired session of whoever signed in at `terminal` most recently, without restarting its idle timer.
    public func newest(atTerminal terminal: String) async throws -> Session? {
        let now = clock()
        for stored in try await store.sessions(atTerminal: terminal) {
            guard let loaded = try await load(stored.tokenHash, token: "") else { continue }
            if loaded.session.expiresAt > now { return loaded.session }
        }
        return nil
    }

    /// Keeps the session's employee in step with the staff record: the current role and name, or the session closed
    /// (nil) when the employee is disabled or gone.
    public func follow(_ token: String, record: Employee?) async throws -> Session? {
        try await follow(id: Self.hash(token), token: token, record: record)
    }

    /// ``follow(_:record:)`` for a session found by its terminal.
    public func follow(session: Session, record: Employee?) async throws -> Session? {
        try await follow(id: session.id, token: session.token, record: record)
    }

    private func follow(id: String, token: String, record: Employee?) async throws -> Session? {
        guard let loaded = try await load(id, token: token) else { return nil }
        var session = loaded.session
        guard let record, record.active else {
            try await close(id: id)
            return nil
        }
        session.clerk.employee = record
        cache[id] = (session, loaded.storedSeen)
        return session
    }

    /// Closes every session of an employee (disabled, or their PIN changed).
    public func close(employee: String) async throws {
        cache = cache.filter { $0.value.session.clerk.employee.id != employee }
        try await store.deleteSessions(employee: employee)
    }

    /// Signs out: the session is deleted.
    public func close(_ token: String) async throws {
        try await close(id: Self.hash(token))
    }

    private func close(id: String) async throws {
        cache[id] = nil
        try await store.deleteSessions(tokenHash: id)
    }

    /// The sessions stored, expired or not.
    public var count: Int {
        get async throws { try await store.sessionCount() }
    }
}
