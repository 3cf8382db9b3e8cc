import POSCore
import POSReports
import Testing

/// People's decisions on top of the rules, and the batch-matching columns built from the result.
@Suite struct ReconciliationDecisionTests {
    static func date(_ text: String) -> BusinessDate { BusinessDate(text)! }

    /// Two days of one terminal: Friday's batch paid out Monday, Saturday's split across two payouts, a refund of
    /// Friday's sale rung into Saturday's batch, a chargeback netted in the second payout, and two bank credits.
    static let inputs = ReconciliationInputs(
        payments: [
            CardPaymentItem(
                id: 1,
                amount: .cents(100_00),
                authCode: "A1",
                last4: "4242",
                batch: "B1",
                date: date("2025-03-14")
            ),
            CardPaymentItem(
                id: 2,
                amount: .cents(50_00),
                authCode: "A2",
                last4: "1111",
                batch: "B1",
                date: date("2025-03-14")
            ),
            CardPaymentItem(
                id: 3,
                amount: .cents(80_00),
                authCode: "A3",
                last4: "5555",
                batch: "B2",
                date: date("2025-03-15")
            ),
            CardPaymentItem(
                id: 4,
                amount: .cents(-20_00),
                authCode: "A4",
                last4: "4242",
                batch: "B2",
                date: date("2025-03-15")
            ),
            CardPaymentItem(
                id: 5,
                amount: .cents(40_00),
                authCode: "A5",
                last4: "7777",
                batch: "B2",
                date: date("2025-03-15")
            ),
        ],
        batches: [
            TerminalBatchItem(id: "B1", terminal: "T1", gross: .cents(150_00), closedOn: date("2025-03-14")),
            TerminalBatchItem(id: "B2", terminal: "T1", gross: .cents(100_00), closedOn: date("2025-03-15")),
            TerminalBatchItem(
                id: "B2-CC",
                terminal: "T1",
                gross: .cents(300_00),
                closedOn: date("2025-03-15"),
                careCredit: true
            ),
        ],
        entries: [
            entry("e1", "po_1", .charge, 100_00, 3_20, paymentReference: "P1", on: "2025-03-14"),
            entry("e2", "po_1", .charge, 50_00, 1_75, paymentReference: "P2", on: "2025-03-14"),
            entry("e3", "po_2", .charge, 80_00, 2_62, paymentReference: "P3", on: "2025-03-15"),
            entry("e4", "po_2", .refund, -20_00, 0, paymentReference: "P4", on: "2025-03-15"),
            entry("e5", "po_3", .charge, 40_00, 1_46, paymentReference: "P5", on: "2025-03-15"),
            entry("e6", "po_3", .chargeback, -25_00, 15_00, on: "2025-03-16"),
        ],
        payouts: [
            PayoutItem(id: "po_1", net: .cents(145_05), expected: date("2025-03-17")),
            PayoutItem(id: "po_2", net: .cents(57_38), expected: date("2025-03-17")),
            PayoutItem(id: "po_3", net: .cents(-1_46), expected: date("2025-03-18")),
        ],
        bank: [
            BankLineItem(id: "bk:1", amount: .cents(145_05), date: date("2025-03-17"), text: "STRIPE po_1"),
            BankLineItem(id: "bk:2", amount: .cents(57_38), date: date("2025-03-17"), text: "STRIPE po_2"),
            BankLineItem(id: "bk:3", amount: .cents(291_00), date: date("2025-03-24"), text: "CARECREDIT MERCH DEP"),
        ]
    )

    static func entry(
        _ id: String,
        _ payout: String,
        _ kind: ProcessorEntryItem.Kind,
        _ gross: Int64,
        _ fee: Int64,
        paymentReference: String? = nil,
        on day: String
    ) -> ProcessorEntryItem {
        ProcessorEntryItem(
            id: id,
            payout: payout,
            kind: kind,
            gross: .cents(gross),
            fee: .cents(fee),
            net: .cents(gross - fee),
            paymentReference: paymentReference,
            date: date(day)
        )
    }

