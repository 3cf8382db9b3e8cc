import HummingbirdBcrypt
import POSCore

/// Salted bcrypt hashes of staff PINs. Each hash carries its own salt and cost, so raising the cost later leaves old
/// hashes verifiable.
public struct BcryptPINHasher: PINHasher {
    /// log2 of bcrypt's rounds. 10 takes tens of milliseconds here: slow for guessing, quick enough to sign in.
    public let cost: UInt8

    public init(cost: UInt8 = 10) {
        precondition((4...31).contains(cost), "bcrypt cost must be between 4 and 31")
        self.cost = cost
    }

    public func hash(pin: String) -> String { Bcrypt.hash(pin, cost: cost) }

    public func verify(pin: String, against hash: String) -> Bool { Bcrypt.verify(pin, hash: hash) }
}
