import POSCore
import Testing

/// The deposit's rules without a database: what goes to the bank, valued and totalled, and when it is refused.
@Suite struct DepositPlanTests {
    let day = BusinessDate("2025-03-14")!

    @Test func sessionsAddUpByDenominationWithTheirChecks() throws {
        let plan = try DepositPlan.plan(
            [
                DepositPlan.SessionContent(
                    session: 12,
                    cash: CashCount(["20": 3, "0.25": 8]),
                    checks: [DepositPlan.Check(payment: 40, amount: .cents(62_00))]
                ),
                DepositPlan.SessionContent(session: 9, cash: CashCount(["20": 2, "5": 1]), checks: []),
            ],
            denominations: Denomination.usd
        )
        #expect(plan.sessions == [9, 12])
        #expect(plan.cash == CashCount(["20": 5, "5": 1, "0.25": 8]))
        #expect(plan.lines.map(\.denomination) == ["0.25", "20", "5"])
        #expect(plan.lines.map(\.amount) == [.cents(2_00), .cents(100_00), .cents(5_00)])
        #expect(plan.cashTotal == .cents(107_00) && plan.checkTotal == .cents(62_00) && plan.total == .cents(169_00))
        #expect(plan.checks.map(\.payment) == [40])
    }

    @Test func refusals() {
        expectCode("deposit.unknownDenomination") {
            try DepositPlan.plan(
                [DepositPlan.SessionContent(session: 1, cash: CashCount(["3": 1]), checks: [])],
                denominations: Denomination.usd
            )
        }
        expectCode("deposit.nothingToDeposit") {
            try DepositPlan.plan(
                [DepositPlan.SessionContent(session: 1, cash: CashCount(), checks: [])],
                denominations: Denomination.usd
            )
        }
        expectCode("deposit.noSessions", field: "sessions") { try DepositPlan.checkNamed([]) }
        expectCode("deposit.sessionTwice", field: "sessions") { try DepositPlan.checkNamed([3, 4, 3]) }
        expectCode("deposit.dayFull") { try DepositPlan.sequence(after: 99, on: day) }
    }

    @Test func numbersAndIDs() throws {
        #expect(try DepositPlan.sequence(after: nil, on: day) == 1)
        #expect(try DepositPlan.sequence(after: 98, on: day) == 99)
        #expect(DepositPlan.id(on: day, sequence: 1) == "D-20250314-01")
        #expect(DepositPlan.id(on: day, sequence: 42) == "D-20250314-42")
    }
}
