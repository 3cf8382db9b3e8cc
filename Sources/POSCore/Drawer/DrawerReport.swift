import Foundation

/// A drawer session as reported: the X report while it runs, the numbered Z report once it is closed.
///
/// While a session is open, the expected cash is left out unless the reader may see it: the count must be blind.
public struct DrawerReport: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case x = "X"
        case z = "Z"
    }

    public struct TenderTotal: Hashable, Sendable, Codable {
        public var tender: Tender
        public var count: Int
        public var net: Money

        public init(tender: Tender, count: Int, net: Money) {
            self.tender = tender
            self.count = count
            self.net = net
        }
    }

    /// A card terminal's settlement slip against what VetPOS recorded on it during the session.
    public struct CardBatch: Hashable, Sendable, Codable {
        public var terminal: String
        public var recorded: Money
        public var slip: Money?
        public var difference: Money? { slip.map { $0 - recorded } }

        public init(terminal: String, recorded: Money, slip: Money?) {
            self.terminal = terminal
            self.recorded = recorded
            self.slip = slip
        }

        enum CodingKeys: String, CodingKey { case terminal, recorded, slip, difference }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            terminal = try container.decode(String.self, forKey: .terminal)
            recorded = try container.decode(Money.self, forKey: .recorded)
            slip = try container.decodeIfPresent(Money.self, forKey: .slip)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(terminal, forKey: .terminal)
            try container.encode(recorded, forKey: .recorded)
            try container.encodeIfPresent(slip, forKey: .slip)
            try container.encodeIfPresent(difference, forKey: .difference)
        }
    }

    public var kind: Kind
    public var clinic: String
    public var drawer: String
    public var session: Int64
    public var zNumber: Int?
    public var state: DrawerState
    public var openedBy: String
    public var openedAt: Int64
    public var closedBy: String?
    public var closedAt: Int64?
    public var openingCount: CashCount
    /// The previous session's float, and how the opening count differed from it.
    public var previousFloat: CashCount?
    public var openingDifference: Money?
    public var events: [DrawerEvent]
    public var tenders: [TenderTotal]
    /// Nil while the reader may not see expected cash (a blind count still to come).
    public var figures: DrawerFigures?
    public var counts: [CountResult]?
    public var expectedChecks: [DrawerPayment]
    /// Check numbers of the checks found in the drawer at close.
    public var checksCounted: [String]?
    public var cardBatches: [CardBatch]
    public var floatKept: CashCount?
    public var deposit: CashCount?
    public var closeNote: String?
    public var approvedBy: String?
    /// Corrections recorded in later sessions for this one.
    public var laterAdjustments: [DrawerEvent]
    /// The journal's head when the session was closed (the Z report), so the paper report anchors the journal too.
    public var journalHead: JournalHead?
    public var denominations: [Denomination]

    public init(
        kind: Kind,
        clinic: String,
        drawer: String,
        session: Int64,
        zNumber: Int?,
        state: DrawerState,
        openedBy: String,
        openedAt: Int64,
        closedBy: String?,
        closedAt: Int64?,
        openingCount: CashCount,
        previousFloat: CashCount?,
        events: [DrawerEvent],
        tenders: [TenderTotal],
        figures: DrawerFigures?,
        counts: [CountResult]?,
        expectedChecks: [DrawerPayment],
        checksCounted: [String]?,
        cardBatches: [CardBatch],
        floatKept: CashCount?,
        deposit: CashCount?,
        closeNote: String?,
        approvedBy: String?,
        laterAdjustments: [DrawerEvent],
        denominations: [Denomination]
    ) {
        self.kind = kind
        self.clinic = clinic
        self.drawer = drawer
        self.session = session
        self.zNumber = zNumber
        self.state = state
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.closedBy = closedBy
        self.closedAt = closedAt
        self.openingCount = openingCount
        self.previousFloat = previousFloat
        self.openingDifference = previousFloat.map { openingCount.total(denominations) - $0.total(denominations) }
        self.events = events
        self.tenders = tenders
        self.figures = figures
        self.counts = counts
        self.expectedChecks = expectedChecks
        self.checksCounted = checksCounted
        self.cardBatches = cardBatches
        self.floatKept = floatKept
        self.deposit = deposit
        self.closeNote = closeNote
        self.approvedBy = approvedBy
        self.laterAdjustments = laterAdjustments
        self.denominations = denominations
    }

    /// Checks taken in the session but not found at the close count.
    public var missingChecks: [DrawerPayment] {
        guard let checksCounted else { return [] }
        return expectedChecks.filter { !checksCounted.contains($0.checkNumber ?? "") }
    }

    /// Checks found at the close count that no payment of the session took.
    public var unexpectedChecks: [String] {
        (checksCounted ?? []).filter { number in !expectedChecks.contains { $0.checkNumber == number } }
    }

    /// The final count's variance: the recount's if there was one.
    public var finalCount: CountResult? { counts?.last { $0.kind == .closeCount || $0.kind == .recount } }

    /// The report as printed for closing staff.
    public func text(calendar: BusinessCalendar) -> String {
        var out: [String] = []
        func row(_ label: String, _ value: String) {
            // Long labels (reasons) are never cut: the amount moves right instead.
            let padded = label.count >= 34 ? label + " " : label.padding(toLength: 34, withPad: " ", startingAt: 0)
            out.append(padded + String(repeating: " ", count: max(0, 14 - value.count)) + value)
        }
        func time(_ millis: Int64) -> String {
            "\(calendar.businessDate(atMillis: millis)) \(calendar.timeOfDay(atMillis: millis))"
        }
        let title = kind == .z ? "Z report #\(zNumber ?? 0)" : "X report (no reset)"
        out.append("\(clinic) — drawer \(drawer) — \(title)")
        out.append(
            "Session \(session), opened \(time(openedAt)) by \(openedBy)"
                + (closedAt.map { ", closed \(time($0)) by \(closedBy ?? "")" } ?? ", \(state.rawValue)")
        )
        row("Opening count", openingCount.total(denominations).formatted)
        if let previousFloat, let openingDifference {
            row("Previous close's float", previousFloat.total(denominations).formatted)
            if openingDifference != .zero { row("  Opening difference", openingDifference.formatted) }
        }
        out.append("")
        out.append("Payments at this drawer")
        for tender in tenders { row("  \(tender.tender.rawValue) (\(tender.count))", tender.net.formatted) }
        if figures == nil { out.append("  cash: counted at the close, not shown before it") }
        let movements = events.filter {
            [.paidIn, .paidOut, .safeDrop, .noSale, .adjustment, .handover].contains($0.kind)
        }
        if !movements.isEmpty {
            out.append("")
            out.append("Drawer events")
            for event in movements {
                let what =
                    switch event.kind {
                    case .handover: "handover \(event.employee) → \(event.otherEmployee ?? "")"
                    case .noSale: "no sale by \(event.employee): \(event.reason ?? "")"
                    default: "\(event.kind.rawValue) by \(event.employee): \(event.reason ?? "")"
                    }
                row(
                    "  \(calendar.timeOfDay(atMillis: event.atMillis)) \(what)",
                    event.kind == .noSale || event.kind == .handover ? "" : event.amount.formatted
                )
            }
        }
        out.append("")
        if let figures {
            out.append("Cash (since the last opening or handover count)")
            row("  Baseline count", figures.baseline.formatted)
            row("  Cash tendered", figures.cashTendered.formatted)
            row("  Change given", (-figures.changeGiven).formatted)
            row("  Cash refunds", figures.cashRefunds.formatted)
            row("  Voided sales returned", figures.cashReversals.formatted)
            row("  Paid in", figures.paidIn.formatted)
            row("  Paid out", figures.paidOut.formatted)
            row("  Safe drops", figures.safeDrops.formatted)
            row("  Adjustments", figures.adjustments.formatted)
            row("  Expected cash", figures.expectedCash.formatted)
        } else {
            out.append("Expected cash: not shown until the blind count is submitted")
        }
        if let counts {
            for count in counts {
                row("\(count.kind.rawValue) (\(count.cashier)): counted", count.counted.formatted)
                row("  expected", count.expected.formatted)
                row("  over/short", count.overShort.formatted)
            }
        }
        let checksTotal = expectedChecks.map(\.amount).sum()
        out.append("")
        row("Checks expected (\(expectedChecks.count))", checksTotal.formatted)
        if let checksCounted {
            let found = expectedChecks.filter { checksCounted.contains($0.checkNumber ?? "") }
            row("Checks counted (\(checksCounted.count))", found.map(\.amount).sum().formatted)
            for check in missingChecks {
                row("  MISSING check \(check.checkNumber ?? "") (payment \(check.number))", check.amount.formatted)
            }
            for number in unexpectedChecks { out.append("  UNEXPECTED check \(number): no payment was taken with it") }
        }
        for batch in cardBatches {
            row("Card terminal \(batch.terminal): recorded", batch.recorded.formatted)
            if let slip = batch.slip, let difference = batch.difference {
                row("  settlement slip", slip.formatted)
                row("  difference", difference.formatted)
            }
        }
        if let floatKept, let deposit {
            out.append("")
            row("Float left in the drawer", floatKept.total(denominations).formatted)
            out.append("  " + floatKept.text(denominations))
            row("To the bank (cash)", deposit.total(denominations).formatted)
            out.append("  " + deposit.text(denominations))
        }
        if let closeNote { out.append("Note: \(closeNote)" + (approvedBy.map { " (approved by \($0))" } ?? "")) }
        // The journal's head at the close, before later adjustments (which are appended below what was printed).
        if kind == .z, let journalHead { out.append("Journal: \(journalHead.text)") }
        for adjustment in laterAdjustments {
            row("Later adjustment: \(adjustment.reason ?? "")", adjustment.amount.formatted)
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// What a close count (or the recount) found, shown only after it was submitted.
public struct DrawerCloseResult: Hashable, Sendable, Codable {
    public var session: Int64
    public var result: CountResult
    public var tolerance: Money
    public var withinTolerance: Bool
    /// One recount is allowed after the close count.
    public var recountAllowed: Bool
    public var proposal: FloatProposal
    public var missingChecks: [DrawerPayment]
    public var unexpectedChecks: [String]
    public var cardBatches: [DrawerReport.CardBatch]

    public init(
        session: Int64,
        result: CountResult,
        tolerance: Money,
        recountAllowed: Bool,
        proposal: FloatProposal,
        missingChecks: [DrawerPayment],
        unexpectedChecks: [String],
        cardBatches: [DrawerReport.CardBatch]
    ) {
        self.session = session
        self.result = result
        self.tolerance = tolerance
        self.withinTolerance = result.overShort.minorUnits.magnitude <= tolerance.minorUnits.magnitude
        self.recountAllowed = recountAllowed
        self.proposal = proposal
        self.missingChecks = missingChecks
        self.unexpectedChecks = unexpectedChecks
        self.cardBatches = cardBatches
    }
}

/// One count's over/short, for the history by employee and by drawer.
public struct OverShortEntry: Hashable, Sendable, Codable {
    public var drawer: String
    public var session: Int64
    public var zNumber: Int?
    public var kind: DrawerEventKind
    public var cashier: String
    public var atMillis: Int64
    public var counted: Money
    public var expected: Money
    public var overShort: Money

    public init(
        drawer: String,
        session: Int64,
        zNumber: Int?,
        kind: DrawerEventKind,
        cashier: String,
        atMillis: Int64,
        counted: Money,
        expected: Money
    ) {
        self.drawer = drawer
        self.session = session
        self.zNumber = zNumber
        self.kind = kind
        self.cashier = cashier
        self.atMillis = atMillis
        self.counted = counted
        self.expected = expected
        self.overShort = counted - expected
    }
}
