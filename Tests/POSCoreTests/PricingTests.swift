import POSCore
import POSTestSupport
import Testing

@Suite struct PricingTests {
    static let items = Dictionary(uniqueKeysWithValues: TestClinic.catalog.map { ($0.code, $0) })

    func line(_ code: String, _ quantity: String = "1", pet: String = "REX") -> LineInput {
        LineInput(patientId: pet, item: Self.items[code]!, quantity: Quantity(parsing: quantity)!, providerId: "VET")
    }

    func price(_ lines: [LineInput], _ discounts: [DiscountSpec] = []) throws -> PricedInvoice {
        try Pricing.price(lines: lines, discounts: discounts, taxRatePPM: InvoiceGenerator.taxRate)
    }

    @Test func taxIsPerLineRoundedHalfUp() throws {
        // 71.99 × 8.25 % = 5.939175 → 5.94; 7.49 × 9.875 % = 0.7396375 → 0.74; exam exempt.
        let invoice = try price([line("FOOD"), line("TOY"), line("EXAM")])
        #expect(invoice.lines.map(\.tax) == [.cents(594), .cents(74), .zero])
        #expect(invoice.subtotal == .cents(71_99 + 7_49 + 62_00))
        #expect(invoice.total == .cents(71_99 + 7_49 + 62_00 + 594 + 74))
    }

    @Test func fractionalQuantitiesRoundToTheCent() throws {
        // 0.33 × 2.5 mL = 0.825 → 0.83 (half away from zero); 1.95 × 0.125 = 0.24375 → 0.24.
        let invoice = try price([line("SUSP", "2.5"), line("APOQUEL", "0.125")])
        #expect(invoice.lines.map(\.extended) == [.cents(83), .cents(24)])
    }

    @Test func lineDiscountsApplyBeforeInvoiceDiscounts() throws {
        let invoice = try price(
            [line("EXAM"), line("RABIES")],
            [
                DiscountSpec(
                    discountClass: .multiplePets,
                    method: .percent(Percent(basisPoints: 10_00)),
                    target: .invoice(.all)
                ),
                DiscountSpec(
                    discountClass: .complimentaryExam,
                    method: .percent(Percent(basisPoints: 100_00)),
                    target: .line(1)
                ),
            ]
        )
        // The exam is free first; 10 % then applies to the rabies vaccine only: 2.499 → 2.50.
        #expect(invoice.discounts.map(\.amount) == [.cents(2_50), .cents(62_00)])
        #expect(invoice.lines.map(\.discount) == [.cents(62_00), .cents(2_50)])
        #expect(invoice.total == .cents(24_99 - 2_50))
    }

    @Test func invoiceDiscountIsSpreadOverItsScopeAndTaxFollows() throws {
        let invoice = try price(
            [line("FOOD"), line("TOY"), line("EXAM")],
            [DiscountSpec(discountClass: .coupon, method: .amount(.cents(10_00)), target: .invoice(.kind(.product)))]
        )
        let discount = try #require(invoice.discounts.first)
        #expect(discount.base == .cents(79_48))
        #expect(discount.allocations.sum() == .cents(10_00))
        #expect(discount.allocations[2] == .zero)
        // Tax is on what the client pays: (71.99 − 9.06) × 8.25 % and (7.49 − 0.94) × 9.875 %.
        #expect(invoice.lines[0].discount == .cents(9_06))
        #expect(invoice.lines[0].tax == .cents(519))
        #expect(invoice.lines[1].tax == .cents(65))
    }

    @Test func refusesDiscountsThatCannotApply() throws {
        #expect(
            throws: POSError.invalid(
                field: "discounts[0].amount",
                reason: "$100.00 exceeds the $62.00 it applies to on line 1"
            )
        ) {
            try price(
                [line("EXAM")],
                [DiscountSpec(discountClass: .employee, method: .amount(.cents(100_00)), target: .line(1))]
            )
        }
        #expect(
            throws: POSError.invalid(field: "discounts[0]", reason: "nothing left to discount on invoice (product)")
        ) {
            try price(
                [line("EXAM")],
                [
                    DiscountSpec(
                        discountClass: .employee,
                        method: .percent(Percent(basisPoints: 500)),
                        target: .invoice(.kind(.product))
                    )
                ]
            )
        }
        #expect(throws: POSError.invalid(field: "discounts[0].line", reason: "there is no line 3 on this invoice")) {
            try price(
                [line("EXAM")],
                [DiscountSpec(discountClass: .employee, method: .percent(Percent(basisPoints: 500)), target: .line(3))]
            )
        }
        #expect(throws: POSError.invalid(field: "discounts[0].percent", reason: "must be more than 0 and at most 100"))
        {
            try price(
                [line("EXAM")],
                [
                    DiscountSpec(
                        discountClass: .employee,
                        method: .percent(Percent(basisPoints: 10_001)),
                        target: .line(1)
                    )
                ]
            )
        }
    }

    @Test func refusesBadLines() {
        #expect(throws: POSError.invalid(field: "lines", reason: "an invoice needs at least one line")) {
            try price([])
        }
        var negative = line("EXAM")
        negative.item.unitPrice = .cents(-1)
        #expect(throws: POSError.invalid(field: "lines[0].item", reason: "item EXAM has a negative price")) {
            try price([negative])
        }
        var zero = line("EXAM")
        zero.quantity = Quantity(thousandths: 0)
        #expect(throws: POSError.invalid(field: "lines[0].quantity", reason: "must be more than 0")) {
            try price([zero])
        }
    }

    /// Thousands of generated visits: every total is the sum of its parts and no cent is lost or made.
    @Test(arguments: 0..<4)
    func totalsTieOutOverGeneratedInvoices(batch: UInt64) throws {
        var generator = InvoiceGenerator(seed: 0xC0FFEE + batch)
        for _ in 0..<1000 {
            let lines = generator.lines()
            let discounts = generator.discounts(for: lines)
            let invoice = try price(lines, discounts)
            // lines − discounts + tax = total
            #expect(invoice.subtotal - invoice.discountTotal + invoice.taxTotal == invoice.total)
            #expect(invoice.lines.map(\.total).sum() == invoice.total)
            #expect(invoice.patientSubtotals.map(\.total).sum() == invoice.total)
            // Each discount's allocations add up to it; all discounts add up to the lines' discounts.
            for discount in invoice.discounts { #expect(discount.allocations.sum() == discount.amount) }
            #expect(invoice.discounts.map(\.amount).sum() == invoice.discountTotal)
            for line in invoice.lines {
                #expect(line.discount >= .zero && line.discount <= line.extended)
                #expect(
                    line.tax
                        == Money(
                            minorUnits: mulDiv(
                                line.net.minorUnits,
                                line.taxRatePPM,
                                1_000_000,
                                rounding: .halfAwayFromZero
                            )
                        )
                )
            }
            // payments = total + change, and only cash gives change.
            let payments = generator.payments(due: invoice.total)
            let owner = TestClinic.clients[0].client
            let result = try Tendering.apply(payments, due: invoice.total, client: owner, accountBalance: .zero)
            let handedOver = payments.map(\.amount).sum()
            #expect(result.paid + result.change == handedOver)
            #expect(result.paid <= invoice.total)
            #expect(result.change == .zero || result.paid == invoice.total)
            #expect(result.payments.filter { $0.tender != .cash }.allSatisfy { $0.change == .zero })
            for payment in result.payments { #expect(payment.tendered - payment.change == payment.amount) }
        }
    }
}