    static func decision(
        _ number: Int64,
        _ action: ReconciliationDecision.Action,
        left: [MatchItem] = [],
        right: [MatchItem] = [],
        reverses: Int64? = nil
    ) -> ReconciliationDecision {
        ReconciliationDecision(
            number: number,
            action: action,
            left: left,
            right: right,
            reason: "test",
            reverses: reverses,
            decidedBy: "BOOK"
        )
    }

    @Test func itemsAreTypedAndRefusedWhenMalformed() throws {
        #expect(try MatchItem(parsing: "bank:000123:BK-1") == MatchItem(.bank, "000123:BK-1"))
        for bad in ["payout", "po_1", "cheque:12", "bank:", ""] {
            #expect(throws: POSError.self, "\(bad)") { try MatchItem(parsing: bad) }
        }
    }

    @Test func aHandMadeMatchTakesItsItemsOutOfTheRules() {
        let manual = Self.decision(1, .match, left: [MatchItem(.batch, "B2-CC")], right: [MatchItem(.bank, "bk:3")])
        let result = Reconciler.reconcile(Self.inputs, decisions: [manual])
        let made = result.matches.filter { $0.decision == 1 }
        #expect(made.count == 1 && made[0].kind == .batchToBank && made[0].rule == .manual)
        #expect(!result.findings.contains { $0.items.contains("B2-CC") || $0.items.contains("bk:3") })

        // Reversed, the CareCredit batch and the credit are open again and listed with the day they wait from.
        let reversed = Reconciler.reconcile(
            Self.inputs,
            decisions: [manual, Self.decision(2, .reversal, reverses: 1)]
        )
        #expect(!reversed.matches.contains { $0.decision != nil })
        let open = reversed.findings.first { $0.item == MatchItem(.batch, "B2-CC") }
        #expect(open?.kind == .unmatched && open?.since == Self.date("2025-03-15"))
        #expect(reversed.findings.contains { $0.item == MatchItem(.bank, "bk:3") })
    }

    @Test func aWriteOffIsListedAndNeverMatched() {
        let writeOff = Self.decision(1, .writeOff, left: [MatchItem(.bank, "bk:3"), MatchItem(.batch, "B2-CC")])
        let result = Reconciler.reconcile(Self.inputs, decisions: [writeOff])
        #expect(result.writtenOff == [writeOff])
        #expect(!result.findings.contains { $0.items.contains("bk:3") || $0.items.contains("B2-CC") })
        #expect(!result.matches.contains { $0.right.contains("bk:3") })
        let careCredit = BatchSettlement.of(
            [Self.inputs.batches[2]],
            inputs: Self.inputs,
            result: result,
            asOf: Self.date("2025-03-19")
        )[0]
        #expect(careCredit.status == .writtenOff)
        #expect(careCredit.explanation == ["written off by BOOK (decision 1): test"])
    }

