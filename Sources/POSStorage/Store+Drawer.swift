import Foundation
import GRDB
import POSCore

extension Store {
    /// Opens the drawer of the signed-in terminal with its opening count, compared with the last close's float.
    public func openDrawer(count: CashCount, commandID: String, by clerk: Operator) async throws -> DrawerReport {
        try clerk.require(.handleDrawer)
        let at = now()
        struct Request: Encodable, Sendable {
            var drawer: String
            var count: CashCount
        }
        return try await once(
            id: commandID,
            kind: "drawer.open",
            request: Request(drawer: clerk.terminal, count: count)
        ) { db in
            let policy = try Self.policy(db).drawer
            try count.validate(policy.denominations, field: "opening count")
            if let active = try Self.activeDrawerSession(clerk.terminal, db) {
                throw POSError.conflict(
                    "drawer \(clerk.terminal) already has session \(active.id) \(active.state == .open ? "open" : "waiting for verification"); close it first",
                    code: "drawer.alreadyOpen"
                )
            }
            try db.executeCached(
                sql:
                    "INSERT INTO drawerSession (drawer, state, openedBy, openedAt, cashier) VALUES (?, 'open', ?, ?, ?)",
                arguments: [clerk.terminal, clerk.employee.id, at, clerk.employee.id]
            )
            let session = db.lastInsertedRowID
            _ = try self.appendDrawerEvent(
                DrawerEvent(sequence: 0, kind: .open, count: count, employee: clerk.employee.id, atMillis: at),
                session: session,
                db
            )
            try self.journal(
                db,
                kind: "drawer.opened",
                by: clerk,
                subject: "drawer session \(session)",
                at: at,
                payload: Request(drawer: clerk.terminal, count: count)
            )
            return try Self.drawerReport(session: session, viewer: clerk, db)
        }
    }

    /// A paid-in, paid-out, safe drop or no-sale on the signed-in terminal's open drawer.
    public func recordDrawerMovement(
        _ kind: DrawerEventKind,
        amount: Money = .zero,
        count: CashCount? = nil,
        reason: String,
        note: String? = nil,
        approval: ApprovalRequest? = nil,
        commandID: String,
        by clerk: Operator
    ) async throws -> DrawerEvent {
        switch kind {
        case .paidIn, .paidOut, .safeDrop: try clerk.require(.handleDrawer)
        case .noSale: try clerk.require(.noSale)
        case .open, .handover, .closeCount, .recount, .adjustment:
            throw POSError.invalid(
                field: "kind",
                reason: "\(kind.rawValue) is not a drawer movement",
                code: "drawer.notMovement"
            )
        }
        let approvers = try await verifiedApprovers(approval.map { [$0] } ?? [], source: clerk.source)
        let at = now()
        struct Request: Encodable, Sendable {
            var drawer: String
            var kind: DrawerEventKind
            var amount: Money
            var count: CashCount?
            var reason: String
            var note: String?
            var approval: ApprovalRequest?
        }
        let request = Request(
            drawer: clerk.terminal,
            kind: kind,
            amount: amount,
            count: count,
            reason: reason,
            note: note,
            approval: approval
        )
        return try await once(id: commandID, kind: "drawer.\(kind.rawValue)", request: request) { db in
            let policy = try Self.policy(db).drawer
            guard let session = try Self.activeDrawerSession(clerk.terminal, db) else {
                throw POSError.conflict("no drawer is open at terminal \(clerk.terminal)", code: "drawer.notOpen")
            }
            try DrawerRules.requireState(
                session.state,
                is: .open,
                drawer: clerk.terminal,
                action: "record a \(kind.rawValue)"
            )
            var event = DrawerEvent(sequence: 0, kind: kind, reason: reason, employee: clerk.employee.id, atMillis: at)
            switch kind {
            case .paidIn:
                try DrawerRules.checkPaid(
                    amount: amount,
                    reason: reason,
                    note: note,
                    reasons: policy.paidInReasons,
                    field: "paid-in"
                )
                event.amount = amount
            case .paidOut:
                try DrawerRules.checkPaid(
                    amount: amount,
                    reason: reason,
                    note: note,
                    reasons: policy.paidOutReasons,
                    field: "paid-out"
                )
                event.amount = -amount
            case .safeDrop:
                guard let count, !count.isEmpty else {
                    throw POSError.invalid(
                        field: "safe drop",
                        reason: "count what goes to the safe by denomination",
                        code: "drawer.safeDropUncounted"
                    )
                }
                try count.validate(policy.denominations, field: "safe drop count")
                event.amount = -count.total(policy.denominations)
                event.count = count
            default:
                try Identifier.validateText(reason, field: "no-sale reason")
            }
            let events = try Self.drawerEvents(session.id, db)
            if event.amount < .zero {
                // Cash cannot leave a drawer that does not hold it: a paid-out or drop beyond expected cash is a
                // mistyped amount or cash that is not there. The refusal does not say how much is expected (blind).
                let expected = try Self.expectedCash(session.id, events: events, policy.denominations, db)
                guard -event.amount <= expected else {
                    throw POSError.conflict(
                        "a \(kind.rawValue) of \(-event.amount) is more than drawer \(clerk.terminal) holds; "
                            + "check the amount, or count the drawer with a manager",
                        code: "drawer.notEnoughCash"
                    )
                }
            }
            if kind == .paidOut {
                let earlier = events.filter { $0.kind == .paidOut }.reduce(Money.zero) { $0 - $1.amount }
                if let limit = DrawerRules.paidOutApprovalReason(amount: amount, earlier: earlier, policy: policy) {
                    event.otherEmployee = try Self.drawerManager(
                        approval,
                        verified: approvers,
                        clerk: clerk,
                        refusal: "\(limit): a manager's PIN is required",
                        db
                    )
                }
            }
            if let note, kind != .safeDrop { event.reason = "\(reason): \(note)" }
            event.sequence = try self.appendDrawerEvent(event, session: session.id, db)
            try self.journal(
                db,
                kind: "drawer.\(kind.rawValue)",
                by: clerk,
                subject: "drawer session \(session.id)",
                at: at,
                payload: event
            )
            return event
        }
    }

