import POSCore
import POSTestSupport
import Testing

/// A generated drawer session: its events and payments, and what an independent walk through the same timeline
/// (a running total of the cash that should be in the drawer) says at each count.
struct GeneratedSession {
    struct Expectation: Equatable {
        var kind: DrawerEventKind
        var cashier: String
        var counted: Money
        var expected: Money
        /// Cash lost or found that no event or payment recorded (and, for a close count, the miscount): what the
        /// count's over/short must come to.
        var overShort: Money
    }

    var seed: UInt64
    var events: [DrawerEvent] = []
    var payments: [DrawerPayment] = []
    /// By the count event's sequence.
    var expectations: [Int: Expectation] = [:]
    /// What the running total says after the last event or payment.
    var expectedNow: Money = .zero
    /// Every unrecorded loss or gain of the session (miscounts left out).
    var unrecordedTotal: Money = .zero

    static let cashiers = ["ANA", "BEN", "CAL", "DOT"]
    static let cardTenders: [Tender] = [.credit, .debit, .careCredit]

    /// A count of `amount` in US denominations, some bills broken into smaller ones, pennies taking what is left.
    static func count(of amount: Money, using random: inout SeededGenerator) -> CashCount {
        var left = amount.minorUnits
        var count = CashCount()
        for denomination in Denomination.usd {
            let value = denomination.value.minorUnits
            let most = left / value
            let take =
                denomination.code == "0.01"
                ? left : (Int.random(in: 0..<3, using: &random) > 0 ? most : Int64.random(in: 0...most, using: &random))
            count[denomination.code] = take
            left -= take * value
        }
        return count
    }