    @Test func aDecisionIsCheckedAgainstWhatMatchingSees() throws {
        // A payout and its credit tie to the cent.
        let exact = try Reconciler.check(
            Self.decision(0, .match, left: [MatchItem(.payout, "po_2")], right: [MatchItem(.bank, "bk:2")]),
            against: Self.inputs
        )
        #expect(exact.amount == .zero)
        // A CareCredit batch against its credit: the difference is the fee, and only a shortfall is possible.
        let careCredit = try Reconciler.check(
            Self.decision(0, .match, left: [MatchItem(.batch, "B2-CC")], right: [MatchItem(.bank, "bk:3")]),
            against: Self.inputs
        )
        #expect(careCredit.amount == .cents(9_00))
        // A card payment is matched to the processor's gross, not its net.
        let payment = try Reconciler.check(
            Self.decision(0, .match, left: [MatchItem(.payment, "P1")], right: [MatchItem(.entry, "e1")]),
            against: Self.inputs
        )
        #expect(payment.amount == .zero)
        let writeOff = try Reconciler.check(
            Self.decision(0, .writeOff, left: [MatchItem(.payout, "po_3"), MatchItem(.bank, "bk:2")]),
            against: Self.inputs
        )
        #expect(writeOff.amount == .cents(57_38 - 1_46))

        func refusal(_ decision: ReconciliationDecision) -> String {
            do {
                _ = try Reconciler.check(decision, against: Self.inputs)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(
            refusal(Self.decision(0, .match, left: [MatchItem(.payout, "po_1")], right: [MatchItem(.bank, "bk:2")]))
                .contains("differ by $87.67")
        )
        #expect(
            refusal(Self.decision(0, .match, left: [MatchItem(.payout, "po_9")], right: [MatchItem(.bank, "bk:1")]))
                .contains("po_9")
        )
        #expect(
            refusal(Self.decision(0, .match, left: [MatchItem(.slip, "D1")], right: [MatchItem(.payout, "po_1")]))
                .contains("slip")
        )
        #expect(
            refusal(Self.decision(0, .match, left: [MatchItem(.batch, "B1")], right: [MatchItem(.bank, "bk:3")]))
                .contains("at most the batches' gross")
        )
    }

    @Test func batchColumnsExplainEachBatch() {
        let result = Reconciler.reconcile(Self.inputs, decisions: [])
        let rows = BatchSettlement.of(
            Self.inputs.batches,
            inputs: Self.inputs,
            result: result,
            asOf: Self.date("2025-03-19")
        )
        let byBatch = Dictionary(uniqueKeysWithValues: rows.map { ($0.batch, $0) })

        // Friday: settled exactly, paid out Monday.
        let friday = byBatch["B1"]!
        #expect(friday.status == .matched, "\(friday)")
        #expect(friday.settledGross == .cents(150_00) && friday.fees == .cents(4_95) && friday.net == .cents(145_05))
        #expect(friday.bankCredits.map(\.line) == ["bk:1"])

        // Saturday: the refund of Friday's sale is in this batch and in its settlement; the batch is split across
        // po_2 (credited) and po_3 (a negative payout after the chargeback, never at the bank): pending, explained.
        let saturday = byBatch["B2"]!
        #expect(saturday.settledGross == .cents(100_00))
        #expect(saturday.payouts == ["po_2", "po_3"])
        #expect(saturday.status == .pending)
        #expect(saturday.explanation.contains { $0.contains("po_3") && $0.contains("not at the bank") })

        // CareCredit: nothing from a processor and no credit with its id yet.
        let careCredit = byBatch["B2-CC"]!
        #expect(careCredit.status == .pending)
        #expect(
            careCredit.explanation == [
                "not settled yet: closed 2025-03-15, 4 days ago (CareCredit pays later than cards)"
            ]
        )

        // The chargeback is an explicit line of its payout, and the parts add up to the net.
        let payouts = PayoutComposition.of(["po_2", "po_3"], inputs: Self.inputs, result: result)
        let po3 = payouts[1]
        #expect(po3.chargebacks == .cents(-25_00) && po3.fees == .cents(-16_46) && po3.charges == .cents(40_00))
        #expect(po3.explicitLines.contains { $0.hasPrefix("chargeback e6 ") })
        for payout in payouts {
            #expect(
                payout.charges + payout.refunds + payout.fees + payout.chargebacks + payout.adjustments == payout.net
            )
        }
        #expect(payouts[0].refunds == .cents(-20_00) && payouts[0].bankLine == "bk:2")
    }

    @Test func aPaymentMissingFromTheSettlementIsAMismatchNamingIt() {
        var inputs = Self.inputs
        inputs.entries.removeAll { $0.id == "e2" }
        inputs.payouts[0].net = .cents(96_80)
        inputs.bank[0].amount = .cents(96_80)
        let result = Reconciler.reconcile(inputs, decisions: [])
        let friday = BatchSettlement.of(
            [inputs.batches[0]],
            inputs: inputs,
            result: result,
            asOf: Self.date("2025-03-19")
        )[0]
        #expect(friday.status == .mismatch)
        #expect(friday.explanation.first == "settled $100.00 against $150.00 taken: -$50.00")
        #expect(friday.explanation.contains("P2 $50.00 (card …1111) is not in a settlement file"))
    }
}