    /// Who signs for a drawer step beyond the clinic's rules (a large paid-out, a handover or close beyond the
    /// tolerance): the manager named in `approval` (their PIN verified before the transaction), or the clerk when
    /// they are a manager themselves; anyone else is refused with `refusal`.
    static func drawerManager(
        _ approval: ApprovalRequest?,
        verified: Set<String>,
        clerk: Operator,
        refusal: String,
        _ db: Database
    ) throws -> String {
        if let approval {
            let context = ApprovalContext(clerk: clerk, employees: try employees(db), verifiedApprovers: verified)
            return try Approvals.check(approval, for: .verifyDrawer, field: "approval", context: context).id
        }
        guard clerk.employee.role.may(.verifyDrawer) else {
            throw POSError.approvalRequired(field: "approval", reason: refusal)
        }
        return clerk.employee.id
    }

    /// A shift change: the outgoing and incoming cashiers count together; the count becomes the incoming cashier's
    /// baseline, and the variance is the outgoing cashier's.
    public func handOverDrawer(
        count: CashCount,
        to incoming: ApprovalRequest,
        approval: ApprovalRequest? = nil,
        commandID: String,
        by clerk: Operator
    ) async throws -> CountResult {
        try clerk.require(.handleDrawer)
        let verified = try await verifiedApprovers([incoming] + (approval.map { [$0] } ?? []), source: clerk.source)
        let at = now()
        struct Request: Encodable, Sendable {
            var drawer: String
            var count: CashCount
            var incoming: String
            var approval: ApprovalRequest?
        }
        let request = Request(drawer: clerk.terminal, count: count, incoming: incoming.employee, approval: approval)
        return try await once(id: commandID, kind: "drawer.handover", request: request) { db in
            let policy = try Self.policy(db).drawer
            try count.validate(policy.denominations, field: "handover count")
            guard let session = try Self.activeDrawerSession(clerk.terminal, db) else {
                throw POSError.conflict("no drawer is open at terminal \(clerk.terminal)", code: "drawer.notOpen")
            }
            try DrawerRules.requireState(session.state, is: .open, drawer: clerk.terminal, action: "hand over")
            guard session.cashier == clerk.employee.id || clerk.employee.role.may(.verifyDrawer) else {
                throw POSError.conflict(
                    "drawer \(clerk.terminal) is with \(session.cashier); only they or a manager hand it over",
                    code: "drawer.heldByOther"
                )
            }
            guard let next = try Self.employees(db)[incoming.employee], verified.contains(next.id),
                next.role.may(.handleDrawer)
            else {
                throw POSError.invalid(
                    field: "incoming",
                    reason: "\(incoming.employee) cannot take over a drawer",
                    code: "handover.notEligible"
                )
            }
            guard next.id != session.cashier else {
                throw POSError.invalid(
                    field: "incoming",
                    reason: "\(next.id) already has this drawer",
                    code: "handover.sameCashier"
                )
            }
            // A handover count beyond the tolerance is the outgoing cashier's variance: a manager confirms it, as at
            // a close. The refusal does not say by how much (the count stays blind).
            let expected = try Self.expectedCash(
                session.id,
                events: try Self.drawerEvents(session.id, db),
                policy.denominations,
                db
            )
            if (count.total(policy.denominations) - expected).minorUnits.magnitude > policy.tolerance.minorUnits {
                _ = try Self.drawerManager(
                    approval,
                    verified: verified,
                    clerk: clerk,
                    refusal: "the handover count is off by more than the \(policy.tolerance.formatted) tolerance: "
                        + "recount, or a manager confirms it with their PIN",
                    db
                )
            }
            let sequence = try self.appendDrawerEvent(
                DrawerEvent(
                    sequence: 0,
                    kind: .handover,
                    count: count,
                    employee: session.cashier,
                    otherEmployee: next.id,
                    atMillis: at
                ),
                session: session.id,
                db
            )
            try db.executeCached(
                sql: "UPDATE drawerSession SET cashier = ? WHERE id = ?",
                arguments: [next.id, session.id]
            )
            try self.journal(
                db,
                kind: "drawer.handover",
                by: clerk,
                subject: "drawer session \(session.id)",
                at: at,
                payload: request
            )
            let results = DrawerLedger.countResults(
                events: try Self.drawerEvents(session.id, db),
                payments: try Self.drawerPayments(session.id, db),
                denominations: policy.denominations
            )
            // safe: the event was appended in this same transaction
            return results.first { $0.sequence == sequence }!
        }
    }

