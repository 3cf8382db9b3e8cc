import Foundation

/// Repeated wrong PINs: after `limit` failures within `window`, per employee id and per client address, further
/// attempts are refused for `lockout` (the PIN is not even checked).
public actor SignInThrottle {
    public let limit: Int
    public let window: TimeInterval
    public let lockout: TimeInterval
    private let clock: @Sendable () -> Date
    private var failures: [String: [Date]] = [:]
    private var lockedUntil: [String: Date] = [:]

    public init(
        limit: Int = 5,
        window: TimeInterval = 10 * 60,
        lockout: TimeInterval = 5 * 60,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.limit = limit
        self.window = window
        self.lockout = lockout
        self.clock = clock
    }

    static func keys(employee: String, address: String) -> [String] {
        ["employee:\(employee)", "address:\(address)"]
    }

    /// Seconds until the employee or the address may try again, or nil when they may now.
    public func retryAfter(employee: String, address: String) -> Int? {
        let now = clock()
        let waits = Self.keys(employee: employee, address: address).compactMap { key -> TimeInterval? in
            guard let until = lockedUntil[key] else { return nil }
            if until <= now {
                lockedUntil[key] = nil
                return nil
            }
            return until.timeIntervalSince(now)
        }
        return waits.max().map { Int($0.rounded(.up)) }
    }

    /// Records a wrong PIN; returns true when it starts a lockout.
    public func failed(employee: String, address: String) -> Bool {
        let now = clock()
        var locked = false
        for key in Self.keys(employee: employee, address: address) {
            var recent = failures[key, default: []].filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            if recent.count >= limit {
                lockedUntil[key] = now + lockout
                recent = []
                locked = true
            }
            failures[key] = recent
        }
        return locked
    }

    /// A successful sign-in clears the employee's failures (not the address's: another id may be guessed there).
    public func succeeded(employee: String) {
        failures["employee:\(employee)"] = nil
    }
}
