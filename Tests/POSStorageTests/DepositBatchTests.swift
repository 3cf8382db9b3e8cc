import Foundation
import GRDB
import POSCore
import POSReports
import POSStorage
import POSTestSupport
import Testing

extension StoreFixture {
    /// A card payment on a given card terminal.
    func card(
        _ tender: Tender,
        _ amount: Money,
        brand: CardBrand,
        terminal: String,
        last4: String = "4242",
        auth: String = "AB12CD"
    ) -> PaymentInput {
        PaymentInput(
            tender: tender,
            amount: amount,
            card: CardDetails(brand: brand, last4: last4, authCode: auth, terminalId: terminal)
        )
    }

    func closeBatch(
        _ terminal: String,
        reference: String? = nil,
        reportedNet: Money? = nil,
        by clerk: Operator? = nil
    ) async throws -> CardBatch {
        try await store.closeCardBatch(
            terminal: terminal,
            reference: reference,
            reportedNet: reportedNet,
            commandID: id("batch"),
            by: clerk ?? mgr
        )
    }

    /// Every card payment, refund and reversal is in at most one batch (the primary key) and, when `all`, in one.
    func expectEveryCardPaymentInOneBatch(all: Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let raw = try rawConnection(readonly: true)
        let (cards, batched, outside, foreign) = try await raw.read { db in
            (
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM payment WHERE tender IN ('credit', 'debit', 'careCredit')"
                )!,
                try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT payment) FROM cardBatchPayment")!,
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM payment p WHERE tender IN ('credit', 'debit', 'careCredit')
                          AND NOT EXISTS (SELECT 1 FROM cardBatchPayment b WHERE b.payment = p.number)
                        """
                )!,
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM cardBatchPayment b JOIN payment p ON p.number = b.payment
                        JOIN cardBatch c ON c.id = b.batch
                        WHERE p.tender NOT IN ('credit', 'debit', 'careCredit') OR p.cardTerminal <> c.terminal
                        """
                )!
            )
        }
        #expect(foreign == 0, "a batch holds a payment of another tender or terminal", sourceLocation: sourceLocation)
        #expect(batched + outside == cards, sourceLocation: sourceLocation)
        if all { #expect(outside == 0, "card payments outside any batch", sourceLocation: sourceLocation) }
    }
}

/// Checks a batch's totals against its own payments.
func expectTotalsTie(_ batch: CardBatch, sourceLocation: SourceLocation = #_sourceLocation) {
    let sales = batch.payments.filter { $0.kind == .payment }.map(\.amount).sum()
    let refunds = batch.payments.filter { $0.kind != .payment }.map(\.amount).sum()
    #expect(batch.count == batch.payments.count, "\(batch.id)", sourceLocation: sourceLocation)
    #expect(batch.sales == sales, "\(batch.id)", sourceLocation: sourceLocation)
    #expect(batch.refunds == refunds, "\(batch.id)", sourceLocation: sourceLocation)
    #expect(batch.net == batch.payments.map(\.amount).sum(), "\(batch.id)", sourceLocation: sourceLocation)
    #expect(batch.brands.map(\.count).reduce(0, +) == batch.count, "\(batch.id)", sourceLocation: sourceLocation)
    #expect(batch.brands.map(\.sales).sum() == batch.sales, "\(batch.id)", sourceLocation: sourceLocation)
    #expect(batch.brands.map(\.refunds).sum() == batch.refunds, "\(batch.id)", sourceLocation: sourceLocation)
    for brand in batch.brands {
        let mine = batch.payments.filter { $0.tender == brand.tender && $0.brand == brand.brand }
        #expect(brand.count == mine.count, "\(batch.id) \(brand)", sourceLocation: sourceLocation)
        #expect(brand.net == mine.map(\.amount).sum(), "\(batch.id) \(brand)", sourceLocation: sourceLocation)
    }
    #expect(
        batch.payments.allSatisfy { $0.terminal == batch.terminal },
        sourceLocation: sourceLocation
    )
    #expect(batch.payments.allSatisfy { $0.tender.isCard }, sourceLocation: sourceLocation)
}

