import Foundation
import GRDB
import POSCore
import POSReports

extension Store {
    /// Makes up a bank deposit from closed drawer sessions not yet deposited: their cash by denomination (the sum of
    /// their 'deposit' splits) and every check counted at their close and not voided. Checks taken but not counted,
    /// counted without a payment, or voided after the close are listed as exceptions and not deposited.
    ///
    /// - Parameters:
    ///   - sessions: the drawer sessions to empty; nil for every closed session not yet deposited that has cash or a
    ///     check for the bank.
    ///   - note: free text printed on the slip (bag number, who takes it to the bank).
    /// - Returns: the deposit, recorded and immutable, with its id `D-YYYYMMDD-NN` (the business day it is made up on
    ///   and its number that day).
    public func prepareDeposit(
        sessions: [Int64]? = nil,
        note: String? = nil,
        commandID: String,
        by clerk: Operator
    ) async throws -> DepositSlip {
        try clerk.require(.prepareDeposits)
        if let note { try Identifier.validateText(note, field: "note") }
        try DepositPlan.checkNamed(sessions)
        let at = now()
        struct Request: Encodable, Sendable {
            var sessions: [Int64]?
            var note: String?
            var terminal: String
        }
        let request = Request(sessions: sessions, note: note, terminal: clerk.terminal)
        return try await once(id: commandID, kind: "deposit.prepare", request: request) { db in
            let policy = try Self.policy(db)
            let chosen: [Int64]
            if let sessions {
                for session in sessions { try Self.requireDepositable(session, db) }
                chosen = sessions.sorted()
            } else {
                chosen = try Self.undepositedSessions(through: nil, db).filter {
                    let content = try Self.depositContent(session: $0, db)
                    return !content.cash.isEmpty || !content.checks.isEmpty
                }
                guard !chosen.isEmpty else {
                    throw POSError.conflict(
                        "no closed drawer session is waiting for a deposit",
                        code: "deposit.nothingToDeposit"
                    )
                }
            }
            // The rules are DepositPlan's; here the sessions' contents are loaded and the plan is posted.
            let plan = try DepositPlan.plan(
                try chosen.map { session in
                    let content = try Self.depositContent(session: session, db)
                    return DepositPlan.SessionContent(
                        session: session,
                        cash: content.cash,
                        checks: content.checks.map { DepositPlan.Check(payment: $0.number, amount: $0.amount) }
                    )
                },
                denominations: policy.drawer.denominations
            )
            let day = try policy.calendar().businessDate(atMillis: at)
            let sequence = try DepositPlan.sequence(
                after: try Int.fetchOne(
                    cached: db,
                    sql: "SELECT MAX(sequence) FROM deposit WHERE businessDate = ?",
                    arguments: [day.text]
                ),
                on: day
            )
            let id = DepositPlan.id(on: day, sequence: sequence)
            try db.executeCached(
                sql: """
                    INSERT INTO deposit (id, businessDate, sequence, status, preparedBy, terminal, preparedAt, cashTotal,
                        checkTotal, total, note)
                    VALUES (?, ?, ?, 'preparing', ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, day.text, sequence, clerk.employee.id, clerk.terminal, at, plan.cashTotal.minorUnits,
                    plan.checkTotal.minorUnits, plan.total.minorUnits, note,
                ]
            )
            for session in plan.sessions {
                try db.executeCached(
                    sql: "INSERT INTO depositSession (session, deposit) VALUES (?, ?)",
                    arguments: [session, id]
                )
            }
            for line in plan.lines {
                try db.executeCached(
                    sql: "INSERT INTO depositCash (deposit, denomination, quantity, amount) VALUES (?, ?, ?, ?)",
                    arguments: [id, line.denomination, line.quantity, line.amount.minorUnits]
                )
            }
            for content in plan.checks {
                try db.executeCached(
                    sql: "INSERT INTO depositCheck (payment, deposit, amount) VALUES (?, ?, ?)",
                    arguments: [content.payment, id, content.amount.minorUnits]
                )
            }
            try db.executeCached(sql: "UPDATE deposit SET status = 'recorded' WHERE id = ?", arguments: [id])
            struct Entry: Encodable {
                var id: String
                var sessions: [Int64]
                var cash: CashCount
                var checks: [Int64]
                var cashTotal: Money
                var checkTotal: Money
                var total: Money
                var note: String?
            }
            try self.journal(
                db,
                kind: "deposit.prepared",
                by: clerk,
                subject: "deposit \(id)",
                at: at,
                payload: Entry(
                    id: id,
                    sessions: plan.sessions,
                    cash: plan.cash,
                    checks: plan.checks.map(\.payment),
                    cashTotal: plan.cashTotal,
                    checkTotal: plan.checkTotal,
                    total: plan.total,
                    note: note
                )
            )
            return try Self.depositRecord(id, db)
        }
    }

    /// A recorded deposit by its id.
    public func deposit(id: String, viewer: Operator) async throws -> DepositSlip {
        try Self.requireReportReader(viewer, action: "see deposits")
        return try await read { db in try Self.depositRecord(id, db) }
    }

    /// The deposits made up on a business day, and the closed sessions of that day or earlier that no deposit made up
    /// by its end holds.
    public func depositDay(_ date: BusinessDate, viewer: Operator) async throws -> DepositReport {
        try Self.requireReportReader(viewer, action: "see deposits")
        return try await read { db in
            let ids = try String.fetchAll(
                cached: db,
                sql: "SELECT id FROM deposit WHERE businessDate = ? AND status = 'recorded' ORDER BY sequence",
                arguments: [date.text]
            )
            let calendar = try Self.calendar(db)
            var awaiting: [DepositReport.Awaiting] = []
            let end = calendar.startMillis(of: date.adding(days: 1))
            for session in try Self.undepositedSessions(through: date, closedBefore: end, db) {
                let content = try Self.depositContent(session: session, db)
                let closedOn = calendar.businessDate(atMillis: content.closedAt)
                guard closedOn <= date, !content.cash.isEmpty || !content.checks.isEmpty else { continue }
                awaiting.append(
                    DepositReport.Awaiting(
                        drawer: content.drawer,
                        session: session,
                        zNumber: content.zNumber,
                        closedAt: content.closedAt,
                        closedOn: closedOn,
                        cash: content.cash.total(try Self.policy(db).drawer.denominations),
                        checks: content.checks.map(\.amount).sum()
                    )
                )
            }
            return DepositReport(
                date: date,
                clinic: try Self.policy(db).clinicName,
                deposits: try ids.map { try Self.depositRecord($0, db) },
                awaiting: awaiting
            )
        }
    }

    // MARK: - Inside transactions

    static func requireReportReader(_ viewer: Operator, action: String) throws {
        guard viewer.employee.role.may(.handleDrawer) || viewer.employee.role.may(.viewReports) else {
            throw POSError.notPermitted(employee: viewer.employee.id, role: viewer.employee.role, action: action)
        }
    }

    /// Refuses a session that is unknown, not closed, or already in a deposit.
    static func requireDepositable(_ session: Int64, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                cached: db,
                sql: """
                    SELECT s.drawer, s.state, d.deposit FROM drawerSession s
                    LEFT JOIN depositSession d ON d.session = s.id WHERE s.id = ?
                    """,
                arguments: [session]
            )
        else {
            throw POSError.notFound(what: "drawer session", id: String(session))
        }
        let state: String = row["state"]
        let drawer: String = row["drawer"]
        guard state == DrawerState.closed.rawValue else {
            throw POSError.conflict(
                "session \(session) of drawer \(drawer) is not closed yet (\(state == "open" ? "still open" : "counted, waiting for verification")); "
                    + "only a verified close goes to the bank",
                code: "deposit.sessionNotClosed"
            )
        }
        if let deposit: String = row["deposit"] {
            throw POSError.conflict(
                "session \(session) of drawer \(drawer) is already in deposit \(deposit)",
                code: "deposit.sessionDeposited"
            )
        }
    }

    /// Closed sessions in no deposit (made up by the end of `date`, when given; closed before an instant, when given),
    /// oldest first.
    static func undepositedSessions(
        through date: BusinessDate?,
        closedBefore end: Int64? = nil,
        _ db: Database
    ) throws -> [Int64] {
        try Int64.fetchAll(
            cached: db,
            sql: """
                SELECT s.id FROM drawerSession s
                WHERE s.state = 'closed' AND (? IS NULL OR s.closedAt < ?) AND NOT EXISTS (
                    SELECT 1 FROM depositSession ds JOIN deposit d ON d.id = ds.deposit
                    WHERE ds.session = s.id AND (? IS NULL OR d.businessDate <= ?))
                ORDER BY s.closedAt, s.id
                """,
            arguments: [end, end, date?.text, date?.text]
        )
    }

    /// What a closed session sends to the bank: its deposit split, and its checks counted at the close and not
    /// voided since; with what is left out and why.
    struct DepositContent {
        var drawer: String
        var zNumber: Int
        var closedAt: Int64
        var closedBy: String
        var cash: CashCount
        var checks: [PaymentRecord]
        var missing: [PaymentRecord]
        var unexpected: [String]
        var voided: [PaymentRecord]
    }

    static func depositContent(session: Int64, _ db: Database) throws -> DepositContent {
        let report = try drawerReport(session: session, viewer: nil, db)
        let counted = Set(report.checksCounted ?? [])
        var checks: [PaymentRecord] = []
        var voided: [PaymentRecord] = []
        for expected in report.expectedChecks where counted.contains(expected.checkNumber ?? "") {
            guard let payment = try paymentRecord(expected.number, db) else { continue }
            if try isReversed(payment.number, db) {
                voided.append(payment)
            } else {
                checks.append(payment)
            }
        }
        return DepositContent(
            drawer: report.drawer,
            zNumber: report.zNumber ?? 0,
            closedAt: report.closedAt ?? 0,
            closedBy: report.closedBy ?? "",
            cash: report.deposit ?? CashCount(),
            checks: checks,
            missing: try report.missingChecks.compactMap { try paymentRecord($0.number, db) },
            unexpected: report.unexpectedChecks,
            voided: voided
        )
    }

    static func isReversed(_ payment: Int64, _ db: Database) throws -> Bool {
        try Row.fetchOne(
            cached: db,
            sql: "SELECT 1 FROM payment WHERE reverses = ? AND kind = 'reversal'",
            arguments: [payment]
        ) != nil
    }

    static func depositRecord(_ id: String, _ db: Database) throws -> DepositSlip {
        guard
            let row = try Row.fetchOne(
                cached: db,
                sql: "SELECT * FROM deposit WHERE id = ? AND status = 'recorded'",
                arguments: [id]
            )
        else {
            throw POSError.notFound(what: "deposit", id: id)
        }
        let policy = try policy(db)
        let denominations = policy.drawer.denominations
        let order = Dictionary(uniqueKeysWithValues: denominations.enumerated().map { ($1.code, $0) })
        let cash = try Row.fetchAll(
            cached: db,
            sql: "SELECT denomination, quantity, amount FROM depositCash WHERE deposit = ?",
            arguments: [id]
        ).map { line in
            let code: String = line["denomination"]
            let denomination = denominations.first { $0.code == code }
            return DepositSlip.CashLine(
                denomination: code,
                name: denomination?.name ?? code,
                form: denomination?.form ?? .bill,
                quantity: line["quantity"],
                amount: Money(minorUnits: line["amount"])
            )
        }.sorted {
            (order[$0.denomination] ?? .max, $0.denomination) < (order[$1.denomination] ?? .max, $1.denomination)
        }
        let depositedNumbers = try Int64.fetchAll(
            cached: db,
            sql: "SELECT payment FROM depositCheck WHERE deposit = ? ORDER BY payment",
            arguments: [id]
        )
        var checks: [DepositSlip.Check] = []
        for number in depositedNumbers {
            if let payment = try paymentRecord(number, db) { checks.append(try depositCheck(payment, db)) }
        }
        var sessions: [DepositSlip.Session] = []
        var exceptions: [DepositSlip.Exception] = []
        for session in try Int64.fetchAll(
            cached: db,
            sql: "SELECT session FROM depositSession WHERE deposit = ? ORDER BY session",
            arguments: [id]
        ) {
            let content = try depositContent(session: session, db)
            sessions.append(
                DepositSlip.Session(
                    id: session,
                    drawer: content.drawer,
                    zNumber: content.zNumber,
                    closedAt: content.closedAt,
                    closedBy: content.closedBy,
                    cash: content.cash.total(denominations),
                    checks: checks.filter { $0.session == session }.count
                )
            )
            func exception(_ kind: DepositSlip.ExceptionKind, _ payment: PaymentRecord) throws {
                exceptions.append(
                    DepositSlip.Exception(
                        kind: kind,
                        drawer: content.drawer,
                        session: session,
                        checkNumber: payment.check?.number ?? "",
                        check: try depositCheck(payment, db)
                    )
                )
            }
            for payment in content.missing { try exception(.missing, payment) }
            for number in content.unexpected {
                exceptions.append(
                    DepositSlip.Exception(
                        kind: .unexpected,
                        drawer: content.drawer,
                        session: session,
                        checkNumber: number,
                        check: nil
                    )
                )
            }
            for payment in content.voided {
                try exception(depositedNumbers.contains(payment.number) ? .voidedAfterDeposit : .voided, payment)
            }
        }
        // The slip computes its totals from its lines; they are the ones stored when it was made up.
        return DepositSlip(
            id: id,
            // safe: the schema's CHECK constraint admits only real dates
            businessDate: BusinessDate(row["businessDate"])!,
            clinic: policy.clinicName,
            preparedAt: row["preparedAt"],
            preparedBy: row["preparedBy"],
            terminal: row["terminal"],
            note: row["note"],
            sessions: sessions,
            cash: cash,
            checks: checks,
            exceptions: exceptions
        )
    }

    static func depositCheck(_ payment: PaymentRecord, _ db: Database) throws -> DepositSlip.Check {
        let session = try Int64.fetchOne(
            cached: db,
            sql: "SELECT drawerSession FROM payment WHERE number = ?",
            arguments: [payment.number]
        )
        return DepositSlip.Check(
            number: payment.check?.number ?? "",
            payer: payment.check?.payer ?? "",
            bank: payment.check?.bank ?? "",
            amount: payment.amount,
            payment: payment.number,
            invoice: payment.invoice,
            session: session ?? 0
        )
    }
}

extension Store {
    /// Closes the batch of one card terminal: every card payment, refund and reversal run on it that is in no batch
    /// yet goes into a new batch, with totals by tender and brand. VetPOS does not close batches by itself: the
    /// closing staff close each terminal's batch when the terminal settles (or `vetpos batch close --all` runs at the
    /// clinic's cut-off); until then its payments show as open.
    ///
    /// - Parameters:
    ///   - terminal: the card terminal id payments were taken on (`cardTerminal`).
    ///   - reference: the terminal's own batch number, from its batch report.
    ///   - reportedNet: the net of the terminal's batch report; a difference from VetPOS's is kept and shown, not
    ///     refused.
    public func closeCardBatch(
        terminal: String,
        reference: String? = nil,
        reportedNet: Money? = nil,
        commandID: String,
        by clerk: Operator
    ) async throws -> CardBatch {
        try clerk.require(.prepareDeposits)
        try Identifier.validate(terminal, field: "terminal")
        if let reference { try Identifier.validate(reference, field: "reference") }
        let at = now()
        struct Request: Encodable, Sendable {
            var terminal: String
            var reference: String?
            var reportedNet: Money?
        }
        let request = Request(terminal: terminal, reference: reference, reportedNet: reportedNet)
        return try await once(id: commandID, kind: "cardBatch.close", request: request) { db in
            guard
                let batch = try self.closeBatch(
                    terminal: terminal,
                    reference: reference,
                    reportedNet: reportedNet,
                    at: at,
                    by: clerk,
                    db
                )
            else {
                throw POSError.conflict(
                    "card terminal \(terminal) has no card payment outside a closed batch",
                    code: "batch.nothingToClose"
                )
            }
            return batch
        }
    }

    /// Closes the batch of every card terminal that has card payments in no batch; none when there are none.
    public func closeCardBatches(commandID: String, by clerk: Operator) async throws -> [CardBatch] {
        try clerk.require(.prepareDeposits)
        let at = now()
        struct Request: Encodable, Sendable { var all = true }
        return try await once(id: commandID, kind: "cardBatch.closeAll", request: Request()) { db in
            try String.fetchAll(
                cached: db,
                sql: """
                    SELECT DISTINCT p.cardTerminal FROM payment p
                    WHERE p.tender IN ('credit', 'debit', 'careCredit') AND p.cardTerminal IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM cardBatchPayment b WHERE b.payment = p.number)
                    ORDER BY p.cardTerminal
                    """
            ).compactMap { terminal in
                try self.closeBatch(terminal: terminal, reference: nil, reportedNet: nil, at: at, by: clerk, db)
            }
        }
    }

    /// A closed card batch by its id.
    public func cardBatch(id: String, viewer: Operator) async throws -> CardBatch {
        try Self.requireReportReader(viewer, action: "see card batches")
        return try await read { db in try Self.cardBatchRecord(id, db) }
    }

    /// The card payments of a business day, the batches closed on it and what was still open at its end.
    public func cardBatchDay(_ date: BusinessDate, viewer: Operator) async throws -> CardBatchReport {
        try Self.requireReportReader(viewer, action: "see card batches")
        return try await read { db in
            // The batch a payment is in, as of the day's end: a batch closed on a later day does not count yet.
            let select = """
                SELECT p.*, CASE WHEN c.businessDate <= ? THEN c.id END AS batchAsOf
                FROM payment p LEFT JOIN cardBatchPayment b ON b.payment = p.number
                LEFT JOIN cardBatch c ON c.id = b.batch AND c.status = 'closed'
                WHERE p.tender IN ('credit', 'debit', 'careCredit')
                """
            let payments = try Row.fetchAll(
                cached: db,
                sql: select + " AND p.businessDate = ? ORDER BY p.number",
                arguments: [date.text, date.text]
            ).map { (payment: Self.cardPayment($0), batch: $0["batchAsOf"] as String?) }
            let open = try Row.fetchAll(
                cached: db,
                sql: select
                    + " AND p.businessDate <= ? AND (c.id IS NULL OR c.businessDate > ?) ORDER BY p.cardTerminal, p.number",
                arguments: [date.text, date.text, date.text]
            ).map { Self.cardPayment($0) }
            let batches = try String.fetchAll(
                cached: db,
                sql:
                    "SELECT id FROM cardBatch WHERE businessDate = ? AND status = 'closed' ORDER BY terminal, sequence",
                arguments: [date.text]
            ).map { try Self.cardBatchRecord($0, db) }
            return CardBatchReport(
                date: date,
                clinic: try Self.policy(db).clinicName,
                payments: payments,
                batches: batches,
                open: open
            )
        }
    }

    // MARK: - Inside transactions

    /// Closes one terminal's batch; nil when it has no payment outside a batch.
    func closeBatch(
        terminal: String,
        reference: String?,
        reportedNet: Money?,
        at: Int64,
        by clerk: Operator,
        _ db: Database
    ) throws -> CardBatch? {
        let payments = try Row.fetchAll(
            cached: db,
            sql: """
                SELECT p.* FROM payment p
                WHERE p.tender IN ('credit', 'debit', 'careCredit') AND p.cardTerminal = ?
                  AND NOT EXISTS (SELECT 1 FROM cardBatchPayment b WHERE b.payment = p.number)
                ORDER BY p.number
                """,
            arguments: [terminal]
        ).map { Self.cardPayment($0) }
        guard !payments.isEmpty else { return nil }
        let day = try Self.calendar(db).businessDate(atMillis: at)
        let sequence =
            (try Int.fetchOne(
                cached: db,
                sql: "SELECT MAX(sequence) FROM cardBatch WHERE terminal = ? AND businessDate = ?",
                arguments: [terminal, day.text]
            ) ?? 0) + 1
        guard sequence <= 99 else {
            throw POSError.conflict(
                "card terminal \(terminal) already closed 99 batches on \(day)",
                code: "batch.dayFull"
            )
        }
        let id = "\(terminal)-\(day.compact)-\(sequence < 10 ? "0" : "")\(sequence)"
        // The batch's totals are the model's, computed from its payments; the store posts them.
        let batch = CardBatch(
            id: id,
            terminal: terminal,
            businessDate: day,
            sequence: sequence,
            closedAt: at,
            closedBy: clerk.employee.id,
            reference: reference,
            reportedNet: reportedNet,
            payments: payments
        )
        let brands = batch.brands
        let sales = batch.sales
        let refunds = batch.refunds
        try db.executeCached(
            sql: """
                INSERT INTO cardBatch (id, terminal, businessDate, sequence, status, closedBy, station, closedAt, reference,
                    reportedNet, paymentCount, sales, refunds, net)
                VALUES (?, ?, ?, ?, 'closing', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, terminal, day.text, sequence, clerk.employee.id, clerk.terminal, at, reference,
                reportedNet?.minorUnits, payments.count, sales.minorUnits, refunds.minorUnits,
                (sales + refunds).minorUnits,
            ]
        )
        for brand in brands {
            try db.executeCached(
                sql: """
                    INSERT INTO cardBatchBrand (batch, tender, brand, paymentCount, sales, refunds)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, brand.tender.rawValue, brand.brand.rawValue, brand.count, brand.sales.minorUnits,
                    brand.refunds.minorUnits,
                ]
            )
        }
        for payment in payments {
            try db.executeCached(
                sql: "INSERT INTO cardBatchPayment (payment, batch) VALUES (?, ?)",
                arguments: [payment.number, id]
            )
        }
        try db.executeCached(sql: "UPDATE cardBatch SET status = 'closed' WHERE id = ?", arguments: [id])
        struct Entry: Encodable {
            var id: String
            var terminal: String
            var reference: String?
            var reportedNet: Money?
            var payments: [Int64]
            var sales: Money
            var refunds: Money
            var net: Money
        }
        try journal(
            db,
            kind: "cardBatch.closed",
            by: clerk,
            subject: "card batch \(id)",
            at: at,
            payload: Entry(
                id: id,
                terminal: terminal,
                reference: reference,
                reportedNet: reportedNet,
                payments: payments.map(\.number),
                sales: sales,
                refunds: refunds,
                net: sales + refunds
            )
        )
        return try Self.cardBatchRecord(id, db)
    }

    static func cardPayment(_ row: Row) -> CardBatch.Payment {
        let brand: String? = row["cardBrand"]
        return CardBatch.Payment(
            number: row["number"],
            // safe: the schema's CHECK constraint admits only these values
            kind: PaymentKind(rawValue: row["kind"])!,
            // safe: the schema's CHECK constraint admits only these values
            tender: Tender(rawValue: row["tender"])!,
            brand: brand.flatMap(CardBrand.init(rawValue:)) ?? .other,
            last4: row["cardLast4"] ?? "",
            authCode: row["authCode"] ?? "",
            terminal: row["cardTerminal"] ?? "",
            amount: Money(minorUnits: row["amount"]),
            atMillis: row["at"],
            // safe: the schema's CHECK constraint admits only real dates
            businessDate: BusinessDate(row["businessDate"])!,
            invoice: row["invoiceNumber"],
            reverses: row["reverses"]
        )
    }

    static func cardBatchRecord(_ id: String, _ db: Database) throws -> CardBatch {
        guard
            let row = try Row.fetchOne(
                cached: db,
                sql: "SELECT * FROM cardBatch WHERE id = ? AND status = 'closed'",
                arguments: [id]
            )
        else {
            throw POSError.notFound(what: "card batch", id: id)
        }
        let payments = try Row.fetchAll(
            cached: db,
            sql: """
                SELECT p.* FROM cardBatchPayment b JOIN payment p ON p.number = b.payment
                WHERE b.batch = ? ORDER BY p.number
                """,
            arguments: [id]
        ).map { cardPayment($0) }
        let reportedNet: Int64? = row["reportedNet"]
        return CardBatch(
            id: id,
            terminal: row["terminal"],
            // safe: the schema's CHECK constraint admits only real dates
            businessDate: BusinessDate(row["businessDate"])!,
            sequence: row["sequence"],
            closedAt: row["closedAt"],
            closedBy: row["closedBy"],
            reference: row["reference"],
            reportedNet: reportedNet.map(Money.init(minorUnits:)),
            payments: payments
        )
    }
}
