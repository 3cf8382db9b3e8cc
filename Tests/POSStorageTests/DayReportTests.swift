import Foundation
import GRDB
import POSCore
import POSStorage
import POSTestSupport
import Testing

@Suite struct DayReportTests {
    /// The generator draws any discount class; keep its method and target but pick a class the desk may give on
    /// these lines for OWNER (made a staff, shelter and credit account for this test), so amounts stay as generated.
    static func usableClass(_ spec: DiscountSpec, lines: [LineInput]) -> DiscountClass {
        switch spec.discountClass {
        case .employee, .shelter:
            return spec.discountClass
        case .multiplePets:
            if case .invoice = spec.target, Set(lines.map(\.patientId)).count >= 2 { return .multiplePets }
            return .employee
        case .complimentaryExam:
            if case .line(let number) = spec.target, lines[number - 1].item.kind == .service {
                return .complimentaryExam
            }
            return .shelter
        case .coupon:
            return .employee
        }
    }

    /// About 50 generated checkouts on one business day, a later payment, a refund and a void.
    static func busyDay(_ f: StoreFixture, seed: UInt64 = 20_250_304) async throws -> [Int64] {
        let owner = TestClinic.clients.first { $0.client.id == "OWNER" }!
        var account = owner.client
        account.isStaff = true
        account.isShelter = true
        account.creditApproved = true
        account.creditLimit = .dollars("1000000.00")
        _ = try await f.store.saveClient(account, patients: owner.patients, commandID: f.id(), by: f.mgr)

        var generator = InvoiceGenerator(seed: seed)
        var numbers: [Int64] = []
        for index in 0..<50 {
            f.clock.advance(minutes: 4)
            let inputs = generator.lines()
            let specs = generator.discounts(for: inputs)
            let priced = try Pricing.price(lines: inputs, discounts: specs, taxRatePPM: InvoiceGenerator.taxRate)
            var payments = generator.payments(due: priced.total)
            if index % 3 == 0, let check = payments.firstIndex(where: { $0.tender == .check }) {
                payments[check] = f.account(payments[check].amount)
            }
            // Half rung by the manager (100% ceiling), half by a CSR with the manager signing off every discount.
            let byManager = index.isMultiple(of: 2)
            let request = CheckoutRequest(
                id: f.id("day"),
                client: "OWNER",
                lines: inputs.map {
                    LineRequest(
                        patient: $0.patientId,
                        item: $0.item.code,
                        quantity: $0.quantity,
                        provider: $0.providerId
                    )
                },
                discounts: specs.map {
                    DiscountRequest(
                        discountClass: usableClass($0, lines: inputs),
                        method: $0.method,
                        target: $0.target,
                        approval: byManager ? nil : f.approval(reason: "Generated discount")
                    )
                },
                payments: payments
            )
            let view = try await f.store.checkout(request, by: byManager ? f.mgr : f.csr)
            #expect(view.total == priced.total, "seed \(seed), checkout \(index)")
            #expect(view.discounts.map(\.amount) == priced.discounts.map(\.amount), "seed \(seed), checkout \(index)")
            CheckoutTests.expectTiesOut(view)
            numbers.append(view.number)
        }
        let views = try await numbers.asyncMap { try await f.store.invoice($0) }
        f.clock.advance(minutes: 10)
        if let owing = views.first(where: { $0.balanceDue.isPositive }) {
            let paid = try await f.store.pay(
                PaymentRequest(
                    id: f.id(),
                    invoice: owing.number,
                    payments: [f.cash(owing.balanceDue + .dollars("0.50"))]
                ),
                by: f.csr
            )
            #expect(paid.status == .paid)
        }
        let refundable = try #require(
            views.first { view in view.payments.contains { $0.tender != .account && $0.amount >= .dollars("1.00") } }
        )
        let refunded = try #require(
            refundable.payments.first { $0.tender != .account && $0.amount >= .dollars("1.00") }
        )
        _ = try await f.store.refund(
            RefundRequest(id: f.id(), payment: refunded.number, amount: .dollars("1.00"), reason: "Goodwill"),
            by: f.csr
        )
        let voidable = try #require(views.last { $0.number != refundable.number && $0.payments.count >= 2 })
        _ = try await f.store.void(VoidRequest(id: f.id(), invoice: voidable.number, reason: "Rung twice"), by: f.mgr)
        return numbers
    }

    @Test func aDayOfRandomCheckoutsTiesOut() async throws {
        let f = try await StoreFixture.make(at: StoreFixture.millis(hour: 8))
        let numbers = try await Self.busyDay(f)
        let day = f.today
        #expect(day == StoreFixture.firstDay)
        let report = try await f.store.dayReport(day)
        let stored = try await numbers.asyncMap { try await f.store.invoice($0) }
        let live = stored.filter { $0.status != .void }
        #expect(stored.count == 50 && live.count == 49)
        #expect(report.invoicesPosted == 50)
        #expect(report.invoicesVoided == 1)
        #expect(report.invoicesOpen == 0)

        // Sales: categories add up to the sales total, which is the sum of the invoices that stand.
        let categories = report.categories
        #expect(
            categories.map(\.gross).sum() - categories.map(\.discounts).sum() + categories.map(\.tax).sum()
                == report.salesTotal
        )
        #expect(report.salesTotal == live.map(\.total).sum())
        #expect(report.subtotal == live.map(\.subtotal).sum())
        #expect(report.discounts == live.map(\.discountTotal).sum())
        #expect(report.tax == live.map(\.taxTotal).sum())
        let lines = live.flatMap(\.lines)
        let expectedCategories = ItemKind.allCases.compactMap { kind -> DayReport.Category? in
            let ofKind = lines.filter { $0.kind == kind }
            guard !ofKind.isEmpty else { return nil }
            return DayReport.Category(
                kind: kind,
                lines: ofKind.count,
                gross: ofKind.map(\.extended).sum(),
                discounts: ofKind.map(\.discount).sum(),
                tax: ofKind.map(\.tax).sum()
            )
        }
        #expect(categories == expectedCategories)
        let discounts = live.flatMap(\.discounts)
        #expect(report.discountsByClass.map(\.amount).sum() == report.discounts)
        for total in report.discountsByClass {
            let ofClass = discounts.filter { $0.discountClass == total.discountClass }
            #expect(total.count == ofClass.count, "\(total.discountClass)")
            #expect(total.amount == ofClass.map(\.amount).sum(), "\(total.discountClass)")
        }
        #expect(Set(report.discountsByClass.map(\.discountClass)) == Set(discounts.map(\.discountClass)))
        #expect(Set(discounts.map(\.discountClass)).count >= 3, "the generated day should use several discount classes")

        // Money: every payment, refund and reversal of the day, by tender.
        let payments = stored.flatMap(\.payments)
        #expect(report.collected + report.chargedToAccounts == payments.map(\.amount).sum())
        #expect(report.chargedToAccounts.isPositive)
        for tender in Tender.allCases {
            let ofTender = payments.filter { $0.tender == tender }
            let total = report.tenders.first { $0.tender == tender }
            #expect((total?.net ?? .zero) == ofTender.map(\.amount).sum(), "\(tender)")
            #expect(
                (total?.received ?? .zero) == ofTender.filter { $0.kind == .payment }.map(\.amount).sum(),
                "\(tender)"
            )
            #expect(
                (total?.refunded ?? .zero) == ofTender.filter { $0.kind == .refund }.map(\.amount).sum(),
                "\(tender)"
            )
            #expect(
                (total?.reversed ?? .zero) == ofTender.filter { $0.kind == .reversal }.map(\.amount).sum(),
                "\(tender)"
            )
            #expect((total?.payments ?? 0) == ofTender.filter { $0.kind == .payment }.count, "\(tender)")
        }
        #expect(Set(report.tenders.map(\.tender)) == Set(Tender.allCases))
        #expect(report.changeGiven == payments.map(\.change).sum())
        #expect(report.refundCredits == .dollars("1.00"))
        #expect(report.netSales == report.salesTotal - report.refundCredits)
        // What clients owe more tonight: unpaid balances plus charges to accounts.
        #expect(report.receivablesChange == live.map(\.balanceDue).sum() + report.chargedToAccounts)

        // And the same per-tender nets straight from the payment table.
        let direct = try await f.rawConnection(readonly: true).read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT tender, SUM(amount) AS net FROM payment WHERE businessDate = ? GROUP BY tender",
                arguments: [day.text]
            )
            .map { (Tender(rawValue: $0["tender"])!, Money(minorUnits: $0["net"])) }
        }
        #expect(direct.count == report.tenders.count)
        for (tender, net) in direct {
            #expect(report.tenders.first { $0.tender == tender }?.net == net, "\(tender)")
        }
        #expect(try await f.store.verifyJournal().problem == nil)

        // Nothing of this day leaks into the next one.
        let tomorrow = try #require(BusinessDate("2025-03-05"))
        let empty = try await f.store.dayReport(tomorrow)
        #expect(empty.invoicesPosted == 0 && empty.tenders.isEmpty && empty.salesTotal == .zero)
    }

    @Test func aPaymentOnAnEarlierInvoiceCountsOnTheDayItIsTaken() async throws {
        let f = try await StoreFixture.make(at: StoreFixture.millis(hour: 17))
        let view = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("20.00"))])
        f.clock.set(StoreFixture.millis(BusinessDate("2025-03-05")!, hour: 9))
        _ = try await f.store.pay(
            PaymentRequest(id: f.id(), invoice: view.number, payments: [f.card(.debit, .dollars("42.00"))]),
            by: f.csr
        )
        let first = try await f.store.dayReport(StoreFixture.firstDay)
        let second = try await f.store.dayReport(f.today)
        #expect(first.salesTotal == .dollars("62.00") && first.collected == .dollars("20.00"))
        #expect(second.salesTotal == .zero && second.collected == .dollars("42.00"))
        #expect(second.receivablesChange == .dollars("-42.00"))
    }
}

