/// What a bank deposit holds, decided without the database: the store loads the closed sessions' contents, asks for
/// the plan and posts it. The cash of every session by denomination (valued at the clinic's denominations), every
/// check counted at their close, and the totals that tie to them.
public struct DepositPlan: Equatable, Sendable {
    /// A check payment going to the bank.
    public struct Check: Equatable, Sendable {
        public var payment: Int64
        public var amount: Money

        public init(payment: Int64, amount: Money) {
            self.payment = payment
            self.amount = amount
        }
    }

    /// What one closed drawer session sends to the bank.
    public struct SessionContent: Equatable, Sendable {
        public var session: Int64
        /// The session's 'deposit' split of its verified close.
        public var cash: CashCount
        /// The checks counted at its close and not voided.
        public var checks: [Check]

        public init(session: Int64, cash: CashCount, checks: [Check]) {
            self.session = session
            self.cash = cash
            self.checks = checks
        }

        /// Whether the session has anything for the bank.
        public var isEmpty: Bool { cash.isEmpty && checks.isEmpty }
    }

    /// Cash of one denomination.
    public struct CashLine: Equatable, Sendable {
        public var denomination: String
        public var quantity: Int64
        public var amount: Money
    }

    /// The most deposits one business day may have (the id has two digits).
    public static let maximumPerDay = 99

    public var sessions: [Int64]
    public var cash: CashCount
    public var lines: [CashLine]
    public var checks: [Check]
    public let cashTotal: Money
    public let checkTotal: Money
    public var total: Money { cashTotal + checkTotal }

    /// The sessions a manager names: at least one, none twice (the store then checks each is closed and waiting).
    public static func checkNamed(_ sessions: [Int64]?) throws(POSError) {
        guard let sessions else { return }
        guard !sessions.isEmpty else {
            throw .invalid(field: "sessions", reason: "name at least one", code: "deposit.noSessions")
        }
        guard Set(sessions).count == sessions.count else {
            throw .invalid(field: "sessions", reason: "a session is named twice", code: "deposit.sessionTwice")
        }
    }

    /// The deposit of `contents`: their cash added up by denomination (in code order) and their checks; refused when
    /// a denomination is no longer the clinic's or when nothing goes to the bank.
    public static func plan(_ contents: [SessionContent], denominations: [Denomination]) throws(POSError) -> DepositPlan
    {
        let ordered = contents.sorted { $0.session < $1.session }
        let cash = ordered.reduce(CashCount()) { $0 + $1.cash }
        var lines: [CashLine] = []
        for (code, quantity) in cash.quantities.sorted(by: { $0.key < $1.key }) {
            guard let denomination = denominations.first(where: { $0.code == code }) else {
                throw .conflict(
                    "denomination \(code) of the sessions' deposit is no longer in the clinic's settings",
                    code: "deposit.unknownDenomination"
                )
            }
            lines.append(
                CashLine(
                    denomination: code,
                    quantity: quantity,
                    amount: Money(minorUnits: denomination.value.minorUnits * quantity)
                )
            )
        }
        let checks = ordered.flatMap(\.checks)
        let plan = DepositPlan(
            sessions: ordered.map(\.session),
            cash: cash,
            lines: lines,
            checks: checks,
            cashTotal: lines.map(\.amount).sum(),
            checkTotal: checks.map(\.amount).sum()
        )
        guard plan.total.isPositive else {
            let sessions = plan.sessions.map(String.init).joined(separator: ", ")
            throw .conflict(
                "nothing to deposit: session\(plan.sessions.count == 1 ? "" : "s") \(sessions) sent no cash or check "
                    + "to the bank",
                code: "deposit.nothingToDeposit"
            )
        }
        return plan
    }

    /// The number of the day's next deposit after `last` (nil: the first), refused beyond ``maximumPerDay``.
    public static func sequence(after last: Int?, on day: BusinessDate) throws(POSError) -> Int {
        let next = (last ?? 0) + 1
        guard next <= maximumPerDay else {
            throw .conflict("\(maximumPerDay) deposits were already made up on \(day)", code: "deposit.dayFull")
        }
        return next
    }

    /// `D-20250314-01`: the business day it is made up on and its number that day.
    public static func id(on day: BusinessDate, sequence: Int) -> String {
        "D-\(day.compact)-\(sequence < 10 ? "0" : "")\(sequence)"
    }
}