    init(seed: UInt64) {
        self.seed = seed
        // Built in locals (the helpers below capture them), stored at the end.
        var events: [DrawerEvent] = []
        var payments: [DrawerPayment] = []
        var expectations: [Int: Expectation] = [:]
        var unrecordedTotal = Money.zero
        var random = SeededGenerator(seed: seed)
        var sequence = 1
        var paymentNumber = Int64.random(in: 1...10_000, using: &random)
        var cashier = Self.cashiers.randomElement(using: &random)!
        // The cash really in the drawer, the running expected since the baseline, and what went unrecorded since it.
        var actual = Money(minorUnits: Int64.random(in: 0...40_000, using: &random))
        var expected = actual
        var unrecorded = Money.zero
        var cashSales: [(number: Int64, amount: Money)] = []
        var checks: [(number: Int64, amount: Money)] = []
        var cards: [(number: Int64, tender: Tender, amount: Money)] = []
        var at: Int64 = 1_741_100_400_000

        func event(_ kind: DrawerEventKind, amount: Money = .zero, count: CashCount? = nil, other: String? = nil) {
            sequence += events.isEmpty ? 0 : 1
            at += 60_000
            events.append(
                DrawerEvent(
                    sequence: sequence,
                    kind: kind,
                    amount: amount,
                    count: count,
                    reason: kind == .noSale ? "Customer needed change" : nil,
                    employee: cashier,
                    otherEmployee: other,
                    atMillis: at
                )
            )
        }
        func pay(
            _ kind: PaymentKind,
            _ tender: Tender,
            _ amount: Money,
            tendered: Money? = nil,
            reverses: Int64? = nil
        ) -> Int64 {
            paymentNumber += Int64.random(in: 1...3, using: &random)
            let tendered = tendered ?? amount
            payments.append(
                DrawerPayment(
                    number: paymentNumber,
                    kind: kind,
                    tender: tender,
                    amount: amount,
                    tendered: tendered,
                    change: kind == .payment ? tendered - amount : .zero,
                    checkNumber: tender == .check ? "C\(paymentNumber)" : nil,
                    reverses: reverses,
                    afterEvent: sequence
                )
            )
            return paymentNumber
        }
        func money(_ range: ClosedRange<Int64>) -> Money { Money(minorUnits: Int64.random(in: range, using: &random)) }
        func cashSale(_ amount: Money) {
            // Paid exactly, or with more than due and given change.
            let tendered = Bool.random(using: &random) ? amount : amount + money(1...10_000)
            cashSales.append((pay(.payment, .cash, amount, tendered: tendered), amount))
            actual += amount
            expected += amount
        }
        func record(_ kind: DrawerEventKind, counted: CashCount, miscount: Money = .zero) {
            expectations[sequence] = Expectation(
                kind: kind,
                cashier: cashier,
                counted: counted.total(Denomination.usd),
                expected: expected,
                overShort: unrecorded + miscount
            )
        }

        event(.open, count: Self.count(of: actual, using: &random))
        for _ in 0..<Int.random(in: 0...40, using: &random) {
            switch Int.random(in: 0..<17, using: &random) {
            case 0, 1:
                cashSale(money(1...30_000))
            case 2:
                // A split tender: only the cash part (with its change) goes in the drawer.
                let tender = Self.cardTenders.randomElement(using: &random)!
                let card = money(1...50_000)
                cards.append((pay(.payment, tender, card), tender, card))
                cashSale(money(1...20_000))
            case 3:
                let tender = Self.cardTenders.randomElement(using: &random)!
                let amount = money(1...50_000)
                cards.append((pay(.payment, tender, amount), tender, amount))
            case 4:
                let amount = money(1...40_000)
                checks.append((pay(.payment, .check, amount), amount))
                if Bool.random(using: &random) { _ = pay(.payment, .account, money(1...9_000)) }
            case 5:
                // A cash refund, of a sale of this session or not, no more than the drawer holds.
                guard actual.isPositive else { continue }
                let refund = money(1...min(actual.minorUnits, 5_000))
                let original = cashSales.randomElement(using: &random)?.number ?? 1
                _ = pay(.refund, .cash, -refund, reverses: original)
                actual -= refund
                expected -= refund
            case 6:
                // A voided cash sale: its amount (net of change) goes back.
                guard let index = cashSales.indices.randomElement(using: &random),
                    cashSales[index].amount <= actual
                else { continue }
                let sale = cashSales.remove(at: index)
                _ = pay(.reversal, .cash, -sale.amount, reverses: sale.number)
                actual -= sale.amount
                expected -= sale.amount
            case 7:
                guard let index = checks.indices.randomElement(using: &random) else { continue }
                let check = checks.remove(at: index)
                _ = pay(.reversal, .check, -check.amount, reverses: check.number)
            case 8:
                // Card refunds and reversals never touch the drawer.
                guard let index = cards.indices.randomElement(using: &random) else { continue }
                let card = cards.remove(at: index)
                _ = pay(
                    Bool.random(using: &random) ? .refund : .reversal,
                    card.tender,
                    -card.amount,
                    reverses: card.number
                )
            case 9:
                let amount = money(1...20_000)
                event(.paidIn, amount: amount)
                actual += amount
                expected += amount
            case 10:
                guard actual.isPositive else { continue }
                let amount = money(1...min(actual.minorUnits, 10_000))
                event(.paidOut, amount: -amount)
                actual -= amount
                expected -= amount
            case 11:
                guard actual.minorUnits > 100 else { continue }
                let drop = Self.count(of: money(1...actual.minorUnits), using: &random)
                let amount = drop.total(Denomination.usd)
                event(.safeDrop, amount: -amount, count: drop)
                actual -= amount
                expected -= amount
            case 12:
                let amount = money(-min(actual.minorUnits, 3_000)...3_000)
                guard amount != .zero else { continue }
                event(.adjustment, amount: amount)
                actual += amount
                expected += amount
            case 13:
                event(.noSale)
            case 14:
                // Money lost or found that nothing recorded: the count's variance.
                let delta = money(-min(actual.minorUnits, 2_000)...2_000)
                actual += delta
                unrecorded += delta
                unrecordedTotal += delta
            default:
                // A shift change: both cashiers count what is really there.
                let incoming = Self.cashiers.filter { $0 != cashier }.randomElement(using: &random)!
                let count = Self.count(of: actual, using: &random)
                event(.handover, count: count, other: incoming)
                record(.handover, counted: count)
                cashier = incoming
                expected = actual
                unrecorded = .zero
            }
        }
        if Int.random(in: 0..<4, using: &random) > 0 {
            let recount = Bool.random(using: &random)
            let miscount = recount ? money(-min(actual.minorUnits, 1_000)...1_000) : .zero
            let first = Self.count(of: actual + miscount, using: &random)
            event(.closeCount, count: first)
            record(.closeCount, counted: first, miscount: miscount)
            if recount {
                let second = Self.count(of: actual, using: &random)
                event(.recount, count: second)
                record(.recount, counted: second)
            }
        }
        self.events = events
        self.payments = payments
        self.expectations = expectations
        self.unrecordedTotal = unrecordedTotal
        expectedNow = expected
    }