    /// The blind close count: ends the session and only then shows what was expected, the variance, and the
    /// proposed split between float and deposit.
    public func countDrawerForClose(
        count: CashCount,
        checks: [String],
        cardSlips: [String: Money],
        commandID: String,
        by clerk: Operator
    ) async throws -> DrawerCloseResult {
        try clerk.require(.handleDrawer)
        let at = now()
        struct Request: Encodable, Sendable {
            var drawer: String
            var count: CashCount
            var checks: [String]
            var cardSlips: [String: Money]
        }
        let request = Request(drawer: clerk.terminal, count: count, checks: checks, cardSlips: cardSlips)
        return try await once(id: commandID, kind: "drawer.closeCount", request: request) { db in
            let policy = try Self.policy(db).drawer
            try count.validate(policy.denominations, field: "close count")
            for (terminal, amount) in cardSlips {
                try Identifier.validate(terminal, field: "card slip terminal")
                guard !amount.isNegative else {
                    throw POSError.invalid(
                        field: "card slip \(terminal)",
                        reason: "must not be negative",
                        code: "cardSlip.negative"
                    )
                }
            }
            guard let session = try Self.activeDrawerSession(clerk.terminal, db) else {
                throw POSError.conflict("no drawer is open at terminal \(clerk.terminal)", code: "drawer.notOpen")
            }
            try DrawerRules.requireState(session.state, is: .open, drawer: clerk.terminal, action: "count for closing")
            // A sale still being rung up at this terminal would change the drawer after the count.
            let unfinished = try Int64.fetchAll(
                cached: db,
                sql:
                    "SELECT number FROM invoice WHERE status = 'open' AND terminal = ? AND openedAt >= ? "
                    + "AND number NOT IN (SELECT invoiceNumber FROM invoiceCancel) ORDER BY number",
                arguments: [clerk.terminal, session.openedAt]
            )
            guard unfinished.isEmpty else {
                throw POSError.conflict(
                    "invoices \(unfinished.map(String.init).joined(separator: ", ")) are still being rung up at \(clerk.terminal); "
                        + "check them out before closing the drawer",
                    code: "drawer.invoicesOpen"
                )
            }
            let sequence = try self.appendDrawerEvent(
                DrawerEvent(sequence: 0, kind: .closeCount, count: count, employee: clerk.employee.id, atMillis: at),
                session: session.id,
                db
            )
            try db.executeCached(
                sql:
                    "UPDATE drawerSession SET state = 'ended', endedAt = ?, checksCounted = ?, cardSlips = ? WHERE id = ?",
                arguments: [
                    at, try CanonicalJSON.encode(checks.sorted()), try CanonicalJSON.encode(cardSlips), session.id,
                ]
            )
            try self.journal(
                db,
                kind: "drawer.closeCount",
                by: clerk,
                subject: "drawer session \(session.id)",
                at: at,
                payload: request
            )
            return try Self.closeResult(session: session.id, sequence: sequence, recountAllowed: true, db)
        }
    }

