import Foundation
import POSCore
import POSReports
import POSStorage
import POSTestSupport
import Testing

/// The business-day cut-off through the store: sales, card batches and deposits after midnight but before the
/// cut-off belong to the day before.
@Suite struct DepositCutoffTests {
    static let nextDay = BusinessDate("2025-03-05")!

    func cutOff(_ f: StoreFixture, at minutes: Int) async throws {
        var policy = try await f.store.policy()
        policy.dayCutoff = minutes
        _ = try await f.store.updatePolicy(policy, commandID: f.id("policy"), by: f.mgr)
    }

    @Test func aCutoffMovesA2AMSaleToThePreviousBusinessDay() async throws {
        let f = try await StoreFixture.make(at: StoreFixture.millis(hour: 22))
        try await cutOff(f, at: 360)
        #expect(try await f.store.policy().dayCutoff == 360)

        // 02:00 on the 5th is still the 4th's business day: the invoice, its payments, the batch and the deposit.
        f.clock.set(StoreFixture.millis(Self.nextDay, hour: 2))
        #expect(try await f.store.businessDate(atMillis: f.clock.now) == StoreFixture.firstDay)
        let late = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM"), f.line("MIA", "EXAM")],
            payments: [f.cash(.dollars("70.00")), f.card(.credit, .dollars("54.00"), brand: .visa, terminal: "PAX-1")]
        )
        #expect(late.businessDate == StoreFixture.firstDay)
        let dayBefore = try await f.store.dayReport(StoreFixture.firstDay)
        #expect(dayBefore.invoicesPosted == 1 && dayBefore.collected == .dollars("124.00"))
        #expect(try await f.store.dayReport(Self.nextDay).invoicesPosted == 0)

        f.clock.advance(minutes: 30)
        let batch = try await f.closeBatch("PAX-1")
        #expect(batch.id == "PAX-1-20250304-01" && batch.businessDate == StoreFixture.firstDay)
        #expect(batch.payments.map(\.businessDate) == [StoreFixture.firstDay])
        let z = try await f.closeEven(checks: [], counter: f.csr, verifier: f.csr2)
        let deposit = try await f.prepareDeposit([z.session])
        #expect(deposit.id == "D-20250304-01" && deposit.businessDate == StoreFixture.firstDay)
        #expect(try await f.store.depositDay(StoreFixture.firstDay, viewer: f.mgr).deposits == [deposit])

        // 05:59 is still the 4th; 06:00 starts the 5th.
        f.clock.set(StoreFixture.millis(Self.nextDay, hour: 5, minute: 59))
        #expect(try await f.store.businessDate(atMillis: f.clock.now) == StoreFixture.firstDay)
        f.clock.set(StoreFixture.millis(Self.nextDay, hour: 6))
        #expect(try await f.store.businessDate(atMillis: f.clock.now) == Self.nextDay)
        _ = try await f.store.openDrawer(count: try #require(z.floatKept), commandID: f.id(), by: f.csr)
        let morning = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        #expect(morning.businessDate == Self.nextDay)
        #expect(try await f.store.dayReport(Self.nextDay).invoicesPosted == 1)
    }

    @Test func withoutACutoffMidnightEndsTheDay() async throws {
        let f = try await StoreFixture.make()
        #expect(try await f.store.policy().dayCutoff == 0)
        f.clock.set(StoreFixture.millis(Self.nextDay, hour: 0))
        let sale = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        #expect(sale.businessDate == Self.nextDay)
    }

    @Test func aCutoffIsATimeOfDay() async throws {
        let f = try await StoreFixture.make()
        for minutes in [-1, 1440, 100_000] {
            let error = try await f.refusal { try await cutOff(f, at: minutes) }
            expectInvalid(error, field: "dayCutoff", reason: "0 to 1439")
        }
        try await cutOff(f, at: 1439)
        #expect(try await f.store.policy().dayCutoff == 1439)
    }
}
