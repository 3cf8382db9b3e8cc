import Foundation
import POSCore
import POSReports
import POSTestSupport
import Testing

@Suite struct ReconcilerTests {
    static func date(_ text: String) -> BusinessDate { BusinessDate(text)! }

    /// The worked example of FORMATS.md §6.4: a batch's payout found by its id in the bank text, the cash and check
    /// deposit by its slip id.
    @Test func theWorkedExampleMatchesById() {
        let result = Reconciler.reconcile(
            payments: [],
            batches: [
                TerminalBatchItem(
                    id: "B0314",
                    terminal: "T1",
                    gross: .cents(1_240_00),
                    closedOn: Self.date("2025-03-14")
                )
            ],
            entries: [
                ProcessorEntryItem(
                    id: "ch_1",
                    payout: "po_0314",
                    kind: .charge,
                    gross: .cents(1_240_00),
                    fee: .cents(36_23),
                    net: .cents(1_203_77),
                    batch: "B0314",
                    date: Self.date("2025-03-14")
                )
            ],
            payouts: [
                PayoutItem(
                    id: "po_0314",
                    net: .cents(1_203_77),
                    expected: Self.date("2025-03-17"),
                    references: ["B0314"]
                )
            ],
            slips: [DepositSlipItem(id: "D20250314", total: .cents(605_50), date: Self.date("2025-03-14"))],
            bank: [
                BankLineItem(
                    id: "b1",
                    amount: .cents(1_203_77),
                    date: Self.date("2025-03-17"),
                    text: "CARD PROCESSOR SETTLEMENT B0314"
                ),
                BankLineItem(
                    id: "b2",
                    amount: .cents(605_50),
                    date: Self.date("2025-03-14"),
                    text: "DEPOSIT D20250314"
                ),
            ]
        )
        #expect(result.findings.isEmpty, "\(result.findings)")
        #expect(result.matches.map(\.rule) == [.id, .id])
        #expect(result.matches.first { $0.kind == .payoutToBank }?.right == ["b1"])
        #expect(result.matches.first { $0.kind == .slipToBank }?.right == ["b2"])
    }

    @Test func aPayoutThatDoesNotAddUpIsAFindingNotAPlug() {
        let result = Reconciler.reconcile(
            payments: [],
            batches: [],
            entries: [
                ProcessorEntryItem(
                    id: "e1",
                    payout: "P1",
                    kind: .charge,
                    gross: .cents(100_00),
                    fee: .cents(3_20),
                    net: .cents(96_80),
                    date: Self.date("2025-03-14")
                )
            ],
            payouts: [PayoutItem(id: "P1", net: .cents(96_81), expected: Self.date("2025-03-17"))],
            slips: [],
            bank: [BankLineItem(id: "b1", amount: .cents(96_81), date: Self.date("2025-03-17"), text: "SETTLEMENT")]
        )
        let gap = result.findings.first { $0.kind == .payoutDoesNotAddUp }
        #expect(gap?.amount == .cents(1))
    }

    @Test func twoEqualPayoutsOnOneDayWithoutIdsAreAmbiguousNotGuessed() {
        let payouts = [
            PayoutItem(id: "po_1001", net: .cents(500_00), expected: Self.date("2025-03-17")),
            PayoutItem(id: "po_1002", net: .cents(500_00), expected: Self.date("2025-03-17")),
        ]
        let bank = [
            BankLineItem(id: "b1", amount: .cents(500_00), date: Self.date("2025-03-17"), text: "SETTLEMENT"),
            BankLineItem(id: "b2", amount: .cents(500_00), date: Self.date("2025-03-17"), text: "SETTLEMENT"),
        ]
        let result = Reconciler.reconcile(
            payments: [],
            batches: [],
            entries: [],
            payouts: payouts,
            slips: [],
            bank: bank
        )
        #expect(result.matches.isEmpty)
        #expect(result.findings.contains { $0.kind == .ambiguous && $0.items.contains("po_1001") })
        // With their ids in the text, each finds its own line.
        let named = Reconciler.reconcile(
            payments: [],
            batches: [],
            entries: [],
            payouts: payouts,
            slips: [],
            bank: [
                BankLineItem(
                    id: "b1",
                    amount: .cents(500_00),
                    date: Self.date("2025-03-17"),
                    text: "STRIPE po_1002 TRANSFER"
                ),
                BankLineItem(
                    id: "b2",
                    amount: .cents(500_00),
                    date: Self.date("2025-03-17"),
                    text: "STRIPE po_1001 TRANSFER"
                ),
            ]
        )
        #expect(Set(named.matches.map { "\($0.left[0])→\($0.right[0])" }) == ["po_1001→b2", "po_1002→b1"])
        #expect(named.findings.isEmpty)
    }

