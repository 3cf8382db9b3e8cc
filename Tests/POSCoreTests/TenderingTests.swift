import POSCore
import POSTestSupport
import Testing

@Suite struct TenderingTests {
    let owner = TestClinic.clients[0].client
    let credit = TestClinic.clients[3].client
    let generator = InvoiceGenerator(seed: 1)

    @Test func cashMakesChangeFromTheLastCash() throws {
        let result = try Tendering.apply(
            [generator.payment(.credit, .cents(50_00)), PaymentInput(tender: .cash, amount: .cents(100_00))],
            due: .cents(123_45),
            client: owner,
            accountBalance: .zero
        )
        #expect(result.paid == .cents(123_45))
        #expect(result.change == .cents(26_55))
        #expect(result.payments[1].tendered == .cents(100_00))
        #expect(result.payments[1].amount == .cents(73_45))
    }

    @Test func onlyCashMayExceedWhatIsDue() {
        #expect(
            throws: POSError.invalid(
                field: "payments",
                reason: "non-cash payments of $60.00 exceed the $50.00 due; only cash gives change"
            )
        ) {
            try Tendering.apply(
                [generator.payment(.debit, .cents(60_00))],
                due: .cents(50_00),
                client: owner,
                accountBalance: .zero
            )
        }
    }

    @Test func aCheckNeedsTheIDNumber() {
        let check = PaymentInput(
            tender: .check,
            amount: .cents(10_00),
            check: CheckDetails(number: "1001", bank: "First Bank", payer: "Olive Owner", idNumber: " ")
        )
        expectCode("check.idRequired", field: "payments[0].idNumber") {
            try Tendering.apply([check], due: .cents(10_00), client: owner, accountBalance: .zero)
        }
        #expect(throws: POSError.self) {
            try Tendering.apply(
                [PaymentInput(tender: .check, amount: .cents(10_00))],
                due: .cents(10_00),
                client: owner,
                accountBalance: .zero
            )
        }
    }

    @Test func aCardNumberIsNeverAccepted() {
        let pan = PaymentInput(
            tender: .credit,
            amount: .cents(10_00),
            card: CardDetails(brand: .visa, last4: "4111111111111111", authCode: "AB12", terminalId: "T1")
        )
        #expect(
            throws: POSError.invalid(
                field: "payments[0].last4",
                reason: "only the last 4 digits of a card are accepted, never the card number"
            )
        ) {
            try Tendering.apply([pan], due: .cents(10_00), client: owner, accountBalance: .zero)
        }
        let hidden = PaymentInput(
            tender: .credit,
            amount: .cents(10_00),
            card: CardDetails(brand: .visa, last4: "1111", authCode: "AB12", terminalId: "4111-1111-1111-1111")
        )
        #expect(throws: POSError.self) {
            try Tendering.apply([hidden], due: .cents(10_00), client: owner, accountBalance: .zero)
        }
    }

    @Test func accountChargesNeedApprovedCreditWithinTheLimit() throws {
        let charge = PaymentInput(tender: .account, amount: .cents(100_00))
        #expect(throws: POSError.invalid(field: "payments", reason: "client OWNER has no approved credit account")) {
            try Tendering.apply([charge], due: .cents(100_00), client: owner, accountBalance: .zero)
        }
        #expect(
            throws: POSError.invalid(
                field: "payments",
                reason: "charging $100.00 would take client CREDIT's account to $350.00, over the $300.00 limit"
            )
        ) {
            try Tendering.apply([charge], due: .cents(100_00), client: credit, accountBalance: .cents(250_00))
        }
        let within = try Tendering.apply([charge], due: .cents(100_00), client: credit, accountBalance: .cents(200_00))
        #expect(within.paid == .cents(100_00))
    }

    @Test func paymentsMustBePositive() {
        #expect(throws: POSError.invalid(field: "payments[0].amount", reason: "must be positive")) {
            try Tendering.apply(
                [PaymentInput(tender: .cash, amount: .zero)],
                due: .cents(1),
                client: owner,
                accountBalance: .zero
            )
        }
    }
}

extension TenderingTests {
    @Test func cashThatWouldBeAllChangeIsRefused() {
        #expect(throws: POSError.invalid(field: "payments[1]", reason: "nothing is left to pay with this cash")) {
            try Tendering.apply(
                [generator.payment(.credit, .cents(10_00)), PaymentInput(tender: .cash, amount: .cents(20_00))],
                due: .cents(10_00),
                client: owner,
                accountBalance: .zero
            )
        }
    }
}