    /// The one recount allowed after a close count; both counts are kept, the recount decides.
    public func recountDrawer(count: CashCount, commandID: String, by clerk: Operator) async throws -> DrawerCloseResult
    {
        try clerk.require(.handleDrawer)
        let at = now()
        struct Request: Encodable, Sendable {
            var drawer: String
            var count: CashCount
        }
        return try await once(
            id: commandID,
            kind: "drawer.recount",
            request: Request(drawer: clerk.terminal, count: count)
        ) { db in
            let policy = try Self.policy(db).drawer
            try count.validate(policy.denominations, field: "recount")
            guard let session = try Self.activeDrawerSession(clerk.terminal, db) else {
                throw POSError.conflict(
                    "no drawer session of \(clerk.terminal) waits for verification",
                    code: "drawer.notCounted"
                )
            }
            try DrawerRules.requireState(session.state, is: .ended, drawer: clerk.terminal, action: "recount")
            guard try !Self.drawerEvents(session.id, db).contains(where: { $0.kind == .recount }) else {
                throw POSError.conflict(
                    "drawer \(clerk.terminal) was already recounted once",
                    code: "drawer.alreadyRecounted"
                )
            }
            let sequence = try self.appendDrawerEvent(
                DrawerEvent(sequence: 0, kind: .recount, count: count, employee: clerk.employee.id, atMillis: at),
                session: session.id,
                db
            )
            try self.journal(
                db,
                kind: "drawer.recount",
                by: clerk,
                subject: "drawer session \(session.id)",
                at: at,
                payload: Request(drawer: clerk.terminal, count: count)
            )
            return try Self.closeResult(session: session.id, sequence: sequence, recountAllowed: false, db)
        }
    }