    @Test func aWeekendOfPayoutsInOneCreditIsASuggestionOnly() {
        let payouts = [
            PayoutItem(id: "P-FRI", net: .cents(812_40), expected: Self.date("2025-03-14")),
            PayoutItem(id: "P-SAT", net: .cents(301_15), expected: Self.date("2025-03-15")),
            PayoutItem(id: "P-SUN", net: .cents(95_00), expected: Self.date("2025-03-16")),
        ]
        let bank = [
            BankLineItem(id: "mon", amount: .cents(1_208_55), date: Self.date("2025-03-17"), text: "SETTLEMENT")
        ]
        let result = Reconciler.reconcile(
            payments: [],
            batches: [],
            entries: [],
            payouts: payouts,
            slips: [],
            bank: bank
        )
        let match = result.matches.first
        #expect(match?.rule == .subset)
        #expect(match?.suggestion == true)
        #expect(Set(match?.left ?? []) == ["P-FRI", "P-SAT", "P-SUN"])
    }

    @Test func aMissingPayoutIsCarriedForwardAndAChargebackIsExplained() {
        let result = Reconciler.reconcile(
            payments: [],
            batches: [],
            entries: [
                ProcessorEntryItem(
                    id: "stripe:dp_1001",
                    payout: "P9",
                    kind: .chargeback,
                    gross: .cents(-75_00),
                    fee: .cents(15_00),
                    net: .cents(-90_00),
                    date: Self.date("2025-03-18")
                )
            ],
            payouts: [PayoutItem(id: "P8", net: .cents(400_00), expected: Self.date("2025-03-17"))],
            slips: [],
            bank: [
                BankLineItem(
                    id: "d1",
                    amount: .cents(-90_00),
                    date: Self.date("2025-03-18"),
                    text: "STRIPE DISPUTE dp_1001"
                ),
                // The same amount again, naming no dispute: not taken for it.
                BankLineItem(id: "d3", amount: .cents(-90_00), date: Self.date("2025-03-18"), text: "INSURANCE"),
                BankLineItem(id: "d2", amount: .cents(-12_00), date: Self.date("2025-03-18"), text: "MONTHLY FEE"),
            ]
        )
        #expect(
            result.matches.contains { $0.kind == .debitToEntry && $0.left == ["stripe:dp_1001"] && $0.right == ["d1"] }
        )
        #expect(result.findings.contains { $0.kind == .processorDebitToExplain && $0.items == ["d2"] })
        #expect(result.findings.contains { $0.kind == .processorDebitToExplain && $0.items == ["d3"] })
        #expect(result.findings.contains { $0.kind == .unmatched && $0.items == ["P8"] })
    }

    @Test func aBatchWithoutProcessorDataShowsItsFeeAsUnconfirmed() {
        let result = Reconciler.reconcile(
            payments: [],
            batches: [
                TerminalBatchItem(
                    id: "B0320",
                    terminal: "T1",
                    gross: .cents(1_000_00),
                    closedOn: Self.date("2025-03-20")
                )
            ],
            entries: [],
            payouts: [],
            slips: [],
            bank: [
                BankLineItem(id: "b1", amount: .cents(970_50), date: Self.date("2025-03-21"), text: "MERCHANT B0320")
            ]
        )
        #expect(result.matches.first?.kind == .batchToBank)
        #expect(result.findings.contains { $0.kind == .unconfirmedFee && $0.amount == .cents(29_50) })
    }

    /// A generated month of a busy clinic: every payout and slip either matched to its own bank line or explained; no
    /// match ever pairs a payout or slip with another's line.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func generatedMonthsMatchWithoutWrongPairs(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var payouts: [PayoutItem] = []
        var slips: [DepositSlipItem] = []
        var bank: [BankLineItem] = []
        var truth: [String: String] = [:]
        var day = Self.date("2025-03-03")
        for index in 0..<30 {
            let nextDay = Self.shift(day, by: 1)
            let net = Money(minorUnits: Int64.random(in: 200_00...3_000_00, using: &random))
            let payout = PayoutItem(id: "PO\(1000 + index)", net: net, expected: nextDay)
            payouts.append(payout)
            // Most credits name the payout; some do not; one in ten never arrives (carried forward).
            switch Int.random(in: 0..<10, using: &random) {
            case 0: break
            case 1, 2, 3:
                bank.append(
                    BankLineItem(
                        id: "bp\(index)",
                        amount: net,
                        date: Self.shift(nextDay, by: Int.random(in: 0...2, using: &random)),
                        text: "SETTLEMENT"
                    )
                )
                truth["bp\(index)"] = payout.id
            default:
                bank.append(
                    BankLineItem(
                        id: "bp\(index)",
                        amount: net,
                        date: nextDay,
                        text: "ACH CREDIT \(payout.id) PROCESSOR"
                    )
                )
                truth["bp\(index)"] = payout.id
            }
            let slip = DepositSlipItem(
                id: "D\(day.text.filter(\.isNumber))",
                total: Money(minorUnits: Int64.random(in: 50_00...900_00, using: &random)),
                date: day
            )
            slips.append(slip)
            bank.append(
                BankLineItem(
                    id: "bs\(index)",
                    amount: slip.total,
                    date: Self.shift(day, by: Int.random(in: 0...1, using: &random)),
                    text: Bool.random(using: &random) ? "DEPOSIT \(slip.id)" : "BRANCH DEPOSIT"
                )
            )
            truth["bs\(index)"] = slip.id
            day = nextDay
        }
        let result = Reconciler.reconcile(
            payments: [],
            batches: [],
            entries: [],
            payouts: payouts,
            slips: slips,
            bank: bank
        )
        for match in result.matches where !match.suggestion {
            for line in match.right { #expect(match.left == [truth[line]], "\(match)") }
        }
        let accounted = Set(result.matches.flatMap(\.left)).union(result.findings.flatMap(\.items))
        for id in payouts.map(\.id) + slips.map(\.id) {
            #expect(accounted.contains(id), "\(id) neither matched nor explained")
        }
        for line in bank {
            #expect(Set(result.matches.flatMap(\.right)).union(result.findings.flatMap(\.items)).contains(line.id))
        }
    }

    static func shift(_ date: BusinessDate, by days: Int) -> BusinessDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = date.text.split(separator: "-").map { Int($0)! }
        let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
        let moved = calendar.dateComponents(
            [.year, .month, .day],
            from: calendar.date(byAdding: .day, value: days, to: start)!
        )
        return BusinessDate(String(format: "%04d-%02d-%02d", moved.year!, moved.month!, moved.day!))!
    }
}

