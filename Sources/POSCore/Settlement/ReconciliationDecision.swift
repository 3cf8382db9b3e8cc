/// One item matching works on, named by its kind and its id: `payout:po_1`, `bank:CHK-1:0001`, `batch:B-…`.
public struct MatchItem: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public enum Kind: String, CaseIterable, Sendable, Codable {
        /// A VetPOS card payment or refund, by its payment number as the processor echoes it (`P123`).
        case payment
        /// A line of a processor's settlement file, `processor:id`.
        case entry
        /// A processor payout, by the processor's payout id.
        case payout
        /// A bank statement line, `account:id`.
        case bank
        /// A closed card terminal batch (CareCredit's share with `-CC`).
        case batch
        /// A deposit slip, `D-YYYYMMDD-NN`.
        case slip
    }

    public var kind: Kind
    public var id: String

    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    /// Parses `kind:id` as typed at the command line; the id may itself contain colons.
    public init(parsing text: String) throws(POSError) {
        guard let colon = text.firstIndex(of: ":"), let kind = Kind(rawValue: String(text[..<colon])),
            text.index(after: colon) < text.endIndex
        else {
            throw .invalid(
                field: "item",
                reason:
                    "'\(text)' is not KIND:ID with KIND one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self.init(kind, String(text[text.index(after: colon)...]))
    }

    public var description: String { "\(kind.rawValue):\(id)" }

    public static func < (a: MatchItem, b: MatchItem) -> Bool { a.description < b.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A person's decision about matching, recorded for good: a match they confirmed or made, items a manager wrote off,
/// or the reversal of an earlier decision. Automatic matches are recomputed from the imported files every time; only
/// what people decided is stored, and it takes those items out of automatic matching.
public struct ReconciliationDecision: Hashable, Sendable, Codable {
    public enum Action: String, Sendable, Codable {
        /// `left` and `right` settle each other (a confirmed subset-sum suggestion, or a match made by hand).
        case match
        /// `left` will never be matched; `amount` is what the write-off costs or brings.
        case writeOff
        /// Undoes decision `reverses`: its items are open again.
        case reversal
    }

    /// Assigned by the store, in order.
    public var number: Int64
    public var action: Action
    public var left: [MatchItem]
    public var right: [MatchItem]
    /// For a write-off, the signed total of the items written off; for a match, what the two sides differ by (an
    /// unconfirmed fee when a batch is matched to its bank credit without processor data), else zero.
    public var amount: Money
    public var reason: String
    public var reverses: Int64?
    public var decidedBy: String
    public var decidedAt: Int64

    public init(
        number: Int64 = 0,
        action: Action,
        left: [MatchItem] = [],
        right: [MatchItem] = [],
        amount: Money = .zero,
        reason: String,
        reverses: Int64? = nil,
        decidedBy: String = "",
        decidedAt: Int64 = 0
    ) {
        self.number = number
        self.action = action
        self.left = left
        self.right = right
        self.amount = amount
        self.reason = reason
        self.reverses = reverses
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }

    /// Every item the decision names.
    public var items: [MatchItem] { left + right }
}

extension Sequence where Element == ReconciliationDecision {
    /// The matches and write-offs no later reversal undid.
    public var inForce: [ReconciliationDecision] {
        let reversed = Set(compactMap(\.reverses))
        return filter { $0.action != .reversal && !reversed.contains($0.number) }
    }
}
