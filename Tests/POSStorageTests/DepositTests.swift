import Foundation
import GRDB
import POSCore
import POSReports
import POSStorage
import POSTestSupport
import Testing

extension StoreFixture {
    /// A check with its own number and payer.
    func check(_ amount: Money, number: String, payer: String, bank: String = "First Bank") -> PaymentInput {
        PaymentInput(
            tender: .check,
            amount: amount,
            check: CheckDetails(number: number, bank: bank, payer: payer, idNumber: "DL-\(number)")
        )
    }

    /// Counts the terminal's drawer at exactly what the manager's X report expects, with these checks found in it, and
    /// has `verifier` close it (reduce to float as proposed).
    @discardableResult
    func closeEven(checks: [String], counter: Operator, verifier: Operator) async throws -> DrawerReport {
        let expected = try #require(try await xReport(mgr).figures).expectedCash
        let result = try await closeCount(DrawerTests.count(of: expected), checks: checks, by: counter)
        #expect(result.result.overShort == .zero)
        return try await closeDrawer(by: verifier)
    }

    func prepareDeposit(
        _ sessions: [Int64]? = nil,
        note: String? = nil,
        by clerk: Operator? = nil
    ) async throws -> DepositSlip {
        try await store.prepareDeposit(sessions: sessions, note: note, commandID: id("deposit"), by: clerk ?? mgr)
    }
}