    /// Verifies and closes a counted drawer: reduce to float (the proposal, or the staff's own `keep`), the deposit is
    /// the rest, and a Z number is given. Beyond the tolerance a manager signs with a note. The session is then
    /// immutable.
    public func closeDrawer(
        keep: CashCount?,
        note: String?,
        approval: ApprovalRequest?,
        commandID: String,
        by clerk: Operator
    ) async throws -> DrawerReport {
        try clerk.require(.handleDrawer)
        let approvers = try await verifiedApprovers(approval.map { [$0] } ?? [], source: clerk.source)
        let at = now()
        struct Request: Encodable, Sendable {
            var drawer: String
            var keep: CashCount?
            var note: String?
            var approval: ApprovalRequest?
        }
        let request = Request(drawer: clerk.terminal, keep: keep, note: note, approval: approval)
        return try await once(id: commandID, kind: "drawer.close", request: request) { db in
            let policy = try Self.policy(db).drawer
            guard let session = try Self.activeDrawerSession(clerk.terminal, db) else {
                throw POSError.conflict(
                    "no drawer session of \(clerk.terminal) waits for verification",
                    code: "drawer.notCounted"
                )
            }
            try DrawerRules.requireState(session.state, is: .ended, drawer: clerk.terminal, action: "close")
            let events = try Self.drawerEvents(session.id, db)
            // safe: a session waiting for verification has a close count
            let finalCount = events.last { $0.kind == .closeCount || $0.kind == .recount }!
            let counted = finalCount.count ?? CashCount()
            let result = DrawerLedger.countResults(
                events: events,
                payments: try Self.drawerPayments(session.id, db),
                denominations: policy.denominations
            )
            // safe: every count event has its result
            .first { $0.sequence == finalCount.sequence }!
            // Whoever counted (the close count or the recount) cannot also be the second pair of eyes.
            let counters = Set(events.filter { $0.kind == .closeCount || $0.kind == .recount }.map(\.employee))
            if policy.requireVerification && counters.contains(clerk.employee.id) {
                throw POSError.approvalRequired(
                    field: "verify",
                    reason: "a second employee verifies the close; \(clerk.employee.id) counted it"
                )
            }
            var approvedBy: String?
            if result.overShort.minorUnits.magnitude > policy.tolerance.minorUnits.magnitude {
                guard let note, !note.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw POSError.approvalRequired(
                        field: "note",
                        reason:
                            "the drawer is \(result.overShort.formatted) off, beyond the \(policy.tolerance.formatted) tolerance: a note is required"
                    )
                }
                try Identifier.validateText(note, field: "note")
                approvedBy = try Self.drawerManager(
                    approval,
                    verified: approvers,
                    clerk: clerk,
                    refusal:
                        "the drawer is \(result.overShort.formatted) off, beyond the \(policy.tolerance.formatted) tolerance: a manager's PIN is required",
                    db
                )
            }
            let kept =
                keep
                ?? FloatPlanner.propose(
                    counted: counted,
                    target: policy.floatTarget,
                    minimum: policy.floatMinimum,
                    denominations: policy.denominations
                ).keep
            try DrawerRules.checkKeep(kept, counted: counted, denominations: policy.denominations)
            for (part, split) in [("keep", kept), ("deposit", counted - kept)] {
                for (denomination, quantity) in split.quantities {
                    try db.executeCached(
                        sql: "INSERT INTO drawerSplit (session, part, denomination, quantity) VALUES (?, ?, ?, ?)",
                        arguments: [session.id, part, denomination, quantity]
                    )
                }
            }
            let zNumber =
                (try Int.fetchOne(
                    cached: db,
                    sql: "SELECT MAX(zNumber) FROM drawerSession WHERE drawer = ?",
                    arguments: [clerk.terminal]
                ) ?? 0) + 1
            try db.executeCached(
                sql: """
                    UPDATE drawerSession SET state = 'closed', closedBy = ?, closedAt = ?, zNumber = ?, closeNote = ?, approvedBy = ?
                    WHERE id = ?
                    """,
                arguments: [clerk.employee.id, at, zNumber, note, approvedBy, session.id]
            )
            try self.journal(
                db,
                kind: "drawer.closed",
                by: clerk,
                subject: "drawer session \(session.id)",
                at: at,
                payload: request
            )
            return try Self.drawerReport(session: session.id, viewer: clerk, db)
        }
    }

    /// A correction found later (money found, a miscount), as new cash in the open session, naming the session it
    /// corrects; reports of both show it.
    public func adjustDrawer(
        amount: Money,
        reason: String,
        corrects: Int64?,
        commandID: String,
        by clerk: Operator
    ) async throws -> DrawerEvent {
        try clerk.require(.adjustDrawer)
        let at = now()
        struct Request: Encodable, Sendable {
            var drawer: String
            var amount: Money
            var reason: String
            var corrects: Int64?
        }
        let request = Request(drawer: clerk.terminal, amount: amount, reason: reason, corrects: corrects)
        return try await once(id: commandID, kind: "drawer.adjustment", request: request) { db in
            guard amount != .zero else {
                throw POSError.invalid(field: "amount", reason: "an adjustment is not zero", code: "adjustment.zero")
            }
            try Identifier.validateText(reason, field: "reason")
            guard let session = try Self.activeDrawerSession(clerk.terminal, db) else {
                throw POSError.conflict("no drawer is open at terminal \(clerk.terminal)", code: "drawer.notOpen")
            }
            try DrawerRules.requireState(session.state, is: .open, drawer: clerk.terminal, action: "adjust")
            if let corrects {
                guard
                    let state = try String.fetchOne(
                        cached: db,
                        sql: "SELECT state FROM drawerSession WHERE id = ?",
                        arguments: [corrects]
                    )
                else {
                    throw POSError.notFound(what: "drawer session", id: String(corrects))
                }
                guard state == DrawerState.closed.rawValue else {
                    throw POSError.invalid(
                        field: "corrects",
                        reason: "session \(corrects) is not closed; correct it in its own count",
                        code: "adjustment.sessionNotClosed"
                    )
                }
            }
            var event = DrawerEvent(
                sequence: 0,
                kind: .adjustment,
                amount: amount,
                reason: reason,
                employee: clerk.employee.id,
                correctsSession: corrects,
                atMillis: at
            )
            event.sequence = try self.appendDrawerEvent(event, session: session.id, db)
            try self.journal(
                db,
                kind: "drawer.adjustment",
                by: clerk,
                subject: "drawer session \(session.id)",
                at: at,
                payload: event
            )
            return event
        }
    }

    /// The X report of the terminal's drawer (the open or counted session), or of a given session.
    public func drawerReport(session id: Int64? = nil, viewer: Operator) async throws -> DrawerReport {
        guard viewer.employee.role.may(.handleDrawer) || viewer.employee.role.may(.viewDrawerTotals) else {
            throw POSError.notPermitted(
                employee: viewer.employee.id,
                role: viewer.employee.role,
                action: "see drawer reports"
            )
        }
        return try await read { db in
            let session: Int64
            if let id {
                session = id
            } else {
                guard let active = try Self.activeDrawerSession(viewer.terminal, db) else {
                    throw POSError.conflict("no drawer is open at terminal \(viewer.terminal)", code: "drawer.notOpen")
                }
                session = active.id
            }
            return try Self.drawerReport(session: session, viewer: viewer, db)
        }
    }

    /// A closed session's Z report by drawer and Z number.
    public func zReport(drawer: String, number: Int, viewer: Operator) async throws -> DrawerReport {
        guard viewer.employee.role.may(.handleDrawer) || viewer.employee.role.may(.viewReports) else {
            throw POSError.notPermitted(
                employee: viewer.employee.id,
                role: viewer.employee.role,
                action: "see Z reports"
            )
        }
        return try await read { db in
            guard
                let id = try Int64.fetchOne(
                    cached: db,
                    sql: "SELECT id FROM drawerSession WHERE drawer = ? AND zNumber = ?",
                    arguments: [drawer, number]
                )
            else {
                throw POSError.notFound(what: "Z report", id: "\(drawer) #\(number)")
            }
            return try Self.drawerReport(session: id, viewer: viewer, db)
        }
    }

    /// Over/short of every handover and final close count of closed sessions, oldest first.
    public func overShortHistory(
        employee: String? = nil,
        drawer: String? = nil,
        viewer: Operator
    ) async throws -> [OverShortEntry] {
        try viewer.require(.viewDrawerTotals)
        return try await read { db in
            let policy = try Self.policy(db).drawer
            var entries: [OverShortEntry] = []
            for row in try Row.fetchAll(
                cached: db,
                sql: "SELECT id, drawer, zNumber FROM drawerSession WHERE state = 'closed' ORDER BY closedAt, id"
            ) {
                let id: Int64 = row["id"]
                let events = try Self.drawerEvents(id, db)
                let results = DrawerLedger.countResults(
                    events: events,
                    payments: try Self.drawerPayments(id, db),
                    denominations: policy.denominations
                )
                let finalSequence = results.last { $0.kind != .handover }?.sequence
                for result in results where result.kind == .handover || result.sequence == finalSequence {
                    entries.append(
                        OverShortEntry(
                            drawer: row["drawer"],
                            session: id,
                            zNumber: row["zNumber"],
                            kind: result.kind,
                            cashier: result.cashier,
                            // safe: every result comes from one of these events
                            atMillis: events.first { $0.sequence == result.sequence }!.atMillis,
                            counted: result.counted,
                            expected: result.expected
                        )
                    )
                }
            }
            return entries.filter {
                (employee == nil || $0.cashier == employee) && (drawer == nil || $0.drawer == drawer)
            }
        }
    }

    // MARK: - Inside transactions

    struct DrawerSessionRow {
        var id: Int64
        var drawer: String
        var state: DrawerState
        var cashier: String
        var openedAt: Int64
    }

    /// The drawer's session that is open or counted and waiting for verification.
    static func activeDrawerSession(_ drawer: String, _ db: Database) throws -> DrawerSessionRow? {
        try Row.fetchOne(
            cached: db,
            sql:
                "SELECT id, drawer, state, cashier, openedAt FROM drawerSession WHERE drawer = ? AND state <> 'closed'",
            arguments: [drawer]
        ).map {
            DrawerSessionRow(
                id: $0["id"],
                drawer: $0["drawer"],
                // safe: the schema's CHECK constraint admits only these values
                state: DrawerState(rawValue: $0["state"])!,
                cashier: $0["cashier"],
                openedAt: $0["openedAt"]
            )
        }
    }

    /// The session a payment at this terminal belongs to, with the sequence of its last event; nil if none is open.
    static func openDrawerSession(_ drawer: String, _ db: Database) throws -> (id: Int64, lastEvent: Int)? {
        try Row.fetchOne(
            cached: db,
            sql: """
                SELECT s.id, (SELECT MAX(sequence) FROM drawerEvent e WHERE e.session = s.id) AS lastEvent
                FROM drawerSession s WHERE s.drawer = ? AND s.state = 'open'
                """,
            arguments: [drawer]
        ).map { ($0["id"], $0["lastEvent"]) }
    }

    func appendDrawerEvent(_ event: DrawerEvent, session: Int64, _ db: Database) throws -> Int {
        let sequence =
            (try Int.fetchOne(
                cached: db,
                sql: "SELECT MAX(sequence) FROM drawerEvent WHERE session = ?",
                arguments: [session]
            ) ?? 0) + 1
        try db.executeCached(
            sql: """
                INSERT INTO drawerEvent (session, sequence, kind, amount, reason, employee, otherEmployee, correctsSession, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                session, sequence, event.kind.rawValue, event.amount.minorUnits, event.reason, event.employee,
                event.otherEmployee, event.correctsSession, event.atMillis,
            ]
        )
        for (denomination, quantity) in event.count?.quantities ?? [:] {
            try db.executeCached(
                sql: "INSERT INTO drawerCount (session, sequence, denomination, quantity) VALUES (?, ?, ?, ?)",
                arguments: [session, sequence, denomination, quantity]
            )
        }
        return sequence
    }

    /// What an open session's drawer should hold now (its current stretch: since the opening or last handover).
    static func expectedCash(
        _ session: Int64,
        events: [DrawerEvent],
        _ denominations: [Denomination],
        _ db: Database
    ) throws -> Money {
        DrawerLedger.figures(
            events: events,
            payments: try drawerPayments(session, db),
            denominations: denominations
        ).expectedCash
    }

    static func drawerEvents(_ session: Int64, _ db: Database) throws -> [DrawerEvent] {
        var counts: [Int: CashCount] = [:]
        for row in try Row.fetchAll(
            cached: db,
            sql: "SELECT * FROM drawerCount WHERE session = ?",
            arguments: [session]
        ) {
            counts[row["sequence"], default: CashCount()][row["denomination"] as String] = row["quantity"]
        }
        return try Row.fetchAll(
            cached: db,
            sql: "SELECT * FROM drawerEvent WHERE session = ? ORDER BY sequence",
            arguments: [session]
        ).map {
            // safe: the schema's CHECK constraint admits only these values
            let kind = DrawerEventKind(rawValue: $0["kind"])!
            let countsSomething = [.open, .handover, .closeCount, .recount, .safeDrop].contains(kind)
            return DrawerEvent(
                sequence: $0["sequence"],
                kind: kind,
                amount: Money(minorUnits: $0["amount"]),
                count: countsSomething ? counts[$0["sequence"]] ?? CashCount() : nil,
                reason: $0["reason"],
                employee: $0["employee"],
                otherEmployee: $0["otherEmployee"],
                correctsSession: $0["correctsSession"],
                atMillis: $0["at"]
            )
        }
    }

    static func drawerPayments(_ session: Int64, _ db: Database) throws -> [DrawerPayment] {
        try Row.fetchAll(
            cached: db,
            sql: "SELECT * FROM payment WHERE drawerSession = ? ORDER BY number",
            arguments: [session]
        ).map {
            DrawerPayment(
                number: $0["number"],
                // safe: the schema's CHECK constraint admits only these values
                kind: PaymentKind(rawValue: $0["kind"])!,
                // safe: the schema's CHECK constraint admits only these values
                tender: Tender(rawValue: $0["tender"])!,
                amount: Money(minorUnits: $0["amount"]),
                tendered: Money(minorUnits: $0["tendered"]),
                change: Money(minorUnits: $0["change"]),
                checkNumber: $0["checkNumber"],
                reverses: $0["reverses"],
                afterEvent: $0["drawerAfterEvent"]
            )
        }
    }

    static func employees(_ db: Database) throws -> [String: Employee] {
        var employees: [String: Employee] = [:]
        for row in try Row.fetchAll(cached: db, sql: "SELECT * FROM employee") {
            let employee = employee(row)
            employees[employee.id] = employee
        }
        return employees
    }

    static func split(_ session: Int64, part: String, _ db: Database) throws -> CashCount? {
        let rows = try Row.fetchAll(
            cached: db,
            sql: "SELECT denomination, quantity FROM drawerSplit WHERE session = ? AND part = ?",
            arguments: [session, part]
        )
        guard !rows.isEmpty else { return nil }
        return CashCount(
            Dictionary(uniqueKeysWithValues: rows.map { ($0["denomination"] as String, $0["quantity"] as Int64) })
        )
    }

    static func closeResult(
        session: Int64,
        sequence: Int,
        recountAllowed: Bool,
        _ db: Database
    ) throws -> DrawerCloseResult {
        let policy = try policy(db).drawer
        let events = try drawerEvents(session, db)
        let payments = try drawerPayments(session, db)
        let result = DrawerLedger.countResults(events: events, payments: payments, denominations: policy.denominations)
            // safe: every count event has its result
            .first { $0.sequence == sequence }!
        let report = try drawerReport(session: session, viewer: nil, db)
        return DrawerCloseResult(
            session: session,
            result: result,
            tolerance: policy.tolerance,
            recountAllowed: recountAllowed,
            proposal: FloatPlanner.propose(
                counted: events.first { $0.sequence == sequence }?.count ?? CashCount(),
                target: policy.floatTarget,
                minimum: policy.floatMinimum,
                denominations: policy.denominations
            ),
            missingChecks: report.missingChecks,
            unexpectedChecks: report.unexpectedChecks,
            cardBatches: report.cardBatches
        )
    }

    /// Builds the X or Z report. `viewer` nil means the store itself (after a count, when everything may be shown).
    static func drawerReport(session id: Int64, viewer: Operator?, _ db: Database) throws -> DrawerReport {
        let clinic = try policy(db)
        let denominations = clinic.drawer.denominations
        guard let row = try Row.fetchOne(cached: db, sql: "SELECT * FROM drawerSession WHERE id = ?", arguments: [id])
        else {
            throw POSError.notFound(what: "drawer session", id: String(id))
        }
        // safe: the schema's CHECK constraint admits only these values
        let state = DrawerState(rawValue: row["state"])!
        let events = try drawerEvents(id, db)
        let payments = try drawerPayments(id, db)
        // Blind until the count is in: while open, only those allowed to see drawer totals see expected cash.
        let mayShow =
            !clinic.drawer.blindCount || state != .open || viewer?.employee.role.may(.viewDrawerTotals) == true
        var tenders: [DrawerReport.TenderTotal] = []
        var cards: [String: Money] = [:]
        for row in try Row.fetchAll(
            cached: db,
            sql:
                "SELECT tender, COUNT(*) AS count, SUM(amount) AS net FROM payment WHERE drawerSession = ? GROUP BY tender",
            arguments: [id]
        ) {
            tenders.append(
                DrawerReport.TenderTotal(
                    // safe: the schema's CHECK constraint admits only these values
                    tender: Tender(rawValue: row["tender"])!,
                    count: row["count"],
                    net: Money(minorUnits: row["net"])
                )
            )
        }
        // safe: every case is in allCases
        tenders.sort { Tender.allCases.firstIndex(of: $0.tender)! < Tender.allCases.firstIndex(of: $1.tender)! }
        for row in try Row.fetchAll(
            cached: db,
            sql:
                "SELECT cardTerminal, SUM(amount) AS net FROM payment WHERE drawerSession = ? AND cardTerminal IS NOT NULL GROUP BY cardTerminal",
            arguments: [id]
        ) {
            cards[row["cardTerminal"]] = Money(minorUnits: row["net"])
        }
        let slipsJSON: String? = row["cardSlips"]
        let slips = try slipsJSON.map { try CanonicalJSON.decode([String: Money].self, $0) } ?? [:]
        let cardBatches = Set(cards.keys).union(slips.keys).sorted().map {
            DrawerReport.CardBatch(terminal: $0, recorded: cards[$0] ?? .zero, slip: slips[$0])
        }
        let checksJSON: String? = row["checksCounted"]
        let drawer: String = row["drawer"]
        let openedAt: Int64 = row["openedAt"]
        let previous = try Int64.fetchOne(
            cached: db,
            sql:
                "SELECT id FROM drawerSession WHERE drawer = ? AND state = 'closed' AND id < ? ORDER BY id DESC LIMIT 1",
            arguments: [drawer, id]
        )
        var later: [DrawerEvent] = []
        for event in try Row.fetchAll(
            cached: db,
            sql: "SELECT session FROM drawerEvent WHERE correctsSession = ? ORDER BY session, sequence",
            arguments: [id]
        ) {
            later += try drawerEvents(event["session"], db).filter { $0.correctsSession == id }
        }
        let zNumber: Int? = row["zNumber"]
        var report = DrawerReport(
            kind: state == .closed ? .z : .x,
            clinic: clinic.clinicName,
            drawer: drawer,
            session: id,
            zNumber: zNumber,
            state: state,
            openedBy: row["openedBy"],
            openedAt: openedAt,
            closedBy: row["closedBy"],
            closedAt: row["closedAt"],
            openingCount: events.first { $0.kind == .open }?.count ?? CashCount(),
            // A closed session always has its split; no rows of a part means nothing in it (not "unknown").
            previousFloat: try previous.map { try split($0, part: "keep", db) ?? CashCount() },
            events: events,
            // Cash taken is the missing term of expected cash: a blind reader does not get it either.
            tenders: mayShow ? tenders : tenders.filter { $0.tender != .cash },
            figures: mayShow
                ? DrawerLedger.figures(events: events, payments: payments, denominations: denominations) : nil,
            counts: mayShow
                ? DrawerLedger.countResults(events: events, payments: payments, denominations: denominations) : nil,
            expectedChecks: DrawerLedger.expectedChecks(payments),
            checksCounted: try checksJSON.map { try CanonicalJSON.decode([String].self, $0) },
            cardBatches: cardBatches,
            floatKept: state == .closed ? try split(id, part: "keep", db) ?? CashCount() : nil,
            deposit: state == .closed ? try split(id, part: "deposit", db) ?? CashCount() : nil,
            closeNote: row["closeNote"],
            approvedBy: row["approvedBy"],
            laterAdjustments: Array(Set(later)).sorted { $0.atMillis < $1.atMillis },
            denominations: denominations
        )
        // The Z report carries the journal's head at the close: its entry, so every reprint shows the same head.
        if state == .closed,
            let head = try Row.fetchOne(
                cached: db,
                sql: "SELECT sequence, hash FROM journal WHERE kind = 'drawer.closed' AND subject = ? LIMIT 1",
                arguments: ["drawer session \(id)"]
            )
        {
            report.journalHead = JournalHead(sequence: head["sequence"], hash: head["hash"])
        }
        return report
    }
}