/// Card terminal batches: which payments go in, their totals, and what the database refuses.
@Suite struct DepositBatchTests {
    @Test func aTerminalBatchHoldsItsOpenCardPaymentsOnce() async throws {
        let f = try await StoreFixture.make()
        let visa = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.card(.credit, .dollars("62.00"), brand: .visa, terminal: "PAX-1", auth: "V00001")]
        )
        let master = try await f.checkout(
            "OWNER",
            [f.line("MIA", "RABIES")],
            payments: [f.card(.debit, .dollars("24.99"), brand: .mastercard, terminal: "PAX-1", last4: "5100")]
        )
        let dental = try await f.checkout(
            "OWNER",
            [f.line("REX", "DENTAL")],
            payments: [f.card(.careCredit, .dollars("389.00"), brand: .careCredit, terminal: "PAX-1", last4: "7001")]
        )
        let other = try await f.checkout(
            "OWNER",
            [f.line("MIA", "RECHECK")],
            payments: [f.card(.credit, .dollars("38.50"), brand: .amex, terminal: "PAX-2", last4: "3005")]
        )
        let voided = try await f.checkout(
            "OWNER",
            [f.line("MIA", "EXAM")],
            payments: [f.card(.credit, .dollars("62.00"), brand: .discover, terminal: "PAX-2", last4: "6011")]
        )
        _ = try await f.checkout("OWNER", [f.line("REX", "RECHECK")], payments: [f.cash(.dollars("40.00"))])
        _ = try await f.store.void(VoidRequest(id: f.id(), invoice: voided.number, reason: "Duplicate"), by: f.mgr)
        _ = try await f.store.refund(
            RefundRequest(
                id: f.id(),
                payment: visa.payments[0].number,
                amount: .dollars("10.00"),
                reason: "Price match"
            ),
            by: f.csr
        )
        try await f.expectEveryCardPaymentInOneBatch(all: false)

        f.clock.set(StoreFixture.millis(hour: 18))
        let pax1 = try await f.closeBatch("PAX-1", reference: "0314", reportedNet: .dollars("465.99"))
        #expect(pax1.id == "PAX-1-20250304-01" && pax1.sequence == 1 && pax1.businessDate == StoreFixture.firstDay)
        #expect(pax1.terminal == "PAX-1" && pax1.closedBy == "MGR")
        #expect(pax1.closedAt == StoreFixture.millis(hour: 18))
        #expect(pax1.reference == "0314" && pax1.reportedNet == .dollars("465.99"))
        #expect(pax1.payments.map(\.kind) == [.payment, .payment, .payment, .refund])
        #expect(
            pax1.payments.map(\.number).dropLast()
                == [visa.payments[0].number, master.payments[0].number, dental.payments[0].number]
        )
        #expect(pax1.count == 4)
        #expect(
            pax1.sales == .dollars("475.99") && pax1.refunds == .dollars("-10.00") && pax1.net == .dollars("465.99")
        )
        #expect(pax1.brands.map(\.tender) == [.credit, .debit, .careCredit])
        #expect(pax1.brands.map(\.brand) == [.visa, .mastercard, .careCredit])
        #expect(pax1.brands.map(\.net) == [.dollars("52.00"), .dollars("24.99"), .dollars("389.00")])
        #expect(pax1.payments.last?.reverses == visa.payments[0].number && pax1.payments.last?.authCode == "V00001")
        expectTotalsTie(pax1)

        // Every other terminal at once: PAX-2's sale, and the voided one with its reversal.
        let rest = try await f.store.closeCardBatches(commandID: f.id(), by: f.mgr)
        #expect(rest.map(\.id) == ["PAX-2-20250304-01"])
        let pax2 = try #require(rest.first)
        #expect(pax2.payments.map(\.kind) == [.payment, .payment, .reversal])
        #expect(pax2.payments.map(\.number).prefix(2) == [other.payments[0].number, voided.payments[0].number])
        #expect(pax2.payments.last?.reverses == voided.payments[0].number)
        #expect(pax2.net == .dollars("38.50") && pax2.sales == .dollars("100.50") && pax2.refunds == .dollars("-62.00"))
        expectTotalsTie(pax2)
        try await f.expectEveryCardPaymentInOneBatch(all: true)
        #expect(try await f.store.closeCardBatches(commandID: f.id(), by: f.mgr).isEmpty)

        let day = try await f.store.cardBatchDay(StoreFixture.firstDay, viewer: f.book)
        #expect(day.batches == [pax1, pax2])
        #expect(day.open.isEmpty)
        #expect(day.systemCount == 7 && day.reconciliation.systemOpen == .zero)
        #expect(day.systemNet == pax1.net + pax2.net)
        #expect(try await f.store.cardBatch(id: pax1.id, viewer: f.book) == pax1)
        let journal = try await f.store.journalEntries(limit: 1_000).filter { $0.kind == "cardBatch.closed" }
        #expect(journal.map(\.subject) == ["card batch PAX-1-20250304-01", "card batch PAX-2-20250304-01"])
        #expect(try await f.store.verifyJournal().problem == nil)

        // A refund after the close goes into the terminal's next batch: the same day, number 02.
        f.clock.advance(minutes: 10)
        let late = try await f.store.refund(
            RefundRequest(
                id: f.id(),
                payment: master.payments[0].number,
                amount: .dollars("4.99"),
                reason: "Overcharge"
            ),
            by: f.csr
        )
        let lateRefund = try #require(late.payments.last)
        let open = try await f.store.cardBatchDay(StoreFixture.firstDay, viewer: f.mgr)
        #expect(open.open.flatMap(\.payments).map(\.number) == [lateRefund.number])
        #expect(!open.batches.flatMap(\.payments).contains { $0.number == lateRefund.number })
        let second = try await f.closeBatch("PAX-1")
        #expect(second.id == "PAX-1-20250304-02")
        #expect(second.payments.map(\.number) == [lateRefund.number])
        #expect(second.sales == .zero && second.net == .dollars("-4.99") && second.count == 1)
        expectTotalsTie(second)
        try await f.expectEveryCardPaymentInOneBatch(all: true)
    }

    /// A batch closed the next day counts for that day; as of the day before, its payments were still open.
    @Test func aBatchBelongsToTheDayItIsClosedOn() async throws {
        let f = try await StoreFixture.make()
        let first = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.card(.credit, .dollars("62.00"), brand: .visa, terminal: "PAX-1")]
        )
        let nextDay = try #require(BusinessDate("2025-03-05"))
        f.clock.set(StoreFixture.millis(nextDay, hour: 9))
        let second = try await f.checkout(
            "OWNER",
            [f.line("MIA", "EXAM")],
            payments: [f.card(.credit, .dollars("62.00"), brand: .visa, terminal: "PAX-1")]
        )
        let batch = try await f.closeBatch("PAX-1")
        #expect(batch.id == "PAX-1-20250305-01" && batch.businessDate == nextDay)
        #expect(batch.payments.map(\.number) == [first.payments[0].number, second.payments[0].number])
        #expect(batch.payments.map(\.businessDate) == [StoreFixture.firstDay, nextDay])

        let before = try await f.store.cardBatchDay(StoreFixture.firstDay, viewer: f.mgr)
        #expect(before.batches.isEmpty)
        #expect(before.systemCount == 1 && before.reconciliation.systemInBatches == .zero)
        #expect(before.open.flatMap(\.payments).map(\.number) == [first.payments[0].number])
        let after = try await f.store.cardBatchDay(nextDay, viewer: f.mgr)
        #expect(after.batches == [batch] && after.open.isEmpty)
        #expect(after.systemCount == 1 && after.systemNet == second.payments[0].amount)
        #expect(after.reconciliation.systemOpen == .zero)
    }

    @Test func refusedClosesChangeNothing() async throws {
        let f = try await StoreFixture.make()
        _ = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.card(.credit, .dollars("62.00"), brand: .visa, terminal: "PAX-1")]
        )
        let nothing = try await f.refusal { _ = try await f.closeBatch("PAX-9") }
        expectConflict(nothing, "card terminal PAX-9 has no card payment outside a closed batch")
        let tech = try await f.refusal { _ = try await f.closeBatch("PAX-1", by: f.tech) }
        #expect(tech == .notPermitted(employee: "TECH", role: .technician, action: Permission.prepareDeposits.rawValue))
        let csr = try await f.refusal { _ = try await f.closeBatch("PAX-1", by: f.csr) }
        #expect(csr == .notPermitted(employee: "CSR", role: .csr, action: Permission.prepareDeposits.rawValue))
        let badTerminal = try await f.refusal { _ = try await f.closeBatch("PAX 1") }
        expectInvalid(badTerminal, field: "terminal", reason: "not a valid code")
        let badReference = try await f.refusal { _ = try await f.closeBatch("PAX-1", reference: "no/slash") }
        expectInvalid(badReference, field: "reference", reason: "not a valid code")
        let reader = try await f.refusal { _ = try await f.store.cardBatchDay(f.today, viewer: f.tech) }
        #expect(reader == .notPermitted(employee: "TECH", role: .technician, action: "see card batches"))

        let id = f.id("batch")
        let batch = try await f.store.closeCardBatch(terminal: "PAX-1", commandID: id, by: f.mgr)
        let before = try await f.snapshot()
        #expect(try await f.store.closeCardBatch(terminal: "PAX-1", commandID: id, by: f.mgr) == batch)
        try await f.expectUnchanged(since: before, "a replayed close changed the database")
        let different = try await f.refusal {
            _ = try await f.store.closeCardBatch(terminal: "PAX-1", reference: "77", commandID: id, by: f.mgr)
        }
        expectConflict(different, "already used for a different request")
        let again = try await f.refusal { _ = try await f.closeBatch("PAX-1") }
        expectConflict(again, "card terminal PAX-1 has no card payment outside a closed batch")
        let unknown = try await f.refusal { _ = try await f.store.cardBatch(id: "PAX-1-20250304-02", viewer: f.mgr) }
        #expect(unknown == .notFound(what: "card batch", id: "PAX-1-20250304-02"))
    }

    @Test func theDatabaseRefusesChangesToAClosedBatch() async throws {
        let f = try await StoreFixture.make()
        let sale = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.card(.credit, .dollars("62.00"), brand: .visa, terminal: "PAX-1")]
        )
        let cash = try await f.checkout("OWNER", [f.line("MIA", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        let other = try await f.checkout(
            "OWNER",
            [f.line("MIA", "RABIES")],
            payments: [f.card(.debit, .dollars("24.99"), brand: .visa, terminal: "PAX-2")]
        )
        let batch = try await f.closeBatch("PAX-1")
        let immutable = "closed card batches are immutable"
        func forged(
            _ id: String = "PAX-2-20250304-01",
            terminal: String = "PAX-2",
            sequence: Int = 1,
            sales: Int64 = 2499,
            status: String = "closing"
        ) -> String {
            """
            INSERT INTO cardBatch (id, terminal, businessDate, sequence, status, closedBy, station, closedAt, reference,
                reportedNet, paymentCount, sales, refunds, net)
            VALUES ('\(id)', '\(terminal)', '2025-03-04', \(sequence), '\(status)', 'MGR', 'X', 0, NULL, NULL, 1,
                \(sales), 0, \(sales));
            """
        }
        let close = "UPDATE cardBatch SET status = 'closed' WHERE id = 'PAX-2-20250304-01';"
        let brand =
            "INSERT INTO cardBatchBrand VALUES ('PAX-2-20250304-01', 'debit', 'visa', 1, 2499, 0);"
        let member = "INSERT INTO cardBatchPayment VALUES (\(other.payments[0].number), 'PAX-2-20250304-01');"
        let statements: [(sql: String, refusal: String)] = [
            ("UPDATE cardBatch SET reference = 'x' WHERE id = '\(batch.id)'", immutable),
            ("UPDATE cardBatch SET status = 'closing'", immutable),
            ("DELETE FROM cardBatch", "card batches are never deleted"),
            ("UPDATE cardBatchPayment SET batch = 'x'", "cardBatchPayment rows are append-only"),
            ("DELETE FROM cardBatchPayment", "cardBatchPayment rows are append-only"),
            ("UPDATE cardBatchBrand SET sales = 0", "cardBatchBrand rows are append-only"),
            ("DELETE FROM cardBatchBrand", "cardBatchBrand rows are append-only"),
            ("INSERT INTO cardBatchBrand VALUES ('\(batch.id)', 'debit', 'visa', 1, 100, 0)", immutable),
            (forged(status: "closed"), "a card batch is closed only after its payments are written"),
            (
                forged("PAX-1-20250304-02", terminal: "PAX-1", sequence: 2, sales: 6200)
                    + "INSERT INTO cardBatchPayment VALUES (\(sale.payments[0].number), 'PAX-1-20250304-02');",
                "UNIQUE constraint failed: cardBatchPayment.payment"
            ),
            (
                forged() + "INSERT INTO cardBatchPayment VALUES (\(cash.payments[0].number), 'PAX-2-20250304-01');",
                "a card batch holds only card payments of its own terminal"
            ),
            (forged() + brand + close, "card batch totals do not match its payments"),
            (forged(sales: 2500) + brand + member + close, "card batch totals do not match its payments"),
            (forged() + member + close, "card batch brand totals do not match its payments"),
            (
                forged() + "INSERT INTO cardBatchBrand VALUES ('PAX-2-20250304-01', 'credit', 'visa', 1, 2499, 0);"
                    + member + close,
                "card batch brand totals do not match its payments"
            ),
            (
                forged() + brand + member + "UPDATE cardBatch SET reference = 'x' WHERE id = 'PAX-2-20250304-01';",
                "a card batch being closed can only be closed"
            ),
            (forged("PAX-2-20250304-1"), "CHECK constraint failed"),
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
        // The same rows, tied out, are accepted.
        let tiedOut = forged() + brand + member + close
        try await raw.write { db in try db.execute(sql: tiedOut) }
        #expect(try await f.store.cardBatch(id: "PAX-2-20250304-01", viewer: f.mgr).net == .dollars("24.99"))
        #expect(try await f.store.cardBatch(id: batch.id, viewer: f.mgr) == batch)
    }

    /// Generated days of card sales, refunds and voids on three terminals, with batches closed at random: every card
    /// payment ends in exactly one batch, every batch's totals are the sums of its payments, and every day's card
    /// payments are in its batches or open at its end.
    @Test(arguments: [UInt64(20_250_304), 77])
    func generatedDaysBatchEveryCardPaymentOnce(seed: UInt64) async throws {
        let f = try await StoreFixture.make()
        var random = SeededGenerator(seed: seed)
        let terminals = ["PAX-1", "PAX-2", "PAX-3"]
        // Tax-exempt items, so a line's total is its price.
        let items: [String: Money] = [
            "EXAM": .dollars("62.00"), "RECHECK": .dollars("38.50"), "RABIES": .dollars("24.99"),
        ]
        var payments: [(number: Int64, amount: Money, refunded: Money)] = []
        var days: [BusinessDate] = []
        var closed: [CardBatch] = []
        for index in 0..<4 {
            let day = StoreFixture.firstDay.adding(days: index)
            days.append(day)
            f.clock.set(StoreFixture.millis(day, hour: 8))
            var todays: [InvoiceView] = []
            for _ in 0..<12 {
                f.clock.advance(minutes: Int64.random(in: 5...40, using: &random))
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<6:
                    let (item, total) = items.sorted { $0.key < $1.key }.randomElement(using: &random)!
                    let tender = [Tender.credit, .debit, .careCredit].randomElement(using: &random)!
                    let brand =
                        tender == .careCredit
                        ? CardBrand.careCredit : [.visa, .mastercard, .amex].randomElement(using: &random)!
                    let sale = try await f.checkout(
                        "OWNER",
                        [f.line("REX", item)],
                        payments: [
                            f.card(tender, total, brand: brand, terminal: terminals.randomElement(using: &random)!)
                        ]
                    )
                    todays.append(sale)
                    payments.append((sale.payments[0].number, total, .zero))
                case 6, 7:
                    guard
                        let pick = payments.indices.filter({ payments[$0].amount - payments[$0].refunded >= .cents(2) })
                            .randomElement(using: &random)
                    else { continue }
                    let amount = Money(minorUnits: (payments[pick].amount - payments[pick].refunded).minorUnits / 2)
                    _ = try await f.store.refund(
                        RefundRequest(id: f.id(), payment: payments[pick].number, amount: amount, reason: "Goodwill"),
                        by: f.csr
                    )
                    payments[pick].refunded += amount
                case 8:
                    guard let sale = todays.randomElement(using: &random), sale.status != .void,
                        payments.first(where: { $0.number == sale.payments[0].number })?.refunded == .zero
                    else { continue }
                    _ = try await f.store.void(VoidRequest(id: f.id(), invoice: sale.number, reason: "Oops"), by: f.mgr)
                    todays.removeAll { $0.number == sale.number }
                    payments.removeAll { $0.number == sale.payments[0].number }
                default:
                    let terminal = terminals.randomElement(using: &random)!
                    do {
                        closed.append(try await f.closeBatch(terminal))
                    } catch let error as POSError {
                        expectConflict(error, "card terminal \(terminal) has no card payment outside a closed batch")
                    }
                }
            }
            try await f.expectEveryCardPaymentInOneBatch(all: false)
            if Bool.random(using: &random) {
                f.clock.set(StoreFixture.millis(day, hour: 20))
                closed += try await f.store.closeCardBatches(commandID: f.id(), by: f.mgr)
                try await f.expectEveryCardPaymentInOneBatch(all: true)
            }
        }
        closed += try await f.store.closeCardBatches(commandID: f.id(), by: f.mgr)
        try await f.expectEveryCardPaymentInOneBatch(all: true)
        #expect(Set(closed.map(\.id)).count == closed.count, "seed \(seed)")
        #expect(closed.count >= 3, "seed \(seed)")
        for batch in closed {
            expectTotalsTie(batch)
            #expect(try await f.store.cardBatch(id: batch.id, viewer: f.mgr) == batch, "seed \(seed)")
        }
        let all = closed.flatMap(\.payments)
        #expect(Set(all.map(\.number)).count == all.count, "seed \(seed): a payment in two batches")
        var systemTotal = Money.zero
        for day in days {
            let report = try await f.store.cardBatchDay(day, viewer: f.mgr)
            systemTotal += report.systemNet
            let closedThatDay = closed.filter { $0.businessDate == day }
            #expect(
                report.batches.map(\.id) == closedThatDay.map(\.id).sorted(),
                "seed \(seed), \(day): batches sorted by terminal and number"
            )
            #expect(Set(report.batches) == Set(closedThatDay), "seed \(seed), \(day)")
            // The day's payments: in a batch closed by its end, or open at its end; the day's batches hold them and
            // earlier days' open ones.
            let inBatches = report.reconciliation.systemInBatches
            let open = report.open.flatMap(\.payments).filter { $0.businessDate == day }
            #expect(inBatches + open.map(\.amount).sum() == report.systemNet, "seed \(seed), \(day)")
            let batchesNet = report.batches.map(\.net).sum()
            let earlier = report.batches.flatMap(\.payments).filter { $0.businessDate < day }.map(\.amount).sum()
            #expect(batchesNet == inBatches + earlier, "seed \(seed), \(day)")
        }
        #expect(systemTotal == closed.map(\.net).sum(), "seed \(seed)")
    }
}
