/// The one rule for wrong PINs, for every PIN check (sign-in at the CLI or a terminal, discount, void and refund
/// approvals, a drawer's incoming cashier or verifying manager), counted per employee **and** source (a terminal
/// at an address, or `cli:USER@TERMINAL`), so a storm of wrong PINs at one terminal never locks anyone out elsewhere.
///
/// The first ``freeFailures`` wrong PINs cost nothing; after `n` of them the next attempt for that pair waits
/// 2^(n − ``freeFailures``) seconds after the last one (1 s, 2 s, 4 s, …), never more than ``maxDelaySeconds``.
/// Failures count while they are at most ``windowSeconds`` older than the pair's last failure: a pair that has
/// been quiet for the window (and whose wait is over) starts again from nothing.
///
/// A second count covers every source at one address (`…@ADDRESS`): inventing terminal names from one machine buys
/// ``freeFailuresPerAddress`` free guesses for an employee in all, not three per name.
public enum PINBackoff {
    public static let freeFailures = 3
    public static let freeFailuresPerAddress = 10
    public static let maxDelaySeconds = 15 * 60
    public static let windowSeconds = 10 * 60

    /// The address part of a source (`FRONT-1@10.0.0.5` → `@10.0.0.5`), which every source from there shares; nil
    /// for a source without one.
    public static func addressSuffix(of source: String) -> String? {
        guard let at = source.lastIndex(of: "@") else { return nil }
        return String(source[at...])
    }

    /// How far back a store needs to look: failures older than this never matter.
    public static var horizonMilliseconds: Int64 { Int64(maxDelaySeconds + windowSeconds) * 1000 }

    /// Seconds to wait after `failures` counted failures.
    public static func delaySeconds(afterFailures failures: Int, free: Int = freeFailures) -> Int {
        guard failures >= free else { return 0 }
        let exponent = failures - free
        // 2^10 = 1024 s is already above the cap.
        guard exponent < 10 else { return maxDelaySeconds }
        return min(1 << exponent, maxDelaySeconds)
    }

    /// The number of failures that count at `last`: those at most the window older than it.
    public static func counted(_ failures: [Int64]) -> Int {
        guard let last = failures.max() else { return 0 }
        let since = last - Int64(windowSeconds) * 1000
        return failures.filter { $0 >= since }.count
    }

    /// Whole seconds until the pair with these failures (milliseconds since 1970) may try again at `now`, or nil
    /// when it may try now.
    public static func retryAfter(failures: [Int64], now: Int64, free: Int = freeFailures) -> Int? {
        guard let last = failures.max() else { return nil }
        let delay = delaySeconds(afterFailures: counted(failures), free: free)
        guard delay > 0 else { return nil }
        let until = last + Int64(delay) * 1000
        guard until > now else { return nil }
        return Int((until - now + 999) / 1000)
    }
}
