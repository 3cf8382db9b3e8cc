import POSCore

// The normalised records matching works on (FORMATS.md §6.1). Every amount is signed from the clinic's view, every
// date is the clinic's business date; the store and the importers turn their rows into these.

/// A card payment (or refund, negative) as VetPOS took it.
public struct CardPaymentItem: Hashable, Sendable, Codable {
    public var id: Int64
    public var amount: Money
    public var authCode: String
    public var last4: String
    public var batch: String
    public var date: BusinessDate

    public init(id: Int64, amount: Money, authCode: String, last4: String, batch: String, date: BusinessDate) {
        self.id = id
        self.amount = amount
        self.authCode = authCode
        self.last4 = last4
        self.batch = batch
        self.date = date
    }
}

/// A closed terminal batch: what VetPOS expects the processor to settle (gross, before fees).
public struct TerminalBatchItem: Hashable, Sendable, Codable {
    public var id: String
    public var terminal: String
    public var gross: Money
    public var closedOn: BusinessDate
    /// CareCredit settles on its own, later stream.
    public var careCredit: Bool

    public init(id: String, terminal: String, gross: Money, closedOn: BusinessDate, careCredit: Bool = false) {
        self.id = id
        self.terminal = terminal
        self.gross = gross
        self.closedOn = closedOn
        self.careCredit = careCredit
    }
}

/// One line of a processor's settlement file.
public struct ProcessorEntryItem: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable { case charge, refund, chargeback, fee, adjustment }

    public var id: String
    public var payout: String
    public var kind: Kind
    public var gross: Money
    public var fee: Money
    public var net: Money
    public var authCode: String?
    public var last4: String?
    /// The batch the processor says the entry belongs to, when it says.
    public var batch: String?
    /// The VetPOS payment the processor echoes back (payment metadata), as `P123` or `123`.
    public var paymentReference: String?
    public var date: BusinessDate

    public init(
        id: String,
        payout: String,
        kind: Kind,
        gross: Money,
        fee: Money,
        net: Money,
        authCode: String? = nil,
        last4: String? = nil,
        batch: String? = nil,
        paymentReference: String? = nil,
        date: BusinessDate
    ) {
        self.id = id
        self.payout = payout
        self.kind = kind
        self.gross = gross
        self.fee = fee
        self.net = net
        self.authCode = authCode
        self.last4 = last4
        self.batch = batch
        self.paymentReference = paymentReference
        self.date = date
    }
}

/// A payout the processor announced: the net it will pay into the bank.
public struct PayoutItem: Hashable, Sendable, Codable {
    public var id: String
    public var net: Money
    public var expected: BusinessDate
    /// Texts the bank may show: trace id, batch ids.
    public var references: [String]

    public init(id: String, net: Money, expected: BusinessDate, references: [String] = []) {
        self.id = id
        self.net = net
        self.expected = expected
        self.references = references
    }
}

/// A bank deposit VetPOS prepared (cash and checks).
public struct DepositSlipItem: Hashable, Sendable, Codable {
    public var id: String
    public var total: Money
    public var date: BusinessDate

    public init(id: String, total: Money, date: BusinessDate) {
        self.id = id
        self.total = total
        self.date = date
    }
}

/// A line of the bank statement.
public struct BankLineItem: Hashable, Sendable, Codable {
    public var id: String
    public var amount: Money
    public var date: BusinessDate
    public var text: String

    public init(id: String, amount: Money, date: BusinessDate, text: String) {
        self.id = id
        self.amount = amount
        self.date = date
        self.text = text
    }
}

/// Everything matching looks at, from both sides.
public struct ReconciliationInputs: Hashable, Sendable, Codable {
    public var payments: [CardPaymentItem]
    public var batches: [TerminalBatchItem]
    public var entries: [ProcessorEntryItem]
    public var payouts: [PayoutItem]
    public var slips: [DepositSlipItem]
    public var bank: [BankLineItem]

    public init(
        payments: [CardPaymentItem] = [],
        batches: [TerminalBatchItem] = [],
        entries: [ProcessorEntryItem] = [],
        payouts: [PayoutItem] = [],
        slips: [DepositSlipItem] = [],
        bank: [BankLineItem] = []
    ) {
        self.payments = payments
        self.batches = batches
        self.entries = entries
        self.payouts = payouts
        self.slips = slips
        self.bank = bank
    }

    /// What an item amounts to (signed, the clinic's view) and the day it is dated; nil when there is no such item.
    public func lookUp(_ item: MatchItem) -> (amount: Money, date: BusinessDate)? {
        switch item.kind {
        case .payment: payments.first { "P\($0.id)" == item.id }.map { ($0.amount, $0.date) }
        case .entry: entries.first { $0.id == item.id }.map { ($0.net, $0.date) }
        case .payout: payouts.first { $0.id == item.id }.map { ($0.net, $0.expected) }
        case .bank: bank.first { $0.id == item.id }.map { ($0.amount, $0.date) }
        case .batch: batches.first { $0.id == item.id }.map { ($0.gross, $0.closedOn) }
        case .slip: slips.first { $0.id == item.id }.map { ($0.total, $0.date) }
        }
    }

    /// The inputs without the items people have already decided about.
    public func removing(_ decided: Set<MatchItem>) -> ReconciliationInputs {
        ReconciliationInputs(
            payments: payments.filter { !decided.contains(MatchItem(.payment, "P\($0.id)")) },
            batches: batches.filter { !decided.contains(MatchItem(.batch, $0.id)) },
            entries: entries.filter { !decided.contains(MatchItem(.entry, $0.id)) },
            payouts: payouts.filter { !decided.contains(MatchItem(.payout, $0.id)) },
            slips: slips.filter { !decided.contains(MatchItem(.slip, $0.id)) },
            bank: bank.filter { !decided.contains(MatchItem(.bank, $0.id)) }
        )
    }
}