    /// The straightforward sum, from the lists alone: the last opening or handover count before `sequence`, then
    /// every cash movement recorded after it.
    func straightforwardSum(before sequence: Int = .max) -> Money {
        let earlier = events.filter { $0.sequence < sequence }
        let baseline = earlier.last { $0.kind == .open || $0.kind == .handover }!
        let cash = payments.filter {
            $0.tender == .cash && $0.afterEvent >= baseline.sequence && $0.afterEvent < sequence
        }
        let tendered = cash.filter { $0.kind == .payment }.map(\.tendered).sum()
        let change = cash.filter { $0.kind == .payment }.map(\.change).sum()
        let refunds = cash.filter { $0.kind == .refund }.map(\.amount).sum()
        let reversals = cash.filter { $0.kind == .reversal }.map(\.amount).sum()
        let after = earlier.filter { $0.sequence > baseline.sequence }
        func total(_ kind: DrawerEventKind) -> Money { after.filter { $0.kind == kind }.map(\.amount).sum() }
        let paidIn = total(.paidIn)
        let paidOut = -total(.paidOut)
        let drops = -total(.safeDrop)
        let adjustments = total(.adjustment)
        return baseline.count!.total(Denomination.usd) + tendered - change + refunds + reversals + paidIn - paidOut
            - drops + adjustments
    }
}

@Suite struct DrawerLedgerTests {
    static let usd = Denomination.usd

    static func figures(_ session: GeneratedSession, before sequence: Int = .max) -> DrawerFigures {
        DrawerLedger.figures(
            events: session.events,
            payments: session.payments,
            denominations: usd,
            before: sequence
        )
    }

    // MARK: - Generated sessions

