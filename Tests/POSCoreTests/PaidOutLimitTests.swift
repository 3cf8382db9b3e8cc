import Foundation
import POSCore
import Testing

@Suite("Paid-outs above the clinic's limits need a manager")
struct PaidOutLimitTests {
    let policy = DrawerPolicy(paidOutApprovalLimit: .cents(10000), paidOutSessionLimit: .cents(25000))

    @Test func eachPaidOutAndTheSessionsTotalAreLimited() {
        #expect(DrawerRules.paidOutApprovalReason(amount: .cents(10000), earlier: .zero, policy: policy) == nil)
        let one = DrawerRules.paidOutApprovalReason(amount: .cents(10001), earlier: .zero, policy: policy)
        #expect(one == "a paid-out of $100.01 is above the $100.00 limit")
        #expect(DrawerRules.paidOutApprovalReason(amount: .cents(5000), earlier: .cents(20000), policy: policy) == nil)
        let total = DrawerRules.paidOutApprovalReason(amount: .cents(5001), earlier: .cents(20000), policy: policy)
        #expect(total == "paid-outs of $250.01 from this drawer are above the $250.00 limit")
    }

    @Test func rulesStoredBeforeTheLimitsGetTheDefaults() throws {
        let stored = #"""
            {"denominations": [{"code": "20", "name": "$20 bill", "value": "20.00", "form": "bill"}],
             "floatTarget": "150.00", "floatMinimum": {}, "tolerance": "2.00", "paidInReasons": ["other"],
             "paidOutReasons": ["other"], "requireVerification": true, "blindCount": true}
            """#
        let decoded = try JSONDecoder().decode(DrawerPolicy.self, from: Data(stored.utf8))
        #expect(decoded.paidOutApprovalLimit == .cents(10000) && decoded.paidOutSessionLimit == .cents(25000))
    }
}
