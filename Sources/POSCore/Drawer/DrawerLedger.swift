/// The state of a drawer session: counting happens while it is open; a close count ends it; verification closes it.
public enum DrawerState: String, Hashable, Sendable, Codable {
    case open, ended, closed
}

/// What happened in a drawer, in order. Cash from sales comes from the session's payments, everything else from here.
public enum DrawerEventKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// The opening count: the baseline of the first cashier.
    case open
    case paidIn, paidOut
    /// Cash taken out mid-shift to the safe.
    case safeDrop
    /// The drawer opened without a sale, with a reason.
    case noSale
    /// A shift change: the count both cashiers agree on becomes the incoming cashier's baseline.
    case handover
    /// The blind count that ends the session, and the one recount allowed after it.
    case closeCount, recount
    /// A correction found later (for this session or an earlier, closed one), as new cash in or out.
    case adjustment

    /// Whether the event's count becomes the baseline that later expected cash builds on.
    var setsBaseline: Bool { self == .open || self == .handover }
}

/// A payment taken at this drawer's terminal while the session was open.
public struct DrawerPayment: Hashable, Sendable, Codable {
    public var number: Int64
    public var kind: PaymentKind
    public var tender: Tender
    /// Signed: positive for money taken, negative for refunds and reversals (for cash, net of change).
    public var amount: Money
    public var tendered: Money
    public var change: Money
    public var checkNumber: String?
    /// For a refund or reversal: the payment it undoes.
    public var reverses: Int64?
    /// The sequence of the last drawer event when the payment was taken: orders payments among events exactly.
    public var afterEvent: Int

    public init(
        number: Int64,
        kind: PaymentKind,
        tender: Tender,
        amount: Money,
        tendered: Money,
        change: Money,
        checkNumber: String?,
        reverses: Int64?,
        afterEvent: Int
    ) {
        self.number = number
        self.kind = kind
        self.tender = tender
        self.amount = amount
        self.tendered = tendered
        self.change = change
        self.checkNumber = checkNumber
        self.reverses = reverses
        self.afterEvent = afterEvent
    }
}

/// One stored drawer event.
public struct DrawerEvent: Hashable, Sendable, Codable {
    public var sequence: Int
    public var kind: DrawerEventKind
    /// Cash in (positive) or out (negative) for paid-in/out, drops and adjustments; zero otherwise.
    public var amount: Money
    public var count: CashCount?
    public var reason: String?
    public var employee: String
    /// The other person: the incoming cashier at a handover.
    public var otherEmployee: String?
    /// For an adjustment: the closed session it corrects.
    public var correctsSession: Int64?
    public var atMillis: Int64

    public init(
        sequence: Int,
        kind: DrawerEventKind,
        amount: Money = .zero,
        count: CashCount? = nil,
        reason: String? = nil,
        employee: String,
        otherEmployee: String? = nil,
        correctsSession: Int64? = nil,
        atMillis: Int64
    ) {
        self.sequence = sequence
        self.kind = kind
        self.amount = amount
        self.count = count
        self.reason = reason
        self.employee = employee
        self.otherEmployee = otherEmployee
        self.correctsSession = correctsSession
        self.atMillis = atMillis
    }
}

/// The cash figures of one stretch of a session (from the opening or a handover to a count), each a sum of events and
/// payments. Nothing is stored that could drift from them.
public struct DrawerFigures: Hashable, Sendable, Codable {
    /// The count the stretch started from: the opening count, or the last handover count.
    public var baseline: Money
    /// Cash handed over by clients, and the change given back from it.
    public var cashTendered: Money
    public var changeGiven: Money
    /// Cash paid back for refunds, and cash handed back for voided sales (both negative).
    public var cashRefunds: Money
    public var cashReversals: Money
    public var paidIn: Money
    /// Paid-outs and safe drops (negative).
    public var paidOut: Money
    public var safeDrops: Money
    /// Corrections found later (signed).
    public var adjustments: Money

    /// What should be in the drawer.
    public var expectedCash: Money {
        baseline + cashTendered - changeGiven + cashRefunds + cashReversals + paidIn + paidOut + safeDrops + adjustments
    }