@Suite struct BackupTests {
    @Test func aBackupIsACompleteVerifiedCopy() async throws {
        let f = try await StoreFixture.make()
        try await JournalTests.activity(f)
        let destination = StoreFixture.temporaryPath("backup")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: destination + suffix) }
        }

        let check = try await f.store.backup(to: destination)
        let source = try await f.snapshot()
        #expect(check.path == destination)
        #expect(check.integrity == "ok")
        #expect(check.journalEntries == Int64(source.rows("journal").count))
        #expect(check.journalEntries == (try await f.store.verifyJournal()).count)
        #expect(check.invoices == source.rows("invoice").count)
        #expect(check.payments == source.rows("payment").count)
        #expect(check.invoices == 3 && check.payments == 6)

        // Checked independently: the copy is intact and holds exactly the same rows and schema (triggers included).
        let raw = try DatabaseQueue(path: destination)
        #expect(try await raw.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        let copied = try await StoreFixture.snapshot(of: raw)
        let identical = copied == source
        #expect(identical, "the copy differs: \(source.changes(to: copied))")
        try raw.close()

        // Opened as a store, it reports the same day and verifies its journal.
        let restored = try Store(path: destination, pinHasher: StoreFixture.hasher, clock: { f.clock.now })
        #expect(try await restored.dayReport(f.today) == (try await f.store.dayReport(f.today)))
        #expect(try await restored.verifyJournal().problem == nil)
        #expect(try await restored.invoice(3) == (try await f.store.invoice(3)))
        // And it still refuses to change what was posted.
        let restoredRaw = try DatabaseQueue(path: destination)
        await #expect(throws: DatabaseError.self) {
            try await restoredRaw.write { try $0.execute(sql: "DELETE FROM payment") }
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
