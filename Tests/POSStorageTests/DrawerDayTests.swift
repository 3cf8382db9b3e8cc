import Foundation
import GRDB
import POSCore
import POSStorage
import POSTestSupport
import Testing

/// Generated days through the real Store: whatever happens at the desk, a close count equal to what the manager's X
/// report expects is exactly even, and every Z report ties to the payments linked to its session.
@Suite struct DrawerDayTests {
    /// The desk's own running total of the cash that should be in the drawer, kept from what each command returned.
    struct Desk {
        var expected: Money
        var cashier: Operator
        var todays: [InvoiceView] = []
        var refunded: Set<Int64> = []
        var voided: Set<Int64> = []
    }

    /// Thirty days a store, in parallel stores with their own seeds.
    @Test(arguments: [UInt64(20_250_304), 4_004])
    func generatedDaysCloseEvenAndTieToTheirPayments(seed: UInt64) async throws {
        let f = try await StoreFixture.make(at: StoreFixture.millis(hour: 8))
        var generator = InvoiceGenerator(seed: seed)
        var random = SeededGenerator(seed: seed ^ 0x5EED)
        var opening = StoreFixture.openingFloat
        var handovers = 0
        var refunds = 0
        var voids = 0
        var movements = 0
        for day in 0..<30 {
            let cashiers = day.isMultiple(of: 2) ? [f.csr, f.csr2] : [f.csr2, f.csr]
            var desk = Desk(expected: opening.total(Denomination.usd), cashier: cashiers[0])
            if day > 0 {
                f.clock.set(StoreFixture.millis(hour: 8) + Int64(day) * 86_400_000)
                // Now and then the morning count differs from the float left: recorded against it.
                let extra = Bool.random(using: &random) ? f.drawerCount("1x1") : CashCount()
                let report = try await f.store.openDrawer(count: opening + extra, commandID: f.id(), by: desk.cashier)
                #expect(report.previousFloat == opening, "seed \(seed), day \(day)")
                #expect(report.openingDifference == extra.total(Denomination.usd), "seed \(seed), day \(day)")
                opening = opening + extra
                desk.expected = opening.total(Denomination.usd)
            }
            var shortAtHandover = Money.zero
            for index in 0..<10 {
                f.clock.advance(minutes: Int64.random(in: 3...20, using: &random))
                if index == 5 && Bool.random(using: &random) {
                    // Shift change: counted as expected, or a little short (the outgoing cashier's).
                    shortAtHandover = Money(
                        minorUnits: Int64.random(in: 0...min(300, desk.expected.minorUnits), using: &random)
                    )
                    let result = try await f.store.handOverDrawer(
                        count: DrawerTests.count(of: desk.expected - shortAtHandover),
                        to: f.approval(cashiers[1].employee.id),
                        // Up to $3.00 short, beyond the $2.00 tolerance: a manager confirms.
                        approval: f.approval(),
                        commandID: f.id(),
                        by: desk.cashier
                    )
                    #expect(result.overShort == -shortAtHandover, "seed \(seed), day \(day)")
                    #expect(result.cashier == desk.cashier.employee.id, "seed \(seed), day \(day)")
                    desk.expected -= shortAtHandover
                    desk.cashier = cashiers[1]
                    handovers += 1
                }
                try await Self.checkout(f, &desk, &generator)
                switch Int.random(in: 0..<12, using: &random) {
                case 0, 1:
                    if try await Self.refund(f, &desk, &random) { refunds += 1 }
                case 2:
                    if try await Self.void(f, &desk, &random) { voids += 1 }
                case 3, 4, 5:
                    try await Self.movement(f, &desk, &random)
                    movements += 1
                default:
                    break
                }
            }

            // The manager's X report agrees with the desk's running total.
            let x = try await f.xReport(f.mgr)
            let figures = try #require(x.figures)
            #expect(figures.expectedCash == desk.expected, "seed \(seed), day \(day)")
            #expect(try await f.xReport(desk.cashier).figures == nil, "seed \(seed), day \(day)")

            // Counted at exactly that: even, whatever the day held.
            let count = DrawerTests.count(of: desk.expected)
            let checks = x.expectedChecks.compactMap(\.checkNumber)
            let slips = Dictionary(uniqueKeysWithValues: x.cardBatches.map { ($0.terminal, $0.recorded) })
            f.clock.advance(minutes: 30)
            let closing = try await f.closeCount(count, checks: checks, cardSlips: slips, by: desk.cashier)
            #expect(closing.result.overShort == .zero, "seed \(seed), day \(day)")
            #expect(closing.withinTolerance && closing.missingChecks.isEmpty && closing.unexpectedChecks.isEmpty)
            #expect(closing.cardBatches.allSatisfy { $0.difference == .zero }, "seed \(seed), day \(day)")
            let verifier = Bool.random(using: &random) ? cashiers.first { $0 != desk.cashier }! : f.mgr
            let z = try await f.closeDrawer(by: verifier)
            #expect(z.zNumber == day + 1, "seed \(seed), day \(day)")
            try await Self.expectTiesOut(f, z, counted: count, shortAtHandover: shortAtHandover, seed: seed, day: day)
            opening = try #require(z.floatKept)
        }
        // Every payment was taken into a session.
        #expect(try await f.count("payment", where: "drawerSession IS NULL") == 0)
        #expect(try await f.count("drawerSession", where: "state = 'closed'") == 30)
        // The generated days held every kind of thing.
        #expect(
            handovers > 5 && refunds > 5 && voids > 5 && movements > 20,
            "seed \(seed): \(handovers) handovers, \(refunds) refunds, \(voids) voids, \(movements) movements"
        )
        #expect(try await f.store.verifyJournal().problem == nil)
    }

    /// The Z report's figures, stretch by stretch, add up to the payments and events stored for the session.
    static func expectTiesOut(
        _ f: StoreFixture,
        _ z: DrawerReport,
        counted: CashCount,
        shortAtHandover: Money,
        seed: UInt64,
        day: Int
    ) async throws {
        let comment: Comment = "seed \(seed), day \(day)"
        let counts = try #require(z.counts)
        let final = try #require(z.finalCount)
        let stretches = counts.filter { $0.kind == .handover } + [final]
        #expect(final.counted == counted.total(Denomination.usd), comment)
        #expect(final.overShort == .zero, comment)
        #expect(counts.filter { $0.kind == .handover }.map(\.overShort).sum() == -shortAtHandover, comment)
        let rows = try f.rawConnection(readonly: true).read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT tender, kind, COUNT(*) AS count, SUM(amount) AS amount, SUM(tendered) AS tendered,
                        SUM(change) AS change
                    FROM payment WHERE drawerSession = ? GROUP BY tender, kind
                    """,
                arguments: [z.session]
            )
        }
        func sum(_ column: String, tender: Tender, kind: PaymentKind? = nil) -> Money {
            Money(
                minorUnits: rows.filter {
                    $0["tender"] == tender.rawValue && (kind == nil || $0["kind"] == kind!.rawValue)
                }
                .map { $0[column] as Int64 }.reduce(0, +)
            )
        }
        func total(_ part: KeyPath<DrawerFigures, Money>) -> Money { stretches.map { $0.figures[keyPath: part] }.sum() }
        #expect(total(\.cashTendered) == sum("tendered", tender: .cash, kind: .payment), comment)
        #expect(total(\.changeGiven) == sum("change", tender: .cash, kind: .payment), comment)
        #expect(total(\.cashRefunds) == sum("amount", tender: .cash, kind: .refund), comment)
        #expect(total(\.cashReversals) == sum("amount", tender: .cash, kind: .reversal), comment)
        // By tender, the report's totals are the stored payments'.
        for tender in Tender.allCases {
            let count = rows.filter { $0["tender"] == tender.rawValue }.map { $0["count"] as Int }.reduce(0, +)
            let reported = z.tenders.first { $0.tender == tender }
            #expect(reported?.net ?? .zero == sum("amount", tender: tender), "\(comment), \(tender)")
            #expect(reported?.count ?? 0 == count, "\(comment), \(tender)")
        }
        // The movements are the stored events'.
        let events = try f.rawConnection(readonly: true).read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT kind, SUM(amount) AS amount FROM drawerEvent WHERE session = ? GROUP BY kind",
                arguments: [z.session]
            )
        }
        func event(_ kind: DrawerEventKind) -> Money {
            Money(minorUnits: events.first { $0["kind"] == kind.rawValue }?["amount"] ?? 0)
        }
        #expect(total(\.paidIn) == event(.paidIn), comment)
        #expect(total(\.paidOut) == event(.paidOut), comment)
        #expect(total(\.safeDrops) == event(.safeDrop), comment)
        // Expected cash: the opening count, every cash movement, and what each handover found missing.
        let cashNet = sum("amount", tender: .cash)
        #expect(
            final.expected
                == z.openingCount.total(Denomination.usd) + cashNet + event(.paidIn) + event(.paidOut)
                + event(.safeDrop) - shortAtHandover,
            comment
        )
        // The checks expected are the session's checks, less those handed back on a void.
        #expect(
            z.expectedChecks.map(\.amount).sum()
                == sum("amount", tender: .check, kind: .payment) + sum("amount", tender: .check, kind: .reversal),
            comment
        )
        // Reduce to float: nothing appears or disappears.
        #expect(try #require(z.floatKept) + (z.deposit ?? CashCount()) == counted, comment)
    }

    static func checkout(_ f: StoreFixture, _ desk: inout Desk, _ generator: inout InvoiceGenerator) async throws {
        let lines = generator.lines()
        let priced = try Pricing.price(lines: lines, discounts: [], taxRatePPM: InvoiceGenerator.taxRate)
        let view = try await f.store.checkout(
            CheckoutRequest(
                id: f.id("day"),
                client: "OWNER",
                lines: lines.map {
                    LineRequest(
                        patient: $0.patientId,
                        item: $0.item.code,
                        quantity: $0.quantity,
                        provider: $0.providerId
                    )
                },
                payments: generator.payments(due: priced.total)
            ),
            by: desk.cashier
        )
        desk.expected += view.payments.filter { $0.tender == .cash }.map(\.amount).sum()
        desk.todays.append(view)
    }

    /// Part of a payment back on its own tender (cash only if the drawer has it).
    static func refund(_ f: StoreFixture, _ desk: inout Desk, _ random: inout SeededGenerator) async throws -> Bool {
        let candidates = desk.todays.filter { !desk.voided.contains($0.number) }.flatMap(\.payments).filter {
            $0.kind == .payment && !desk.refunded.contains($0.number)
                && ($0.tender != .cash || $0.amount <= desk.expected)
        }
        guard let payment = candidates.randomElement(using: &random) else { return false }
        let amount = Money(minorUnits: Int64.random(in: 1...min(payment.amount.minorUnits, 100_00), using: &random))
        _ = try await f.store.refund(
            RefundRequest(id: f.id(), payment: payment.number, amount: amount, reason: "Generated refund"),
            by: desk.cashier
        )
        desk.refunded.insert(payment.number)
        if payment.tender == .cash { desk.expected -= amount }
        return true
    }

    /// A void of one of today's sales with no refunds, by the manager; its cash goes back out of the drawer.
    static func void(_ f: StoreFixture, _ desk: inout Desk, _ random: inout SeededGenerator) async throws -> Bool {
        let candidates = desk.todays.filter { view in
            let cash = view.payments.filter { $0.tender == .cash }.map(\.amount).sum()
            return !desk.voided.contains(view.number) && !view.payments.contains { desk.refunded.contains($0.number) }
                && cash <= desk.expected
        }
        guard let view = candidates.randomElement(using: &random) else { return false }
        let voided = try await f.store.void(
            VoidRequest(id: f.id(), invoice: view.number, reason: "Rung twice"),
            by: f.mgr
        )
        #expect(voided.status == .void)
        desk.voided.insert(view.number)
        desk.expected -= view.payments.filter { $0.tender == .cash }.map(\.amount).sum()
        return true
    }

    static func movement(_ f: StoreFixture, _ desk: inout Desk, _ random: inout SeededGenerator) async throws {
        let cents = Int64.random(in: 1...10_000, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            let event = try await f.movement(
                .paidIn,
                Money(minorUnits: cents).description,
                reason: "change from the bank",
                by: desk.cashier
            )
            desk.expected += event.amount
        case 1 where desk.expected.minorUnits >= cents:
            let event = try await f.movement(
                .paidOut,
                Money(minorUnits: cents).description,
                reason: "petty cash",
                // The day's paid-outs pass the clinic's limits: a manager approves each.
                approval: f.approval(),
                by: desk.cashier
            )
            desk.expected += event.amount
        case 2 where desk.expected >= .dollars("40.00"):
            let drop = DrawerTests.count(of: Money(minorUnits: desk.expected.minorUnits / 2_000 * 1_000))
            let event = try await f.store.recordDrawerMovement(
                .safeDrop,
                count: drop,
                reason: "Midday pickup",
                commandID: f.id(),
                by: desk.cashier
            )
            #expect(event.amount == -drop.total(Denomination.usd))
            desk.expected += event.amount
        default:
            _ = try await f.movement(.noSale, reason: "Client needed change", by: desk.cashier)
        }
    }
}
