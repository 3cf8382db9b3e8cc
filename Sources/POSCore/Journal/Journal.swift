/// One entry of the append-only, hash-chained journal of everything that moves money or changes who may.
///
/// `hash` covers the previous entry's hash and every field of this one, so changing, removing or reordering any
/// entry breaks the chain from there on.
public struct JournalEntry: Hashable, Sendable {
    public var sequence: Int64
    public var atMillis: Int64
    public var kind: String
    public var employee: String
    public var terminal: String
    /// What the entry is about, such as `invoice 1042` or `payment 77`.
    public var subject: String
    /// Canonical JSON of the event's details.
    public var payload: String
    public var previousHash: String
    public var hash: String

    public init(
        sequence: Int64,
        atMillis: Int64,
        kind: String,
        employee: String,
        terminal: String,
        subject: String,
        payload: String,
        previousHash: String,
        hash: String
    ) {
        self.sequence = sequence
        self.atMillis = atMillis
        self.kind = kind
        self.employee = employee
        self.terminal = terminal
        self.subject = subject
        self.payload = payload
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// A journal head as printed on paper: the entry's sequence and hash.
public struct JournalHead: Hashable, Sendable, Codable {
    public var sequence: Int64
    public var hash: String

    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    /// `entry 1234 · 9f3a…c2`: enough of the hash to compare by eye with `vetpos journal show`.
    public var text: String { "entry \(sequence) · \(hash.prefix(4))…\(hash.suffix(2))" }
}

public enum JournalChain {
    /// The previous hash of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(
        sequence: Int64,
        atMillis: Int64,
        kind: String,
        employee: String,
        terminal: String,
        subject: String,
        payload: String,
        previousHash: String
    ) -> String {
        var hasher = SHA256Hasher()
        // Each field is length-prefixed so no two different entries serialise to the same bytes.
        for field in [previousHash, String(sequence), String(atMillis), kind, employee, terminal, subject, payload] {
            hasher.update("\(field.utf8.count):")
            hasher.update(field)
        }
        return hexString(hasher.finalize())
    }

    public static func seal(_ entry: JournalEntry) -> String {
        hash(
            sequence: entry.sequence,
            atMillis: entry.atMillis,
            kind: entry.kind,
            employee: entry.employee,
            terminal: entry.terminal,
            subject: entry.subject,
            payload: entry.payload,
            previousHash: entry.previousHash
        )
    }

    static func hexString(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Walks the chain in order, remembering the first break.
public struct JournalVerifier: Sendable {
    public private(set) var count: Int64 = 0
    public private(set) var lastHash = JournalChain.genesis
    public private(set) var problem: String?

    public init() {}

    public mutating func check(_ entry: JournalEntry) {
        guard problem == nil else { return }
        count += 1
        if entry.sequence != count {
            problem = "entry \(entry.sequence): expected sequence \(count) (an entry is missing or out of order)"
        } else if entry.previousHash != lastHash {
            problem = "entry \(entry.sequence): previous hash does not match entry \(count - 1)"
        } else if JournalChain.seal(entry) != entry.hash {
            problem = "entry \(entry.sequence): contents do not match its hash (the entry was altered)"
        }
        lastHash = entry.hash
    }
}
