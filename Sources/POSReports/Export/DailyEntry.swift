import POSCore

/// One closed business day as the bookkeeper's books see it: a single balanced summary journal entry, and the lines
/// the day's takings send to the bank.
///
/// The entry (debit positive, credit negative; the lines add up to exactly zero):
///
/// | account | amount |
/// | --- | --- |
/// | Undeposited Funds: cash | cash taken, net of change, refunds and same-day voids; plus the drawers' over/short, later adjustments, paid-ins and paid-outs |
/// | Undeposited Funds: checks | checks taken less checks handed back or refunded |
/// | Card clearing | credit and debit cards, net of refunds |
/// | CareCredit receivable | CareCredit, net of refunds (its own delayed settlement stream) |
/// | Accounts receivable | account charges and unpaid balances, less payments of earlier balances (`DayReport.receivablesChange`) |
/// | Discounts given | discounts, as contra-income (income is posted gross) |
/// | Sales returns | refunds credited against invoices |
/// | Cash over/short | the other side of the drawers' over/short and adjustments |
/// | Petty cash clearing | the other side of paid-ins and paid-outs |
/// | Income by category | gross sales (before discounts) of services, products, pharmacy, fees |
/// | Sales tax payable | tax charged |
///
/// Discounts are a separate contra-income line rather than netted into income, so the books show gross sales and
/// what was given away, as the day report does. Zero lines are left out.
///
/// The drawer lines come from the drawer sessions *closed* on the day (their over/short is known only then); the
/// money lines from the payments dated on the day.
public struct DailyEntry: Hashable, Sendable {
    public struct Line: Hashable, Sendable {
        public var account: LedgerAccountKey
        /// Debit positive, credit negative.
        public var amount: Money
        public var memo: String

        public init(account: LedgerAccountKey, amount: Money, memo: String) {
            self.account = account
            self.amount = amount
            self.memo = memo
        }
    }

    /// A line of the bank-line formats (OFX, QBO, Xero, plain CSV), signed from the bank account's view.
    public struct BankLine: Hashable, Sendable {
        public enum Kind: String, Hashable, Sendable, CaseIterable {
            /// The day's cash to deposit (negative only when the drawers paid out more than they took).
            case cash
            /// One check taken, to deposit.
            case check
            /// Money back to a client by check, or a check payment reversed on a later day: out of the account.
            case checkRefund
            /// The credit and debit card batch of the day.
            case cards
            /// The day's CareCredit, settled on its own.
            case careCredit
        }

        public var kind: Kind
        public var amount: Money
        /// What the line comes from, the last part of its stable id: `CASH`, `CHK-5` (payment 5), `REF-15`, `CARD`,
        /// `CARECREDIT`.
        public var source: String
        public var checkNumber: String?
        public var payer: String?
        /// The batch id of card lines: `B20250314`, `CC20250314`.
        public var batchID: String?
        /// Short (at most 32 characters, ASCII): OFX `NAME`.
        public var name: String
        public var memo: String

        public init(
            kind: Kind,
            amount: Money,
            source: String,
            checkNumber: String? = nil,
            payer: String? = nil,
            batchID: String? = nil,
            name: String,
            memo: String
        ) {
            self.kind = kind
            self.amount = amount
            self.source = source
            self.checkNumber = checkNumber
            self.payer = payer
            self.batchID = batchID
            self.name = name
            self.memo = memo
        }
    }

    /// What the drawer sessions closed on the day add to it.
    public struct DrawerDay: Hashable, Sendable {
        /// `FRONT-1 Z3`, for memos.
        public var sessions: [String]
        /// Σ counted − expected over every handover and final count (short is negative).
        public var overShort: Money
        /// Corrections recorded for earlier counts (cash found positive, lost negative).
        public var adjustments: Money
        public var paidIn: Money
        /// Negative.
        public var paidOut: Money

        public init(sessions: [String], overShort: Money, adjustments: Money, paidIn: Money, paidOut: Money) {
            self.sessions = sessions
            self.overShort = overShort
            self.adjustments = adjustments
            self.paidIn = paidIn
            self.paidOut = paidOut
        }

        public static let none = DrawerDay(
            sessions: [],
            overShort: .zero,
            adjustments: .zero,
            paidIn: .zero,
            paidOut: .zero
        )