extension ReconcilerTests {
    /// The processor echoes VetPOS's payment id: each payment finds its entry, and the batch is settled by them.
    @Test func paymentReferencesTieABatchToItsPayout() {
        let day = Self.date("2025-03-14")
        let result = Reconciler.reconcile(
            payments: [
                CardPaymentItem(id: 7, amount: .cents(100_00), authCode: "A1", last4: "4242", batch: "B1", date: day),
                CardPaymentItem(id: 8, amount: .cents(-20_00), authCode: "A1", last4: "4242", batch: "B1", date: day),
            ],
            batches: [TerminalBatchItem(id: "B1", terminal: "T1", gross: .cents(80_00), closedOn: day)],
            entries: [
                ProcessorEntryItem(
                    id: "e7",
                    payout: "po_9",
                    kind: .charge,
                    gross: .cents(100_00),
                    fee: .cents(3_20),
                    net: .cents(96_80),
                    paymentReference: "P7",
                    date: day
                ),
                ProcessorEntryItem(
                    id: "e8",
                    payout: "po_9",
                    kind: .refund,
                    gross: .cents(-20_00),
                    fee: .zero,
                    net: .cents(-20_00),
                    paymentReference: "P8",
                    date: day
                ),
            ],
            payouts: [PayoutItem(id: "po_9", net: .cents(76_80), expected: Self.date("2025-03-17"))],
            slips: [],
            bank: [BankLineItem(id: "b1", amount: .cents(76_80), date: Self.date("2025-03-17"), text: "TRANSFER po_9")]
        )
        #expect(result.findings.isEmpty, "\(result.findings)")
        #expect(result.matches.filter { $0.kind == .paymentToEntry }.map(\.right) == [["e7"], ["e8"]])
    }
}
