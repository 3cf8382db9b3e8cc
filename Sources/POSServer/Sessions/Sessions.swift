import Foundation
import POSCore

/// The signed-in terminals: an opaque token per sign-in, kept in memory only (a restart signs everyone out), that
/// expires after `idleTimeout` without a request.
public actor Sessions {
    public struct Session: Sendable {
        public var token: String
        public var clerk: Operator
        public var lastSeen: Date
        public var expiresAt: Date
        /// The order of sign-ins: a later sign-in has a larger number.
        public var order: Int
    }

    public let idleTimeout: Duration
    private let clock: @Sendable () -> Date
    private var byToken: [String: Session] = [:]
    private var opened = 0

    public init(idleTimeout: Duration = .seconds(15 * 60), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.idleTimeout = idleTimeout
        self.clock = clock
    }

    private var idleSeconds: TimeInterval {
        TimeInterval(idleTimeout.components.seconds) + TimeInterval(idleTimeout.components.attoseconds) / 1e18
    }

    /// A new session for a signed-in employee: 32 random bytes as hex.
    public func open(_ clerk: Operator) -> Session {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
            .joined()
        let now = clock()
        opened += 1
        let session = Session(token: token, clerk: clerk, lastSeen: now, expiresAt: now + idleSeconds, order: opened)
        byToken[token] = session
        purgeExpired(now)
        return session
    }

    /// The session of `token`, its idle timer restarted; nil when unknown or expired (an expired one is removed).
    public func touch(_ token: String) -> Session? {
        let now = clock()
        guard var session = byToken[token] else { return nil }
        guard session.expiresAt > now else {
            byToken[token] = nil
            return nil
        }
        session.lastSeen = now
        session.expiresAt = now + idleSeconds
        byToken[token] = session
        return session
    }

    /// The unexpired session of whoever signed in at `terminal` most recently, without restarting its idle timer.
    public func newest(atTerminal terminal: String) -> Session? {
        let now = clock()
        return byToken.values.filter { $0.clerk.terminal == terminal && $0.expiresAt > now }.max { $0.order < $1.order }
    }

    /// Keeps the session's employee in step with the staff record: the current role and name, or the session closed
    /// (nil) when the employee is disabled or gone.
    public func follow(_ token: String, record: Employee?) -> Session? {
        guard var session = byToken[token] else { return nil }
        guard let record, record.active else {
            byToken[token] = nil
            return nil
        }
        session.clerk.employee = record
        byToken[token] = session
        return session
    }

    /// Closes every session of an employee (disabled, or their PIN changed).
    public func close(employee: String) {
        byToken = byToken.filter { $0.value.clerk.employee.id != employee }
    }

    public func close(_ token: String) {
        byToken[token] = nil
    }

    public var count: Int { byToken.count }

    private func purgeExpired(_ now: Date) {
        byToken = byToken.filter { $0.value.expiresAt > now }
    }
}