        /// The figures of closed sessions: their counts' over/short (handovers and the final count, as
        /// ``DrawerLedger/countResults(events:payments:denominations:)`` gives them) and their cash events.
        public init(sessions: [(label: String, counts: [CountResult], events: [DrawerEvent])]) {
            var day = DrawerDay.none
            for session in sessions {
                day.sessions.append(session.label)
                let final = session.counts.last { $0.kind != .handover }?.sequence
                for count in session.counts where count.kind == .handover || count.sequence == final {
                    day.overShort += count.overShort
                }
                for event in session.events {
                    switch event.kind {
                    case .paidIn: day.paidIn += event.amount
                    case .paidOut: day.paidOut += event.amount
                    case .adjustment: day.adjustments += event.amount
                    case .open, .noSale, .safeDrop, .handover, .closeCount, .recount: break
                    }
                }
            }
            self = day
        }
    }

    static let incomeLabel: [ItemKind: String] = [
        .service: "Services", .product: "Products", .pharmacy: "Pharmacy", .fee: "Fees",
    ]

    public var date: BusinessDate
    public var clinic: String
    public var lines: [Line]
    public var bankLines: [BankLine]

    public var debits: Money { lines.map(\.amount).filter(\.isPositive).sum() }
    public var credits: Money { -lines.map(\.amount).filter(\.isNegative).sum() }

    public init(date: BusinessDate, clinic: String, lines: [Line], bankLines: [BankLine]) throws(POSError) {
        self.date = date
        self.clinic = clinic
        self.lines = lines
        self.bankLines = bankLines
        try check()
    }

    /// The entry's invariants: debits equal credits; no zero line; the bank lines of each tender add up to its
    /// undeposited-funds or clearing line; bank-line sources unique.
    public func check() throws(POSError) {
        guard debits == credits else {
            throw .conflict(
                "the \(date) entry does not balance: debits \(debits) and credits \(credits) differ by \(debits - credits)",
                code: "entry.unbalanced"
            )
        }
        if let zero = lines.first(where: { $0.amount == .zero }) {
            throw .conflict("the \(date) entry has a zero line for \(zero.account.rawValue)", code: "entry.zeroLine")
        }
        if bankLines.contains(where: { $0.amount == .zero }) {
            throw .conflict("the \(date) entry has a zero bank line", code: "entry.zeroBankLine")
        }
        guard Set(bankLines.map(\.source)).count == bankLines.count else {
            throw .conflict(
                "the \(date) entry has two bank lines from the same source",
                code: "entry.duplicateBankSource"
            )
        }
        let streams: [(LedgerAccountKey, Set<BankLine.Kind>)] = [
            (.undepositedCash, [.cash]), (.undepositedChecks, [.check, .checkRefund]), (.cardClearing, [.cards]),
            (.careCreditReceivable, [.careCredit]),
        ]
        for (account, kinds) in streams {
            let booked = lines.filter { $0.account == account }.map(\.amount).sum()
            let banked = bankLines.filter { kinds.contains($0.kind) }.map(\.amount).sum()
            guard booked == banked else {
                throw .conflict(
                    "the \(date) entry books \(booked) to \(account.rawValue) but its bank lines add up to \(banked)",
                    code: "entry.bankLinesMismatch"
                )
            }
        }
    }

    /// Builds the day's entry from its report, the drawer sessions closed on it and its check movements (every
    /// check-tender payment, refund and reversal dated on the day). Throws if anything does not add up.
    public static func build(
        report: DayReport,
        drawer: DrawerDay,
        checks: [PaymentRecord]
    ) throws(POSError)
        -> DailyEntry
    {
        func tenderNet(_ tender: Tender) -> Money {
            report.tenders.filter { $0.tender == tender }.map(\.net).sum()
        }
        let day = report.date
        let cashExtras = drawer.overShort + drawer.adjustments + drawer.paidIn + drawer.paidOut
        let cash = tenderNet(.cash) + cashExtras
        let checkNet = tenderNet(.check)
        let cards = tenderNet(.credit) + tenderNet(.debit)
        let careCredit = tenderNet(.careCredit)
        let sessions = drawer.sessions.isEmpty ? "" : " (\(drawer.sessions.joined(separator: ", ")))"

        var lines: [Line] = [
            Line(account: .undepositedCash, amount: cash, memo: "Cash taken, net of change and refunds"),
            Line(account: .undepositedChecks, amount: checkNet, memo: "Checks taken, net of checks returned"),
            Line(account: .cardClearing, amount: cards, memo: "Credit and debit cards, net of refunds"),
            Line(account: .careCreditReceivable, amount: careCredit, memo: "CareCredit, net of refunds"),
            Line(
                account: .accountsReceivable,
                amount: report.receivablesChange,
                memo: "Account charges and unpaid balances, less payments on account"
            ),
            Line(account: .discounts, amount: report.discounts, memo: "Discounts given"),
            Line(account: .salesReturns, amount: report.refundCredits, memo: "Refunds (sales returns)"),
            Line(
                account: .cashOverShort,
                amount: -(drawer.overShort + drawer.adjustments),
                memo: "Cash over/short of drawers closed\(sessions)"
            ),
            Line(
                account: .drawerPaidInOut,
                amount: -(drawer.paidIn + drawer.paidOut),
                memo: "Drawer paid-ins and paid-outs\(sessions)"
            ),
        ]
        for kind in ItemKind.allCases {
            let gross = report.categories.filter { $0.kind == kind }.map(\.gross).sum()
            lines.append(
                Line(account: .income(kind), amount: -gross, memo: "\(incomeLabel[kind] ?? kind.rawValue) sales, gross")
            )
        }
        lines.append(Line(account: .salesTax, amount: -report.tax, memo: "Sales tax charged"))
        lines.removeAll { $0.amount == .zero }

        let bankLines = try bankLines(
            day: day,
            clinic: report.clinic,
            cash: cash,
            checkNet: checkNet,
            checks: checks,
            cards: cards,
            careCredit: careCredit
        )
        return try DailyEntry(date: day, clinic: report.clinic, lines: lines, bankLines: bankLines)
    }

