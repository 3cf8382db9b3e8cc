import POSCore
import POSStorage
import POSTestSupport
import Testing

/// Rules found by review: stacked discounts, who may start a void, and open lines keeping the price they were added at.
@Suite struct GovernanceTests {
    @Test func stackedDiscountsWithinTheCeilingOneByOneStillNeedAManager() async throws {
        let f = try await StoreFixture.make()
        let ten = DiscountRequest(discountClass: .employee, method: .percent(Percent(basisPoints: 10_00)))
        let error = try await f.refusal {
            _ = try await f.store.checkout(
                CheckoutRequest(
                    id: f.id(),
                    client: "STAFF",
                    lines: [f.line("BUDDY", "EXAM")],
                    discounts: Array(repeating: ten, count: 10)
                ),
                by: f.csr
            )
        }
        guard case .approvalRequired(let field, let reason, _) = error else {
            Issue.record("expected approvalRequired, got \(error)")
            return
        }
        #expect(field == "discounts")
        #expect(reason.contains("together the discounts come to 65.15%"))
    }

    @Test func aBookkeeperCannotVoidEvenWithAManagersPIN() async throws {
        let f = try await StoreFixture.make()
        let sale = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.cents(62_00))])
        let error = try await f.refusal {
            _ = try await f.store.void(
                VoidRequest(
                    id: f.id(),
                    invoice: sale.number,
                    reason: "not mine to void",
                    approval: ApprovalRequest(employee: "MGR", pin: TestClinic.pin("MGR"), reason: "ok")
                ),
                by: f.book
            )
        }
        #expect(error == .notPermitted(employee: "BOOK", role: .bookkeeper, action: Permission.ringSales.rawValue))
    }

    @Test func anOpenLineKeepsThePriceItWasAddedAt() async throws {
        let f = try await StoreFixture.make()
        let open = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "TOY")],
            commandID: f.id(),
            by: f.csr
        )
        var toy = try #require(try await f.store.catalog().first { $0.code == "TOY" })
        toy.unitPrice = .cents(100_00)
        toy.active = false
        _ = try await f.store.importCatalog([toy], commandID: f.id(), by: f.mgr)
        let posted = try await f.store.checkout(
            CheckoutRequest(id: f.id(), client: "OWNER", invoice: open.number, lines: []),
            by: f.csr
        )
        #expect(posted.lines.map(\.unitPrice) == [.cents(7_49)])
        #expect(posted.subtotal == .cents(7_49))
    }
}