    @Test func expectedCashIsTheEventSumOverThousandsOfGeneratedSessions() {
        var eventKinds: Set<DrawerEventKind> = []
        var paymentKinds: Set<String> = []
        for seed in UInt64(1)...2_000 {
            let session = GeneratedSession(seed: seed)
            eventKinds.formUnion(session.events.map(\.kind))
            paymentKinds.formUnion(session.payments.map { "\($0.kind.rawValue) \($0.tender.rawValue)" })
            let now = Self.figures(session)
            #expect(now.expectedCash == session.expectedNow, "seed \(seed)")
            #expect(now.expectedCash == session.straightforwardSum(), "seed \(seed)")
            for event in session.events.dropFirst() {
                #expect(
                    Self.figures(session, before: event.sequence).expectedCash
                        == session.straightforwardSum(before: event.sequence),
                    "seed \(seed), before event \(event.sequence)"
                )
            }
        }
        // Every kind of event and of payment the ledger knows was generated.
        #expect(eventKinds == Set(DrawerEventKind.allCases))
        #expect(
            paymentKinds.isSuperset(of: [
                "payment cash", "refund cash", "reversal cash", "payment check", "reversal check", "payment credit",
                "refund debit", "reversal careCredit", "payment account",
            ])
        )
    }

    @Test func eachComponentIsItsOwnSum() {
        for seed in UInt64(10_001)...11_000 {
            let session = GeneratedSession(seed: seed)
            let figures = Self.figures(session)
            let baseline = session.events.last { $0.kind == .open || $0.kind == .handover }!
            let cash = session.payments.filter { $0.tender == .cash && $0.afterEvent >= baseline.sequence }
            let after = session.events.filter { $0.sequence > baseline.sequence }
            func events(_ kind: DrawerEventKind) -> Money { after.filter { $0.kind == kind }.map(\.amount).sum() }
            #expect(figures.baseline == baseline.count!.total(Self.usd), "seed \(seed)")
            #expect(figures.cashTendered == cash.filter { $0.kind == .payment }.map(\.tendered).sum(), "seed \(seed)")
            #expect(figures.changeGiven == cash.filter { $0.kind == .payment }.map(\.change).sum(), "seed \(seed)")
            #expect(figures.cashRefunds == cash.filter { $0.kind == .refund }.map(\.amount).sum(), "seed \(seed)")
            #expect(figures.cashReversals == cash.filter { $0.kind == .reversal }.map(\.amount).sum(), "seed \(seed)")
            #expect(figures.paidIn == events(.paidIn), "seed \(seed)")
            #expect(figures.paidOut == events(.paidOut), "seed \(seed)")
            #expect(figures.safeDrops == events(.safeDrop), "seed \(seed)")
            #expect(figures.adjustments == events(.adjustment), "seed \(seed)")
            #expect(!figures.changeGiven.isNegative && !figures.paidOut.isPositive && !figures.safeDrops.isPositive)
            #expect(!figures.cashRefunds.isPositive && !figures.cashReversals.isPositive)
        }
    }

    @Test func eachCountIsAnsweredByTheCashierOfItsStretchFromItsOwnBaseline() {
        var handovers = 0
        var recounts = 0
        for seed in UInt64(20_001)...21_500 {
            let session = GeneratedSession(seed: seed)
            let results = DrawerLedger.countResults(
                events: session.events,
                payments: session.payments,
                denominations: Self.usd
            )
            #expect(results.map(\.sequence) == session.expectations.keys.sorted(), "seed \(seed)")
            for result in results {
                let expectation = session.expectations[result.sequence]!
                #expect(result.kind == expectation.kind, "seed \(seed)")
                #expect(result.cashier == expectation.cashier, "seed \(seed), count \(result.sequence)")
                #expect(result.counted == expectation.counted, "seed \(seed), count \(result.sequence)")
                #expect(result.expected == expectation.expected, "seed \(seed), count \(result.sequence)")
                #expect(result.overShort == expectation.overShort, "seed \(seed), count \(result.sequence)")
                #expect(result.figures == Self.figures(session, before: result.sequence), "seed \(seed)")
            }
            // The stretch after a handover starts from the handover count.
            for handover in session.events where handover.kind == .handover {
                let next = session.events.first { $0.sequence > handover.sequence }?.sequence ?? .max
                #expect(
                    Self.figures(session, before: next).baseline == handover.count!.total(Self.usd),
                    "seed \(seed)"
                )
            }
            // A shortage is answered once: the handovers' and the final count's variances add up to what went
            // missing (or turned up) over the whole session, whoever had the drawer.
            let final = results.last { $0.kind != .handover }
            if let final {
                let variances = results.filter { $0.kind == .handover }.map(\.overShort).sum() + final.overShort
                #expect(variances == session.unrecordedTotal, "seed \(seed)")
            }
            handovers += results.filter { $0.kind == .handover }.count
            recounts += results.filter { $0.kind == .recount }.count
        }
        #expect(handovers > 1_000 && recounts > 300, "\(handovers) handovers, \(recounts) recounts")
    }

    @Test func cardPaymentsNeverChangeExpectedCash() {
        for seed in UInt64(30_001)...30_600 {
            let session = GeneratedSession(seed: seed)
            var random = SeededGenerator(seed: seed)
            var cashOnly = session
            cashOnly.payments.removeAll { $0.tender != .cash }
            var moreCards = session
            let lastEvent = session.events.last!.sequence
            for number in 1...Int64.random(in: 1...20, using: &random) {
                let amount = Money(minorUnits: Int64.random(in: 1...100_000, using: &random))
                let refund = Bool.random(using: &random)
                moreCards.payments.append(
                    DrawerPayment(
                        number: 1_000_000 + number,
                        kind: refund ? .refund : .payment,
                        tender: GeneratedSession.cardTenders.randomElement(using: &random)!,
                        amount: refund ? -amount : amount,
                        tendered: refund ? -amount : amount,
                        change: .zero,
                        checkNumber: nil,
                        reverses: refund ? 1 : nil,
                        afterEvent: Int.random(in: 1...lastEvent, using: &random)
                    )
                )
            }
            moreCards.payments.shuffle(using: &random)
            for variant in [cashOnly, moreCards] {
                for sequence in session.events.map(\.sequence) + [.max] {
                    #expect(
                        Self.figures(variant, before: sequence) == Self.figures(session, before: sequence),
                        "seed \(seed)"
                    )
                }
                #expect(
                    DrawerLedger.countResults(
                        events: variant.events,
                        payments: variant.payments,
                        denominations: Self.usd
                    )
                        == DrawerLedger.countResults(
                            events: session.events,
                            payments: session.payments,
                            denominations: Self.usd
                        ),
                    "seed \(seed)"
                )
            }
        }
    }

    @Test func expectedChecksAreTheChecksTakenLessThoseReversed() {
        for seed in UInt64(40_001)...41_000 {
            let session = GeneratedSession(seed: seed)
            let reversed = Set(
                session.payments.filter { $0.kind == .reversal && $0.tender == .check }.compactMap(\.reverses)
            )
            var expected: [Int64] = []
            for payment in session.payments
            where payment.tender == .check && payment.kind == .payment && !reversed.contains(payment.number) {
                expected.append(payment.number)
            }
            let checks = DrawerLedger.expectedChecks(session.payments)
            #expect(checks.map(\.number) == expected, "seed \(seed)")
            #expect(checks.allSatisfy { $0.tender == .check && $0.amount.isPositive && $0.checkNumber != nil })
        }
    }

    // MARK: - Worked examples

    static func event(
        _ sequence: Int,
        _ kind: DrawerEventKind,
        _ amount: String = "0.00",
        count: String? = nil,
        by employee: String = "CSR",
        to other: String? = nil
    ) -> DrawerEvent {
        DrawerEvent(
            sequence: sequence,
            kind: kind,
            amount: .dollars(amount),
            count: count.map { try! CashCount.parse($0, denominations: usd) },
            employee: employee,
            otherEmployee: other,
            atMillis: Int64(sequence) * 60_000
        )
    }

    static func payment(
        _ number: Int64,
        _ tender: Tender,
        _ amount: String,
        kind: PaymentKind = .payment,
        tendered: String? = nil,
        reverses: Int64? = nil,
        after event: Int
    ) -> DrawerPayment {
        let amount = Money.dollars(amount)
        let tendered = tendered.map(Money.dollars) ?? amount
        return DrawerPayment(
            number: number,
            kind: kind,
            tender: tender,
            amount: amount,
            tendered: tendered,
            change: kind == .payment ? tendered - amount : .zero,
            checkNumber: tender == .check ? "1001" : nil,
            reverses: reverses,
            afterEvent: event
        )
    }

    /// A morning by hand: every figure written out.
    @Test func aMorningWorkedByHand() {
        let events = [
            Self.event(1, .open, count: "20x3,10x4,5x6,1x20"),  // $150.00
            Self.event(2, .paidIn, "20.00"),
            Self.event(3, .paidOut, "-12.34"),
            Self.event(4, .noSale),
            Self.event(5, .safeDrop, "-100.00", count: "20x5"),
            Self.event(6, .adjustment, "1.00"),
        ]
        let payments = [
            // $42.50 paid with a $50 bill: $7.50 change.
            Self.payment(1, .cash, "42.50", tendered: "50.00", after: 1),
            // $100.00 split: $60.00 on a card, $40.00 cash from a $50 bill.
            Self.payment(2, .credit, "60.00", after: 1),
            Self.payment(3, .cash, "40.00", tendered: "50.00", after: 1),
            Self.payment(4, .check, "80.00", after: 2),
            Self.payment(5, .cash, "-5.00", kind: .refund, reverses: 3, after: 3),
            // The first sale voided: the $42.50 it really left in the drawer goes back.
            Self.payment(6, .cash, "-42.50", kind: .reversal, reverses: 1, after: 4),
            Self.payment(7, .debit, "19.99", after: 6),
        ]
        let figures = DrawerLedger.figures(events: events, payments: payments, denominations: Self.usd)
        #expect(figures.baseline == .dollars("150.00"))
        #expect(figures.cashTendered == .dollars("100.00"))
        #expect(figures.changeGiven == .dollars("17.50"))
        #expect(figures.cashRefunds == .dollars("-5.00"))
        #expect(figures.cashReversals == .dollars("-42.50"))
        #expect(figures.paidIn == .dollars("20.00"))
        #expect(figures.paidOut == .dollars("-12.34"))
        #expect(figures.safeDrops == .dollars("-100.00"))
        #expect(figures.adjustments == .dollars("1.00"))
        // 150 + 100 − 17.50 − 5 − 42.50 + 20 − 12.34 − 100 + 1
        #expect(figures.expectedCash == .dollars("93.66"))
        // Before the drop, the drawer should have held $100 more.
        #expect(
            DrawerLedger.figures(events: events, payments: payments, denominations: Self.usd, before: 5).expectedCash
                == .dollars("192.66")
        )
        #expect(DrawerLedger.expectedChecks(payments).map(\.number) == [4])
    }

    /// A $10 shortage at the shift change is the outgoing cashier's; the incoming cashier starts from what was
    /// really there and closes even.
    @Test func aShortageAtTheHandoverIsTheOutgoingCashiersAndIsNotCountedAgain() {
        let events = [
            Self.event(1, .open, count: "20x5,1x50", by: "CSR"),  // $150.00
            Self.event(2, .handover, count: "20x7,1x50", by: "CSR", to: "CSR2"),  // $190.00, $10 short of $200
            Self.event(3, .paidOut, "-5.00", by: "CSR2"),
            Self.event(4, .closeCount, count: "20x8,1x45", by: "CSR2"),  // $205.00
            Self.event(5, .recount, count: "20x8,1x46", by: "MGR"),  // $206.00
        ]
        let payments = [
            Self.payment(1, .cash, "50.00", tendered: "60.00", after: 1),  // +$50.00
            Self.payment(2, .check, "75.00", after: 1),
            Self.payment(3, .cash, "20.00", after: 2),  // +$20.00, the incoming cashier's
            Self.payment(4, .careCredit, "300.00", after: 3),
        ]
        let results = DrawerLedger.countResults(events: events, payments: payments, denominations: Self.usd)
        #expect(results.map(\.kind) == [.handover, .closeCount, .recount])
        #expect(results.map(\.cashier) == ["CSR", "CSR2", "CSR2"])
        #expect(results.map(\.expected) == [.dollars("200.00"), .dollars("205.00"), .dollars("205.00")])
        #expect(results.map(\.overShort) == [.dollars("-10.00"), .dollars("0.00"), .dollars("1.00")])
        #expect(results[1].figures.baseline == .dollars("190.00"))
        #expect(results[1].figures.cashTendered == .dollars("20.00"))
        let figures = DrawerLedger.figures(events: events, payments: payments, denominations: Self.usd)
        #expect(figures == results[2].figures)
    }

    @Test func aSessionWithOnlyItsOpeningExpectsTheOpeningCount() {
        let events = [Self.event(1, .open, count: "100x1,0.01x7")]
        let figures = DrawerLedger.figures(events: events, payments: [], denominations: Self.usd)
        #expect(figures.expectedCash == .dollars("100.07"))
        #expect(DrawerLedger.countResults(events: events, payments: [], denominations: Self.usd).isEmpty)
    }

    // MARK: - Counts as typed

    @Test func aCountIsReadAsTyped() throws {
        let count = try CashCount.parse(
            " 100x2, 20x15 ,roll-0.25x2,0.25x40,,20x1,5x0",
            denominations: Self.usd
        )
        #expect(count == CashCount(["100": 2, "20": 16, "roll-0.25": 2, "0.25": 40]))
        #expect(count.total(Self.usd) == .dollars("550.00"))
        #expect(count.text(Self.usd) == "100x2,20x16,roll-0.25x2,0.25x40")
        #expect(try CashCount.parse(count.text(Self.usd), denominations: Self.usd) == count)
        #expect(try CashCount.parse("", denominations: Self.usd).isEmpty)
        let float = try CashCount.parse(
            "20x3,10x4,5x6,1x20,roll-0.25x1,0.25x20,0.10x20,0.05x10,0.01x50",
            denominations: Self.usd
        )
        #expect(float.total(Self.usd) == .dollars("168.00"))
    }

    static let known =
        "unknown denomination (known: 100, 50, 20, 10, 5, 2, 1, roll-0.25, roll-0.10, roll-0.05, roll-0.01, 1.00, 0.50, "
        + "0.25, 0.10, 0.05, 0.01)"

    @Test(
        arguments: [
            ("20x3,3x1", "--count, 3", "count.unknownDenomination"),
            ("20x3,0.02x5", "--count, 0.02", "count.unknownDenomination"),
            ("$20x3", "--count, $20", "count.unknownDenomination"),
            ("20x-1", "--count, 20", "count.negative"),
            ("1x5,0.25x-40", "--count, 0.25", "count.negative"),
            ("junk", "--count", "count.badFormat"),
            ("20x", "--count", "count.badFormat"),
            ("20x3x4", "--count", "count.badFormat"),
            ("20 x 3", "--count", "count.badFormat"),
            ("20x1.5", "--count", "count.badFormat"),
            ("20:3", "--count", "count.badFormat"),
            ("20x100001", "--count, 20", "count.tooLarge"),
            ("20x60000,20x60000", "--count, 20", "count.tooLarge"),
            // Far past the limit, and twice: refused, never an arithmetic overflow.
            ("20x9223372036854775807,20x9223372036854775807", "--count, 20", "count.tooLarge"),
        ]
    )
    func aBadCountIsRefused(text: String, field: String, code: String) {
        expectCode(code, field: field) { try CashCount.parse(text, denominations: Self.usd) }
    }

    @Test func aRefusalNamesTheFieldItWasGiven() {
        expectCode("count.unknownDenomination", field: "close count, 7") {
            try CashCount.parse("7x1", denominations: Self.usd, field: "close count")
        }
        expectCode("count.negative", field: "safe drop count, 20") {
            try CashCount(["20": -2]).validate(Self.usd, field: "safe drop count")
        }
        expectCode("count.unknownDenomination", field: "opening count, X") {
            try CashCount(["X": 1]).validate(Self.usd, field: "opening count")
        }
    }
}

extension Money {
    fileprivate static func dollars(_ text: String) -> Money { Money(parsing: text)! }
}