/// Bank deposits from closed drawers: what goes in, the slip's totals, and what the database refuses.
@Suite struct DepositTests {
    /// A day at FRONT-1: cash with change, three checks (one voided before the close, one not found at the close), a
    /// card, and a check number at the close that no payment took.
    static func dayWithChecks(_ f: StoreFixture) async throws -> (z: DrawerReport, sales: [InvoiceView]) {
        f.clock.advance(minutes: 10)
        let cash = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("100.00"))])
        let jane = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.check(.dollars("62.00"), number: "2001", payer: "Jane Doe")]
        )
        let john = try await f.checkout(
            "OWNER",
            [f.line("MIA", "RECHECK")],
            payments: [f.check(.dollars("38.50"), number: "2002", payer: "John Roe", bank: "Second Bank")]
        )
        let voided = try await f.checkout(
            "OWNER",
            [f.line("MIA", "RABIES")],
            payments: [f.check(.dollars("24.99"), number: "2003", payer: "Val Void")]
        )
        _ = try await f.store.void(
            VoidRequest(id: f.id(), invoice: voided.number, reason: "Rung up twice"),
            by: f.mgr
        )
        let card = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.card(.credit, .dollars("62.00"))]
        )
        f.clock.set(StoreFixture.millis(hour: 18))
        // 2002 is not in the drawer; 9999 is, without a payment.
        let z = try await f.closeEven(checks: ["2001", "9999"], counter: f.csr, verifier: f.csr2)
        return (z, [cash, jane, john, voided, card])
    }

    @Test func aDepositTiesToTheClosedSessionsSplitAndItsCountedChecks() async throws {
        let f = try await StoreFixture.make()
        let (z, sales) = try await Self.dayWithChecks(f)
        let split = try #require(z.deposit)
        #expect(split.total(Denomination.usd).isPositive)
        #expect(try await f.store.depositDay(f.today, viewer: f.mgr).awaiting.map(\.session) == [z.session])

        f.clock.advance(minutes: 10)
        let deposit = try await f.prepareDeposit(note: "Bag 7781")
        #expect(deposit.id == "D-20250304-01")
        #expect(deposit.businessDate == StoreFixture.firstDay)
        #expect(deposit.preparedBy == "MGR" && deposit.terminal == f.mgr.terminal && deposit.note == "Bag 7781")
        #expect(deposit.clinic == TestClinic.policy.clinicName)
        // Cash: exactly the session's 'deposit' split, by denomination, valued by the clinic's denominations.
        #expect(deposit.cashCount == split)
        #expect(deposit.cashTotal == split.total(Denomination.usd))
        for line in deposit.cash {
            let unit = try #require(Denomination.usd.first { $0.code == line.denomination })
            #expect(line.amount.minorUnits == unit.value.minorUnits * line.quantity)
            #expect(line.name == unit.name && line.form == unit.form)
        }
        #expect(deposit.cash.map(\.denomination) == Denomination.usd.map(\.code).filter { split[$0] != 0 })
        // Checks: only the one counted at the close and not voided, itemized.
        let jane = sales[1]
        let check = try #require(deposit.checks.first)
        #expect(deposit.checks.count == 1)
        #expect(check.payment == jane.payments[0].number && check.invoice == jane.number)
        #expect(check.session == z.session)
        #expect(check.number == "2001" && check.payer == "Jane Doe" && check.bank == "First Bank")
        #expect(check.amount == .dollars("62.00"))
        #expect(deposit.checkTotal == .dollars("62.00"))
        #expect(deposit.total == deposit.cashTotal + deposit.checkTotal)
        #expect(deposit.total == split.total(Denomination.usd) + .dollars("62.00"))
        let session = try #require(deposit.sessions.first)
        #expect(deposit.sessions.count == 1)
        #expect(session.id == z.session && session.drawer == "FRONT-1" && session.zNumber == 1)
        #expect(session.closedAt == z.closedAt && session.closedBy == "CSR2")
        #expect(session.cash == split.total(Denomination.usd) && session.checks == 1)
        // Exceptions: the check not found at the close, and the one found without a payment; the voided one was
        // handed back before the close and is nobody's business.
        #expect(deposit.exceptions.map(\.kind) == [.missing, .unexpected])
        #expect(deposit.exceptions.map(\.checkNumber) == ["2002", "9999"])
        #expect(deposit.exceptions[0].check?.payer == "John Roe")
        #expect(deposit.exceptions[0].check?.amount == .dollars("38.50"))
        #expect(deposit.exceptions[0].check?.invoice == sales[2].number)
        #expect(deposit.exceptions[1].check == nil)

        // Stored as returned, journaled, and the day shows it with nothing left waiting.
        #expect(try await f.store.deposit(id: deposit.id, viewer: f.book) == deposit)
        let day = try await f.store.depositDay(StoreFixture.firstDay, viewer: f.book)
        #expect(day.deposits == [deposit] && day.awaiting.isEmpty)
        let journal = try await f.store.verifyJournal()
        #expect(journal.problem == nil)
        let entry = try #require(try await f.store.journalEntries(limit: 1_000).last)
        #expect(entry.kind == "deposit.prepared" && entry.subject == "deposit D-20250304-01")
        #expect(entry.payload.contains("\"checks\":[\(jane.payments[0].number)]"))
        #expect(try await f.count("depositSession") == 1)
        #expect(try await f.count("depositCheck") == 1)
        #expect(try await f.count("deposit", where: "status = 'recorded'") == 1)
    }

    /// Two drawers closed, one deposit: the cash is the sum of both splits, denomination by denomination.
    @Test func oneDepositEmptiesSeveralDrawers() async throws {
        let f = try await StoreFixture.make()
        let front2 = try await f.signIn("CSR2", at: "FRONT-2")
        let mgr2 = try await f.signIn("MGR", at: "FRONT-2")
        _ = try await f.store.openDrawer(count: f.drawerCount("20x5,5x10,1x20"), commandID: f.id(), by: front2)
        _ = try await f.checkout("OWNER", [f.line("REX", "DENTAL")], payments: [f.cash(.dollars("400.00"))])
        _ = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.check(.dollars("62.00"), number: "501", payer: "Olive Owner")],
            by: front2
        )
        _ = try await f.checkout("OWNER", [f.line("MIA", "EXAM")], payments: [f.cash(.dollars("80.00"))], by: front2)
        let z1 = try await f.closeEven(checks: [], counter: f.csr, verifier: f.csr2)
        let expected2 = try #require(try await f.xReport(mgr2).figures).expectedCash
        _ = try await f.store.countDrawerForClose(
            count: DrawerTests.count(of: expected2),
            checks: ["501"],
            cardSlips: [:],
            commandID: f.id(),
            by: front2
        )
        let z2 = try await f.store.closeDrawer(keep: nil, note: nil, approval: nil, commandID: f.id(), by: mgr2)
        #expect(
            try await f.store.depositDay(f.today, viewer: f.mgr).awaiting.map(\.session) == [z1.session, z2.session]
        )

        let deposit = try await f.prepareDeposit(by: f.mgr)
        let both = try #require(z1.deposit) + (try #require(z2.deposit))
        #expect(deposit.cashCount == both)
        #expect(deposit.cashTotal == both.total(Denomination.usd))
        #expect(deposit.sessions.map(\.id) == [z1.session, z2.session])
        #expect(deposit.sessions.map(\.drawer) == ["FRONT-1", "FRONT-2"])
        #expect(deposit.sessions.map(\.cash).sum() == deposit.cashTotal)
        #expect(deposit.sessions.map(\.checks) == [0, 1])
        #expect(deposit.checks.map(\.number) == ["501"])
        #expect(deposit.exceptions.isEmpty)
        #expect(deposit.total == deposit.cashTotal + .dollars("62.00"))
        #expect(try await f.store.depositDay(f.today, viewer: f.mgr).awaiting.isEmpty)

        // FRONT-1 again the same day: the next deposit of the day is number 02.
        _ = try await f.store.openDrawer(count: try #require(z1.floatKept), commandID: f.id(), by: f.csr)
        _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        let z3 = try await f.closeEven(checks: [], counter: f.csr, verifier: f.csr2)
        let second = try await f.prepareDeposit([z3.session])
        #expect(second.id == "D-20250304-02")
        #expect(second.cashCount == z3.deposit)
        let day = try await f.store.depositDay(f.today, viewer: f.mgr)
        #expect(day.deposits.map(\.id) == ["D-20250304-01", "D-20250304-02"])
    }

    @Test func aSessionIsDepositedOnceAndOnlyOnceClosed() async throws {
        let f = try await StoreFixture.make()
        let (z, _) = try await Self.dayWithChecks(f)
        // The next session is open: it cannot go to the bank yet.
        _ = try await f.store.openDrawer(count: try #require(z.floatKept), commandID: f.id(), by: f.csr)
        let open = try await f.xReport(f.mgr).session
        let notClosed = try await f.refusal { _ = try await f.prepareDeposit([open]) }
        expectConflict(notClosed, "session \(open)", "not closed yet", "still open")
        let mixed = try await f.refusal { _ = try await f.prepareDeposit([z.session, open]) }
        expectConflict(mixed, "session \(open)", "not closed yet")
        let unknown = try await f.refusal { _ = try await f.prepareDeposit([999]) }
        #expect(unknown == .notFound(what: "drawer session", id: "999"))
        let twice = try await f.refusal { _ = try await f.prepareDeposit([z.session, z.session]) }
        expectInvalid(twice, field: "sessions", reason: "named twice")
        let none = try await f.refusal { _ = try await f.prepareDeposit([]) }
        expectInvalid(none, field: "sessions", reason: "at least one")
        let tech = try await f.refusal { _ = try await f.prepareDeposit(by: f.tech) }
        #expect(tech == .notPermitted(employee: "TECH", role: .technician, action: Permission.prepareDeposits.rawValue))
        let badNote = try await f.refusal { _ = try await f.prepareDeposit(note: "bag\u{7}") }
        expectInvalid(badNote, field: "note", reason: "control characters")

        let deposit = try await f.prepareDeposit([z.session])
        let again = try await f.refusal { _ = try await f.prepareDeposit([z.session]) }
        expectConflict(again, "session \(z.session)", "already in deposit \(deposit.id)")
        let all = try await f.refusal { _ = try await f.prepareDeposit() }
        expectConflict(all, "no closed drawer session is waiting for a deposit")
        let reader = try await f.refusal { _ = try await f.store.deposit(id: deposit.id, viewer: f.tech) }
        #expect(reader == .notPermitted(employee: "TECH", role: .technician, action: "see deposits"))
        let missing = try await f.refusal { _ = try await f.store.deposit(id: "D-20250304-09", viewer: f.mgr) }
        #expect(missing == .notFound(what: "deposit", id: "D-20250304-09"))
    }

    /// A session closed one evening and deposited the next morning waits, in the first day's report, and is in the
    /// second's deposit; a day's report does not see sessions closed after it.
    @Test func aSessionWaitsUntilTheDayItIsDeposited() async throws {
        let f = try await StoreFixture.make()
        let (z, _) = try await Self.dayWithChecks(f)
        let nextDay = StoreFixture.firstDay.adding(days: 1)
        f.clock.set(StoreFixture.millis(nextDay, hour: 9))
        _ = try await f.store.openDrawer(count: try #require(z.floatKept), commandID: f.id(), by: f.csr)
        _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        let deposit = try await f.prepareDeposit()
        #expect(deposit.id == "D-20250305-01" && deposit.sessions.map(\.id) == [z.session])
        let evening = try await f.closeEven(checks: [], counter: f.csr, verifier: f.csr2)

        let first = try await f.store.depositDay(StoreFixture.firstDay, viewer: f.mgr)
        #expect(first.deposits.isEmpty)
        #expect(first.awaiting.map(\.session) == [z.session])
        let waiting = try #require(first.awaiting.first)
        #expect(waiting.closedOn == StoreFixture.firstDay && waiting.closedAt == z.closedAt)
        #expect(waiting.cash == deposit.cashTotal && waiting.checks == deposit.checkTotal)
        #expect(waiting.drawer == "FRONT-1" && waiting.zNumber == 1)
        let second = try await f.store.depositDay(nextDay, viewer: f.mgr)
        #expect(second.deposits == [deposit])
        #expect(second.awaiting.map(\.session) == [evening.session])
        #expect(try await f.store.depositDay(StoreFixture.firstDay.adding(days: -1), viewer: f.mgr).awaiting.isEmpty)
    }

    /// A session whose reduce-to-float kept everything has nothing for the bank: not offered, and refused alone.
    @Test func aSessionWithNothingForTheBankIsNotADeposit() async throws {
        let f = try await StoreFixture.make()
        _ = try await f.closeCount(StoreFixture.openingFloat, by: f.csr)
        let z = try await f.closeDrawer(keep: StoreFixture.openingFloat, by: f.csr2)
        #expect(z.deposit == CashCount())
        #expect(try await f.store.depositDay(f.today, viewer: f.mgr).awaiting.isEmpty)
        let alone = try await f.refusal { _ = try await f.prepareDeposit([z.session]) }
        expectConflict(alone, "nothing to deposit", "session \(z.session)")
        let all = try await f.refusal { _ = try await f.prepareDeposit() }
        expectConflict(all, "no closed drawer session is waiting")
    }

    @Test func aDepositIsIdempotentByCommandID() async throws {
        let f = try await StoreFixture.make()
        let (z, _) = try await Self.dayWithChecks(f)
        let id = f.id("deposit")
        let first = try await f.store.prepareDeposit(sessions: [z.session], commandID: id, by: f.mgr)
        let before = try await f.snapshot()
        f.clock.advance(minutes: 30)
        let replay = try await f.store.prepareDeposit(sessions: [z.session], commandID: id, by: f.mgr)
        #expect(replay == first)
        try await f.expectUnchanged(since: before, "a replayed deposit changed the database")
        let different = try await f.refusal {
            _ = try await f.store.prepareDeposit(sessions: [z.session], note: "other", commandID: id, by: f.mgr)
        }
        expectConflict(different, "command id \(id) was already used for a different request")
    }

    /// A check voided after the close it was counted at is handed back, not deposited; one voided after its deposit is
    /// flagged on the slip.
    @Test func checksVoidedAfterTheCloseAreExceptions() async throws {
        let f = try await StoreFixture.make()
        let early = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.check(.dollars("62.00"), number: "3001", payer: "Early Bird")]
        )
        let late = try await f.checkout(
            "OWNER",
            [f.line("MIA", "EXAM")],
            payments: [f.check(.dollars("62.00"), number: "3002", payer: "Late Comer")]
        )
        let z = try await f.closeEven(checks: ["3001", "3002"], counter: f.csr, verifier: f.csr2)
        // The same day, in the next session, the manager voids the early sale: its check comes out of the bag.
        _ = try await f.store.openDrawer(count: try #require(z.floatKept), commandID: f.id(), by: f.csr)
        _ = try await f.store.void(VoidRequest(id: f.id(), invoice: early.number, reason: "Wrong client"), by: f.mgr)
        let deposit = try await f.prepareDeposit([z.session])
        #expect(deposit.checks.map(\.number) == ["3002"])
        #expect(deposit.exceptions.map(\.kind) == [.voided])
        #expect(deposit.exceptions.map(\.checkNumber) == ["3001"])
        // Then the late sale is voided too, after its check went to the bank: the slip says so.
        _ = try await f.store.void(VoidRequest(id: f.id(), invoice: late.number, reason: "Wrong client"), by: f.mgr)
        let after = try await f.store.deposit(id: deposit.id, viewer: f.mgr)
        #expect(after.checks == deposit.checks && after.total == deposit.total)
        #expect(after.exceptions.map(\.kind) == [.voided, .voidedAfterDeposit])
        #expect(after.exceptions.map(\.checkNumber) == ["3001", "3002"])
    }

    // MARK: - The database

    @Test func theDatabaseRefusesChangesToARecordedDeposit() async throws {
        let f = try await StoreFixture.make()
        let (z, sales) = try await Self.dayWithChecks(f)
        let deposit = try await f.prepareDeposit([z.session])
        let id = deposit.id
        let jane = sales[1].payments[0].number
        let john = sales[2].payments[0].number
        let immutable = "recorded deposits are immutable"
        let statements: [(sql: String, refusal: [String])] = [
            ("UPDATE deposit SET note = 'edited' WHERE id = '\(id)'", [immutable]),
            ("UPDATE deposit SET status = 'preparing' WHERE id = '\(id)'", [immutable]),
            ("UPDATE deposit SET cashTotal = cashTotal + 100, total = total + 100", [immutable]),
            ("DELETE FROM deposit WHERE id = '\(id)'", ["deposits are never deleted"]),
            ("UPDATE depositCash SET quantity = quantity + 1", ["depositCash rows are append-only"]),
            ("DELETE FROM depositCash", ["depositCash rows are append-only"]),
            ("UPDATE depositCheck SET amount = 1", ["depositCheck rows are append-only"]),
            ("DELETE FROM depositCheck", ["depositCheck rows are append-only"]),
            ("DELETE FROM depositSession", ["depositSession rows are append-only"]),
            ("UPDATE depositSession SET deposit = 'D-20250304-02'", ["depositSession rows are append-only"]),
            (
                "INSERT INTO depositCash (deposit, denomination, quantity, amount) VALUES ('\(id)', '50', 1, 5000)",
                [immutable]
            ),
            (
                "INSERT INTO depositCheck (payment, deposit, amount) VALUES (\(john), '\(id)', 3850)",
                [immutable, "a deposited check must be"]
            ),
            (
                """
                INSERT INTO deposit (id, businessDate, sequence, status, preparedBy, terminal, preparedAt, cashTotal,
                    checkTotal, total) VALUES ('D-20250304-02', '2025-03-04', 2, 'preparing', 'MGR', 'X', 0, 100, 0, 100);
                INSERT INTO depositSession (session, deposit) VALUES (\(z.session), 'D-20250304-02')
                """,
                ["UNIQUE constraint failed: depositSession.session"]
            ),
            (
                """
                INSERT INTO deposit (id, businessDate, sequence, status, preparedBy, terminal, preparedAt, cashTotal,
                    checkTotal, total) VALUES ('D-20250304-02', '2025-03-04', 2, 'preparing', 'MGR', 'X', 0, 6200, 0, 6200);
                INSERT INTO depositCheck (payment, deposit, amount) VALUES (\(jane), 'D-20250304-02', 6200)
                """,
                ["UNIQUE constraint failed: depositCheck.payment", "a deposited check must be"]
            ),
            (
                """
                INSERT INTO deposit (id, businessDate, sequence, status, preparedBy, terminal, preparedAt, cashTotal,
                    checkTotal, total) VALUES ('D-20250304-2', '2025-03-04', 2, 'preparing', 'MGR', 'X', 0, 100, 0, 100)
                """,
                ["CHECK constraint failed"]
            ),
            (
                """
                INSERT INTO deposit (id, businessDate, sequence, status, preparedBy, terminal, preparedAt, cashTotal,
                    checkTotal, total) VALUES ('D-20250304-02', '2025-03-04', 2, 'recorded', 'MGR', 'X', 0, 100, 0, 100)
                """,
                ["a deposit is recorded only after its lines are written"]
            ),
        ]
        let raw = try f.rawConnection()
        let before = try await f.snapshot()
        for statement in statements {
            let error = await #expect(throws: DatabaseError.self, "\(statement.sql)") {
                try await raw.write { db in try db.execute(sql: statement.sql) }
            }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT, "\(statement.sql)")
            #expect(
                statement.refusal.contains { error?.message?.contains($0) == true },
                "\(statement.sql): \(String(describing: error?.message))"
            )
            try await f.expectUnchanged(since: before, statement.sql)
        }
        #expect(try await f.store.deposit(id: id, viewer: f.mgr) == deposit)
    }

    /// Whatever program writes the rows, a deposit is recorded only if it takes closed sessions, their exact split, and
    /// checks counted at their close.
    @Test func theDatabaseRecordsOnlyADepositThatTiesOut() async throws {
        let f = try await StoreFixture.make()
        let (z, sales) = try await Self.dayWithChecks(f)
        let split = try #require(z.deposit)
        let (code, quantity) = try #require(split.quantities.sorted { $0.key < $1.key }.first)
        let value = try #require(Denomination.usd.first { $0.code == code }).value.minorUnits * quantity
        _ = try await f.store.openDrawer(count: try #require(z.floatKept), commandID: f.id(), by: f.csr)
        let open = try await f.xReport(f.mgr).session
        func header(cash: Int64, checks: Int64 = 0) -> String {
            """
            INSERT INTO deposit (id, businessDate, sequence, status, preparedBy, terminal, preparedAt, cashTotal,
                checkTotal, total)
            VALUES ('D-20250304-01', '2025-03-04', 1, 'preparing', 'MGR', 'X', 0, \(cash), \(checks), \(cash + checks));
            """
        }
        let session = "INSERT INTO depositSession (session, deposit) VALUES (\(z.session), 'D-20250304-01');"
        let record = "UPDATE deposit SET status = 'recorded' WHERE id = 'D-20250304-01';"
        let statements: [(sql: String, refusal: String)] = [
            (
                header(cash: 100) + "INSERT INTO depositSession (session, deposit) VALUES (\(open), 'D-20250304-01');",
                "only closed drawer sessions are deposited"
            ),
            (header(cash: 100) + record, "a deposit empties at least one closed drawer session"),
            (
                header(cash: value) + session
                    + "INSERT INTO depositCash VALUES ('D-20250304-01', '\(code)', \(quantity + 1), \(value));"
                    + record,
                "deposit cash does not match the deposit splits of its drawer sessions"
            ),
            (
                header(cash: value + 1) + session
                    + "INSERT INTO depositCash VALUES ('D-20250304-01', '\(code)', \(quantity), \(value));" + record,
                "deposit totals do not match its lines"
            ),
            (
                header(cash: 0, checks: 3850) + session
                    + "INSERT INTO depositCheck VALUES (\(sales[2].payments[0].number), 'D-20250304-01', 3850);",
                "a deposited check must be a check payment counted at the close of a session of its deposit"
            ),
            (
                header(cash: 0, checks: 2499) + session
                    + "INSERT INTO depositCheck VALUES (\(sales[3].payments[0].number), 'D-20250304-01', 2499);",
                "a deposited check must be a check payment counted at the close of a session of its deposit"
            ),
            (
                header(cash: 100) + session + "UPDATE deposit SET note = 'x' WHERE id = 'D-20250304-01';",
                "a deposit being prepared can only be recorded"
            ),
        ]
        let raw = try f.rawConnection()
        let before = try await f.snapshot()
        for statement in statements {
            let error = await #expect(throws: DatabaseError.self, "\(statement.sql)") {
                try await raw.write { db in try db.execute(sql: statement.sql) }
            }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT, "\(statement.sql)")
            #expect(
                error?.message?.contains(statement.refusal) == true,
                "\(statement.sql): \(String(describing: error?.message))"
            )
            try await f.expectUnchanged(since: before, statement.sql)
        }
        // The same rows, tied out, are accepted: the triggers refuse only what does not tie.
        let lines = split.quantities.sorted { $0.key < $1.key }.map { code, quantity in
            let unit = Denomination.usd.first { $0.code == code }!.value.minorUnits
            return "INSERT INTO depositCash VALUES ('D-20250304-01', '\(code)', \(quantity), \(unit * quantity));"
        }
        let total = split.total(Denomination.usd).minorUnits
        let tiedOut =
            header(cash: total, checks: 6200) + session + lines.joined()
            + "INSERT INTO depositCheck VALUES (\(sales[1].payments[0].number), 'D-20250304-01', 6200);" + record
        try await raw.write { db in try db.execute(sql: tiedOut) }
        #expect(try await f.store.deposit(id: "D-20250304-01", viewer: f.mgr).total.minorUnits == total + 6200)
    }
}
