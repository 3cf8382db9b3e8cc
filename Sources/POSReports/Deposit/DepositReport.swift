import POSCore

/// The deposits of a business day (`vetpos report deposit`): every slip made up that day, and the closed drawer
/// sessions of that day or earlier whose cash and checks no deposit held by its end.
public struct DepositReport: Hashable, Sendable, Codable {
    /// A closed session waiting for a deposit.
    public struct Awaiting: Hashable, Sendable, Codable {
        public var drawer: String
        public var session: Int64
        public var zNumber: Int
        public var closedAt: Int64
        public var closedOn: BusinessDate
        public var cash: Money
        public var checks: Money

        public init(
            drawer: String,
            session: Int64,
            zNumber: Int,
            closedAt: Int64,
            closedOn: BusinessDate,
            cash: Money,
            checks: Money
        ) {
            self.drawer = drawer
            self.session = session
            self.zNumber = zNumber
            self.closedAt = closedAt
            self.closedOn = closedOn
            self.cash = cash
            self.checks = checks
        }
    }

    public var date: BusinessDate
    public var clinic: String
    public var deposits: [DepositSlip]
    public var awaiting: [Awaiting]
    /// What the day's slips take to the bank.
    public let total: Money

    public init(date: BusinessDate, clinic: String, deposits: [DepositSlip], awaiting: [Awaiting]) {
        self.date = date
        self.clinic = clinic
        self.deposits = deposits
        self.awaiting = awaiting
        total = deposits.map(\.total).sum()
    }

    /// Every slip of the day as printed, then what still waits for a deposit.
    public func text(calendar: BusinessCalendar) -> String {
        var out: [String] = []
        if deposits.isEmpty {
            out.append(SlipText.center(SlipText.clean(clinic)))
            out.append(SlipText.fit("No deposit was made up on \(date)."))
        }
        for (index, slip) in deposits.enumerated() {
            if index > 0 { out.append("") }
            out.append(String(slip.text(calendar: calendar).dropLast()))
        }
        if deposits.count > 1 {
            out.append("")
            out.append(SlipText.row("Deposits of \(date) (\(deposits.count))", total.formatted))
        }
        if !awaiting.isEmpty {
            out.append("")
            out.append(SlipText.rule())
            out.append("WAITING FOR A DEPOSIT")
            for session in awaiting {
                out.append(
                    SlipText.row(
                        "\(session.drawer) Z#\(session.zNumber) (session \(session.session))",
                        (session.cash + session.checks).formatted
                    )
                )
                out.append(
                    SlipText.fit(
                        "  closed \(SlipText.time(session.closedAt, calendar)): cash \(session.cash.formatted), "
                            + "checks \(session.checks.formatted)"
                    )
                )
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    public static let csvHeader = [
        "deposit", "date", "kind", "denomination", "quantity", "check_number", "payer", "bank", "payment", "invoice",
        "drawer", "session", "amount",
    ]

    /// One row per cash denomination and per check of each deposit (kinds `cash` and `check`: the amounts of these
    /// rows add up to the deposit), then the checks left out (`missing-check`, `unexpected-check`, `voided-check`,
    /// `voided-after-deposit`) and the sessions still waiting (`awaiting-deposit`, cash plus checks).
    public func csv() -> String {
        var rows: [[String]] = []
        for slip in deposits {
            for line in slip.cash {
                rows.append([
                    slip.id, slip.businessDate.text, "cash", line.denomination, String(line.quantity), "", "", "", "",
                    "", "", "", ReportCSV.amount(line.amount),
                ])
            }
            for check in slip.checks {
                rows.append(checkRow(slip, "check", check, drawer: drawer(of: check.session, in: slip)))
            }
            for exception in slip.exceptions {
                let kind =
                    switch exception.kind {
                    case .missing: "missing-check"
                    case .unexpected: "unexpected-check"
                    case .voided: "voided-check"
                    case .voidedAfterDeposit: "voided-after-deposit"
                    }
                if let check = exception.check {
                    rows.append(checkRow(slip, kind, check, drawer: exception.drawer))
                } else {
                    rows.append([
                        slip.id, slip.businessDate.text, kind, "", "", ReportCSV.text(exception.checkNumber), "", "",
                        "", "", exception.drawer, String(exception.session), "",
                    ])
                }
            }
        }
        for session in awaiting {
            rows.append([
                "", date.text, "awaiting-deposit", "", "", "", "", "", "", "", session.drawer, String(session.session),
                ReportCSV.amount(session.cash + session.checks),
            ])
        }
        return ReportCSV.document(header: Self.csvHeader, rows: rows)
    }

    private func drawer(of session: Int64, in slip: DepositSlip) -> String {
        slip.sessions.first { $0.id == session }?.drawer ?? ""
    }

    private func checkRow(_ slip: DepositSlip, _ kind: String, _ check: DepositSlip.Check, drawer: String) -> [String] {
        [
            slip.id, slip.businessDate.text, kind, "", "", ReportCSV.text(check.number), ReportCSV.text(check.payer),
            ReportCSV.text(check.bank), String(check.payment), check.invoice.map(String.init) ?? "", drawer,
            String(check.session), ReportCSV.amount(check.amount),
        ]
    }
}