    private static func bankLines(
        day: BusinessDate,
        clinic: String,
        cash: Money,
        checkNet: Money,
        checks: [PaymentRecord],
        cards: Money,
        careCredit: Money
    ) throws(POSError) -> [BankLine] {
        var lines: [BankLine] = []
        if cash != .zero {
            lines.append(
                BankLine(
                    kind: .cash,
                    amount: cash,
                    source: "CASH",
                    name: cash.isPositive ? "Cash deposit" : "Cash for the drawers",
                    memo: cash.isPositive
                        ? "Cash takings of \(day)" : "Cash the drawers paid out beyond their takings on \(day)"
                )
            )
        }
        for record in checks where record.tender != .check || record.businessDate != day {
            throw .conflict("payment \(record.number) is not a check movement of \(day)", code: "entry.foreignCheck")
        }
        let sorted = checks.sorted { $0.number < $1.number }
        // A check handed back on a same-day void never reaches the bank: the pair is left out.
        let reversals = sorted.filter { $0.kind == .reversal }
        var cancelled = Set<Int64>()
        for reversal in reversals {
            if let original = sorted.first(where: {
                $0.number == reversal.reverses && $0.kind == .payment && $0.amount == -reversal.amount
            }) {
                cancelled.insert(original.number)
                cancelled.insert(reversal.number)
            }
        }
        for record in sorted where !cancelled.contains(record.number) {
            if record.kind == .payment {
                let number = record.check?.number ?? ""
                let payer = record.check.map { ExportText.clean($0.payer) }
                lines.append(
                    BankLine(
                        kind: .check,
                        amount: record.amount,
                        source: "CHK-\(record.number)",
                        checkNumber: number.isEmpty ? nil : number,
                        payer: payer,
                        name: "Check deposit",
                        memo: "Check \(number)" + (payer.map { " from \($0)" } ?? "") + ", payment \(record.number)"
                    )
                )
            } else {
                let what = record.kind == .refund ? "Refund by check" : "Check payment reversed"
                lines.append(
                    BankLine(
                        kind: .checkRefund,
                        amount: record.amount,
                        source: "REF-\(record.number)",
                        name: what,
                        memo: "\(what), payment \(record.number)"
                            + (record.reverses.map { " (of payment \($0))" } ?? "")
                    )
                )
            }
        }
        let banked = lines.filter { $0.kind == .check || $0.kind == .checkRefund }.map(\.amount).sum()
        guard banked == checkNet else {
            throw .conflict(
                "the check movements of \(day) add up to \(banked), the day report's checks to \(checkNet)",
                code: "entry.checksMismatch"
            )
        }
        let compact = ExportText.compact(day)
        if cards != .zero {
            lines.append(
                BankLine(
                    kind: .cards,
                    amount: cards,
                    source: "CARD",
                    payer: "Card processor",
                    batchID: "B\(compact)",
                    name: "Card batch B\(compact)",
                    memo: "Credit and debit cards of \(day), gross (fees come with the settlement)"
                )
            )
        }
        if careCredit != .zero {
            lines.append(
                BankLine(
                    kind: .careCredit,
                    amount: careCredit,
                    source: "CARECREDIT",
                    payer: "CareCredit",
                    batchID: "CC\(compact)",
                    name: "CareCredit CC\(compact)",
                    memo: "CareCredit of \(day), gross (settled on its own, net of its fee)"
                )
            )
        }
        return lines
    }
}
