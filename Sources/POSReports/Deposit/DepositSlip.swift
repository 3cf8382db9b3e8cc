import POSCore

/// A bank deposit slip: the cash of closed drawers by denomination and the checks counted at their close, under the
/// deposit id the bank's credit line is matched to (`D-20250314-01`). Checks left out are listed as exceptions.
public struct DepositSlip: Hashable, Sendable, Codable {
    /// A closed drawer session the deposit empties.
    public struct Session: Hashable, Sendable, Codable {
        public var id: Int64
        public var drawer: String
        public var zNumber: Int
        public var closedAt: Int64
        public var closedBy: String
        public var cash: Money
        public var checks: Int

        public init(
            id: Int64,
            drawer: String,
            zNumber: Int,
            closedAt: Int64,
            closedBy: String,
            cash: Money,
            checks: Int
        ) {
            self.id = id
            self.drawer = drawer
            self.zNumber = zNumber
            self.closedAt = closedAt
            self.closedBy = closedBy
            self.cash = cash
            self.checks = checks
        }
    }

    /// Cash of one denomination.
    public struct CashLine: Hashable, Sendable, Codable {
        public var denomination: String
        public var name: String
        /// Bills go on the slip's currency line, coins and rolls on its coin line.
        public var form: Denomination.Form
        public var quantity: Int64
        public var amount: Money

        public init(denomination: String, name: String, form: Denomination.Form, quantity: Int64, amount: Money) {
            self.denomination = denomination
            self.name = name
            self.form = form
            self.quantity = quantity
            self.amount = amount
        }
    }

    /// A check, with the payment and invoice it paid.
    public struct Check: Hashable, Sendable, Codable {
        public var number: String
        public var payer: String
        public var bank: String
        public var amount: Money
        public var payment: Int64
        public var invoice: Int64?
        public var session: Int64

        public init(
            number: String,
            payer: String,
            bank: String,
            amount: Money,
            payment: Int64,
            invoice: Int64?,
            session: Int64
        ) {
            self.number = number
            self.payer = payer
            self.bank = bank
            self.amount = amount
            self.payment = payment
            self.invoice = invoice
            self.session = session
        }
    }

    public enum ExceptionKind: String, Hashable, Sendable, Codable {
        /// Taken in the session, not found at its close: not deposited.
        case missing
        /// Found at the close, taken by no payment of the session: not deposited.
        case unexpected
        /// Counted at the close, then its sale was voided: handed back, not deposited.
        case voided
        /// Deposited, then its sale was voided: the client is owed the money once it clears.
        case voidedAfterDeposit

        public var label: String {
            switch self {
            case .missing: "MISSING"
            case .unexpected: "UNEXPECTED"
            case .voided: "VOIDED"
            case .voidedAfterDeposit: "VOIDED AFTER DEPOSIT"
            }
        }

        public var explanation: String {
            switch self {
            case .missing: "taken but not found at the close; not deposited"
            case .unexpected: "found at the close but no payment took it; not deposited"
            case .voided: "its sale was voided after the close; hand it back, not deposited"
            case .voidedAfterDeposit: "deposited, then its sale was voided; refund the client once it clears"
            }
        }
    }

    /// A check listed beside the deposit.
    public struct Exception: Hashable, Sendable, Codable {
        public var kind: ExceptionKind
        public var drawer: String
        public var session: Int64
        public var checkNumber: String
        /// The check's payment, when one took it.
        public var check: Check?

        public init(kind: ExceptionKind, drawer: String, session: Int64, checkNumber: String, check: Check?) {
            self.kind = kind
            self.drawer = drawer
            self.session = session
            self.checkNumber = checkNumber
            self.check = check
        }
    }

    public var id: String
    public var businessDate: BusinessDate
    public var clinic: String
    public var preparedAt: Int64
    public var preparedBy: String
    public var terminal: String
    public var note: String?
    public var sessions: [Session]
    public var cash: [CashLine]
    public var checks: [Check]
    public var exceptions: [Exception]
    /// Bills.
    public let currencyTotal: Money
    /// Coins and rolls.
    public let coinTotal: Money
    public let cashTotal: Money
    public let checkTotal: Money
    public let total: Money