    enum CodingKeys: String, CodingKey {
        case baseline, cashTendered, changeGiven, cashRefunds, cashReversals, paidIn, paidOut, safeDrops, adjustments
        case expectedCash
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        baseline = try container.decode(Money.self, forKey: .baseline)
        cashTendered = try container.decode(Money.self, forKey: .cashTendered)
        changeGiven = try container.decode(Money.self, forKey: .changeGiven)
        cashRefunds = try container.decode(Money.self, forKey: .cashRefunds)
        cashReversals = try container.decode(Money.self, forKey: .cashReversals)
        paidIn = try container.decode(Money.self, forKey: .paidIn)
        paidOut = try container.decode(Money.self, forKey: .paidOut)
        safeDrops = try container.decode(Money.self, forKey: .safeDrops)
        adjustments = try container.decode(Money.self, forKey: .adjustments)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(baseline, forKey: .baseline)
        try container.encode(cashTendered, forKey: .cashTendered)
        try container.encode(changeGiven, forKey: .changeGiven)
        try container.encode(cashRefunds, forKey: .cashRefunds)
        try container.encode(cashReversals, forKey: .cashReversals)
        try container.encode(paidIn, forKey: .paidIn)
        try container.encode(paidOut, forKey: .paidOut)
        try container.encode(safeDrops, forKey: .safeDrops)
        try container.encode(adjustments, forKey: .adjustments)
        try container.encode(expectedCash, forKey: .expectedCash)
    }

    init(baseline: Money) {
        self.baseline = baseline
        cashTendered = .zero
        changeGiven = .zero
        cashRefunds = .zero
        cashReversals = .zero
        paidIn = .zero
        paidOut = .zero
        safeDrops = .zero
        adjustments = .zero
    }
}

/// What one count found: the count against what the figures say, for the cashier answerable for that stretch.
public struct CountResult: Hashable, Sendable, Codable {
    public var sequence: Int
    public var kind: DrawerEventKind
    public var cashier: String
    public var counted: Money
    public var figures: DrawerFigures
    public var expected: Money { figures.expectedCash }
    public var overShort: Money { counted - expected }
}

/// The one place that turns a session's events and payments into figures.
public enum DrawerLedger {
    /// The figures of the stretch that a count at `sequence` ends (or of the stretch still running, by default):
    /// from the last opening or handover before it, over every event and payment up to it.
    public static func figures(
        events: [DrawerEvent],
        payments: [DrawerPayment],
        denominations: [Denomination],
        before sequence: Int = .max
    ) -> DrawerFigures {
        let considered = events.filter { $0.sequence < sequence }.sorted { $0.sequence < $1.sequence }
        let baseline = considered.last { $0.kind.setsBaseline }
        let start = baseline?.sequence ?? 0
        var figures = DrawerFigures(baseline: baseline?.count?.total(denominations) ?? .zero)
        for payment in payments where payment.afterEvent >= start && payment.afterEvent < sequence {
            guard payment.tender == .cash else { continue }
            switch payment.kind {
            case .payment:
                figures.cashTendered += payment.tendered
                figures.changeGiven += payment.change
            case .refund: figures.cashRefunds += payment.amount
            case .reversal: figures.cashReversals += payment.amount
            }
        }
        for event in considered where event.sequence > start {
            switch event.kind {
            case .paidIn: figures.paidIn += event.amount
            case .paidOut: figures.paidOut += event.amount
            case .safeDrop: figures.safeDrops += event.amount
            case .adjustment: figures.adjustments += event.amount
            case .open, .handover, .noSale, .closeCount, .recount: break
            }
        }
        return figures
    }

    /// Every count that ends a stretch (handovers, the close count, the recount) with what it found.
    public static func countResults(
        events: [DrawerEvent],
        payments: [DrawerPayment],
        denominations: [Denomination]
    ) -> [CountResult] {
        var results: [CountResult] = []
        var cashier = events.first { $0.kind == .open }?.employee ?? ""
        for event in events.sorted(by: { $0.sequence < $1.sequence }) {
            switch event.kind {
            case .handover, .closeCount, .recount:
                results.append(
                    CountResult(
                        sequence: event.sequence,
                        kind: event.kind,
                        cashier: cashier,
                        counted: event.count?.total(denominations) ?? .zero,
                        figures: figures(
                            events: events,
                            payments: payments,
                            denominations: denominations,
                            before: event.sequence
                        )
                    )
                )
                if event.kind == .handover, let incoming = event.otherEmployee { cashier = incoming }
            case .open, .paidIn, .paidOut, .safeDrop, .noSale, .adjustment: break
            }
        }
        return results
    }

    /// The checks that should be in the drawer: every check taken in the session, less those handed back on a void.
    public static func expectedChecks(_ payments: [DrawerPayment]) -> [DrawerPayment] {
        let reversed = Set(payments.filter { $0.kind == .reversal }.compactMap(\.reverses))
        return payments.filter { $0.tender == .check && $0.kind == .payment && !reversed.contains($0.number) }
    }
}