    /// A slip; every total is computed here from the lines.
    public init(
        id: String,
        businessDate: BusinessDate,
        clinic: String,
        preparedAt: Int64,
        preparedBy: String,
        terminal: String,
        note: String?,
        sessions: [Session],
        cash: [CashLine],
        checks: [Check],
        exceptions: [Exception]
    ) {
        self.id = id
        self.businessDate = businessDate
        self.clinic = clinic
        self.preparedAt = preparedAt
        self.preparedBy = preparedBy
        self.terminal = terminal
        self.note = note
        self.sessions = sessions
        self.cash = cash
        self.checks = checks
        self.exceptions = exceptions
        currencyTotal = cash.filter { $0.form == .bill }.map(\.amount).sum()
        coinTotal = cash.filter { $0.form != .bill }.map(\.amount).sum()
        cashTotal = cash.map(\.amount).sum()
        checkTotal = checks.map(\.amount).sum()
        total = cashTotal + checkTotal
    }

    /// The slip as the receipt printer prints it: 42 columns, ASCII rules.
    public func text(calendar: BusinessCalendar) -> String {
        var out: [String] = []
        out.append(SlipText.center(SlipText.clean(clinic)))
        out.append(SlipText.center("BANK DEPOSIT SLIP"))
        out.append(SlipText.rule("="))
        out.append(SlipText.row("Deposit", id))
        out.append(SlipText.row("Date", businessDate.text))
        out.append(SlipText.row("Prepared", "\(SlipText.time(preparedAt, calendar)) by \(preparedBy)"))
        out.append(SlipText.row("At", terminal))
        for session in sessions {
            out.append(SlipText.row("Drawer \(session.drawer) Z#\(session.zNumber)", session.cash.formatted))
            out.append(SlipText.fit("  closed \(SlipText.time(session.closedAt, calendar)) by \(session.closedBy)"))
        }
        out.append(SlipText.rule())
        out.append("CASH")
        for line in cash {
            out.append(SlipText.row("\(SlipText.clean(line.name)) x \(line.quantity)", line.amount.formatted))
        }
        if cash.isEmpty { out.append("  (no cash)") }
        out.append(SlipText.row("Currency (bills)", currencyTotal.formatted))
        out.append(SlipText.row("Coin", coinTotal.formatted))
        out.append(SlipText.row("Cash total", cashTotal.formatted))
        out.append(SlipText.rule())
        out.append("CHECKS")
        for check in checks {
            out.append(
                SlipText.row("#\(SlipText.clean(check.number)) \(SlipText.clean(check.payer))", check.amount.formatted)
            )
            out.append(SlipText.fit("  \(SlipText.clean(check.bank))"))
            out.append(
                SlipText.fit("  payment \(check.payment)" + (check.invoice.map { ", invoice \($0)" } ?? ""))
            )
        }
        if checks.isEmpty { out.append("  (no checks)") }
        out.append(SlipText.row("Checks (\(checks.count))", checkTotal.formatted))
        out.append(SlipText.rule("="))
        out.append(SlipText.row("DEPOSIT TOTAL", total.formatted))
        out.append(SlipText.rule("="))
        if !exceptions.isEmpty {
            out.append("EXCEPTIONS")
            for exception in exceptions {
                let payer = exception.check.map { " " + SlipText.clean($0.payer) } ?? ""
                out.append(
                    SlipText.row(
                        "\(exception.kind.label) #\(SlipText.clean(exception.checkNumber))\(payer)",
                        exception.check?.amount.formatted ?? ""
                    )
                )
                let zNumber = sessions.first { $0.id == exception.session }.map { " Z#\($0.zNumber)" } ?? ""
                let source =
                    "\(exception.drawer)\(zNumber)" + (exception.check.map { ", payment \($0.payment)" } ?? "")
                out.append(contentsOf: SlipText.wrap("\(source): \(exception.kind.explanation)", first: 2, indent: 4))
            }
            out.append(SlipText.rule())
        }
        if let note { out.append(contentsOf: SlipText.wrap("Note: \(SlipText.clean(note))")) }
        out.append("")
        out.append(SlipText.row("Deposited by", "________________"))
        out.append(SlipText.row("Bank receipt", "________________"))
        return out.joined(separator: "\n") + "\n"
    }
}

extension DepositSlip {
    /// The cash by denomination code.
    public var cashCount: CashCount {
        CashCount(Dictionary(cash.map { ($0.denomination, $0.quantity) }, uniquingKeysWith: +))
    }
}
