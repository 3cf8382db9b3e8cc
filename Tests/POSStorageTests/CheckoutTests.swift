import Foundation
import GRDB
import POSCore
import POSStorage
import POSTestSupport
import Testing

@Suite struct CheckoutTests {
    /// Asserts every tie-out a printed invoice relies on.
    static func expectTiesOut(_ view: InvoiceView, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(view.subtotal - view.discountTotal + view.taxTotal == view.total, sourceLocation: sourceLocation)
        #expect(view.lines.map(\.total).sum() == view.total, sourceLocation: sourceLocation)
        #expect(view.pets.map(\.total).sum() == view.total, sourceLocation: sourceLocation)
        #expect(view.discounts.map(\.amount).sum() == view.discountTotal, sourceLocation: sourceLocation)
        for line in view.lines {
            #expect(
                line.extended - line.discount + line.tax == line.total,
                "line \(line.line)",
                sourceLocation: sourceLocation
            )
        }
        #expect(view.lines.map(\.line) == Array(1...view.lines.count), sourceLocation: sourceLocation)
        for payment in view.payments where payment.kind == .payment {
            #expect(
                payment.tendered - payment.change == payment.amount,
                "payment \(payment.number)",
                sourceLocation: sourceLocation
            )
            #expect(payment.change == .zero || payment.tender == .cash, sourceLocation: sourceLocation)
        }
    }

    @Test func aCheckoutIsStoredWholeAndTiesOut() async throws {
        let f = try await StoreFixture.make()
        let lines = [
            f.line("REX", "EXAM"),
            f.line("REX", "FOOD", "2", by: "TECH"),
            f.line("MIA", "RABIES", by: "TECH"),
            f.line("MIA", "SUSP", "2.5"),
            f.line("MIA", "WASTE", by: "TECH"),
            f.line("REX", "TOY", "3", by: "TECH"),
        ]
        let expected = try StoreFixture.price(
            lines,
            [DiscountSpec(discountClass: .multiplePets, method: .percent(.percent(5)), target: .invoice(.all))]
        )
        let cashHanded = Money.dollars("500.00")
        let view = try await f.checkout(
            "OWNER",
            lines,
            discounts: [DiscountRequest(discountClass: .multiplePets, method: .percent(.percent(5)))],
            payments: [f.card(.credit, .dollars("50.00")), f.check(.dollars("30.00")), f.cash(cashHanded)]
        )

        Self.expectTiesOut(view)
        // The store prices exactly as the domain's rules do.
        #expect(view.subtotal == expected.subtotal)
        #expect(view.discountTotal == expected.discountTotal)
        #expect(view.taxTotal == expected.taxTotal)
        #expect(view.total == expected.total)
        #expect(view.discountTotal.isPositive && view.taxTotal.isPositive)
        #expect(view.lines.map(\.item) == ["EXAM", "FOOD", "RABIES", "SUSP", "WASTE", "TOY"])
        #expect(view.lines[3].extended == .cents(83))  // 2.5 mL × $0.33 = 82.5¢, half away from zero
        #expect(view.pets.map(\.patient) == ["REX", "MIA"])
        #expect(view.status == .paid)
        #expect(view.balanceDue == .zero)
        #expect(view.paid == view.total)
        #expect(view.payments.map(\.amount).sum() == view.total)
        #expect(view.payments.map(\.tender) == [.credit, .check, .cash])
        let cash = try #require(view.payments.first { $0.tender == .cash })
        #expect(cash.tendered == cashHanded)
        #expect(cash.amount == view.total - .dollars("80.00"))
        #expect(cash.change == cashHanded - cash.amount)
        #expect(view.businessDate == StoreFixture.firstDay)

        // Reading it back gives the same invoice.
        #expect(try await f.store.invoice(view.number) == view)

        // The stored rows agree: totals, discount allocations, and one journal entry per posting and payment.
        let raw = try f.rawConnection(readonly: true)
        let (total, allocated, status) = try await raw.read { db in
            (
                try Int64.fetchOne(db, sql: "SELECT total FROM invoice WHERE number = ?", arguments: [view.number])!,
                try Int64.fetchOne(
                    db,
                    sql: "SELECT SUM(amount) FROM discountAllocation WHERE invoiceNumber = ?",
                    arguments: [view.number]
                )!,
                try String.fetchOne(db, sql: "SELECT status FROM invoice WHERE number = ?", arguments: [view.number])!
            )
        }
        #expect(total == view.total.minorUnits)
        #expect(allocated == view.discountTotal.minorUnits)
        #expect(status == "posted")
        let journal = try await f.store.journalEntries(limit: 1000)
        #expect(
            journal.suffix(4).map(\.kind) == [
                "invoice.posted", "payment.received", "payment.received", "payment.received",
            ]
        )
        #expect(journal.suffix(4).allSatisfy { $0.atMillis == f.clock.now })
    }

    @Test func anUnpaidCheckoutIsPostedWithTheWholeBalanceDue() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout("OWNER", [f.line("REX", "EXAM")])
        Self.expectTiesOut(view)
        #expect(view.status == .posted)
        #expect(view.total == .dollars("62.00"))
        #expect(view.balanceDue == view.total)
        #expect(view.payments.isEmpty)
    }
}

@Suite struct DiscountFlowTests {
    @Test func csrEmployeeDiscountWithManagerApprovalRecordsApproverAndReason() async throws {
        let f = try await StoreFixture.make()
        let lines = [f.line("BUDDY", "EXAM"), f.line("BUDDY", "FOOD", by: "TECH")]
        let reason = "Staff benefit: 20% on own pets"
        let view = try await f.checkout(
            "STAFF",
            lines,
            discounts: [
                DiscountRequest(
                    discountClass: .employee,
                    method: .percent(.percent(20)),
                    approval: f.approval(reason: reason)
                )
            ]
        )
        CheckoutTests.expectTiesOut(view)
        let discount = try #require(view.discounts.first)
        #expect(view.discounts.count == 1)
        #expect(discount.discountClass == .employee)
        #expect(discount.appliedBy == "CSR")
        #expect(discount.approvedBy == "MGR")
        #expect(discount.reason == reason)
        let expected = try StoreFixture.price(
            lines,
            [DiscountSpec(discountClass: .employee, method: .percent(.percent(20)), target: .invoice(.all))]
        )
        #expect(discount.amount == expected.discountTotal)
        #expect(discount.amount == .dollars("26.80"))  // 20% of $62.00 + $71.99, half away from zero
        #expect(view.total == expected.total)

        // Stored as such, and the journal keeps who approved, never the PIN.
        let snapshot = try await f.snapshot()
        let discountRow = try #require(snapshot.rows("invoiceDiscount").first)
        #expect(discountRow.contains("\"MGR\""))
        #expect(discountRow.contains("\"\(reason)\""))
        let posted = try #require(try await f.store.journalEntries(limit: 1000).last { $0.kind == "invoice.posted" })
        #expect(posted.payload.contains("\"approvedBy\":\"MGR\""))
        let stored = try await f.rawConnection(readonly: true).read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM journal UNION ALL SELECT result FROM command")
        }
        #expect(!stored.contains { $0.contains(TestClinic.pin("MGR")) || $0.contains("\"pin\"") })
    }

    @Test func couponTENOFFTakesTenPercentAndCanBeUsedAgain() async throws {
        let f = try await StoreFixture.make()
        let lines = [f.line("REX", "EXAM"), f.line("MIA", "TOY", "2", by: "TECH")]
        let first = try await f.checkout(
            "OWNER",
            lines,
            discounts: [DiscountRequest(discountClass: .coupon, couponCode: "TENOFF")]
        )
        CheckoutTests.expectTiesOut(first)
        let discount = try #require(first.discounts.first)
        #expect(discount.discountClass == .coupon)
        #expect(discount.coupon == "TENOFF")
        #expect(discount.approvedBy == nil)
        #expect(discount.amount == .dollars("7.70"))  // 10% of $62.00 + $14.98 = $7.698
        #expect(
            first.total
                == (try StoreFixture.price(
                    lines,
                    [
                        DiscountSpec(
                            discountClass: .coupon,
                            method: .percent(.percent(10)),
                            target: .invoice(.all),
                            couponCode: "TENOFF"
                        )
                    ]
                )).total
        )

        let second = try await f.checkout(
            "OWNER",
            lines,
            discounts: [DiscountRequest(discountClass: .coupon, couponCode: "TENOFF")]
        )
        #expect(second.discounts.first?.amount == discount.amount)
        #expect(try await f.count("couponRedemption", where: "couponCode = 'TENOFF'") == 2)
    }

    @Test func singleUseCouponONCE5TakesFiveDollarsOnce() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            discounts: [DiscountRequest(discountClass: .coupon, couponCode: "ONCE5")]
        )
        CheckoutTests.expectTiesOut(view)
        #expect(view.discountTotal == .dollars("5.00"))
        #expect(view.total == .dollars("57.00"))
        #expect(view.discounts.first?.coupon == "ONCE5")
        let redemptions = try await f.snapshot().rows("couponRedemption")
        #expect(redemptions == [["\"ONCE5\"", "\(view.number)", "1"]])
    }

    @Test func complimentaryExamMakesTheExamLineFree() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM"), f.line("REX", "FOOD", by: "TECH")],
            discounts: [DiscountRequest(discountClass: .complimentaryExam, target: .line(1))],
            by: f.vet
        )
        CheckoutTests.expectTiesOut(view)
        let exam = view.lines[0]
        #expect(exam.item == "EXAM")
        #expect(exam.discount == exam.extended)
        #expect(exam.extended - exam.discount == .zero)
        #expect(exam.total == .zero)
        #expect(view.lines[1].discount == .zero)
        #expect(view.total == view.lines[1].total)
        #expect(view.discounts.first?.discountClass == .complimentaryExam)
        #expect(view.discounts.first?.target == "line 1")

        // A CSR (10% ceiling) gives it with a manager's approval.
        let approved = try await f.checkout(
            "OWNER",
            [f.line("MIA", "RECHECK")],
            discounts: [
                DiscountRequest(
                    discountClass: .complimentaryExam,
                    target: .line(1),
                    approval: f.approval(reason: "Recheck within 2 weeks")
                )
            ],
            by: f.csr
        )
        #expect(approved.total == .zero)
        #expect(approved.status == .paid)
        #expect(approved.discounts.first?.approvedBy == "MGR")
    }

    @Test func multiplePetsDiscountOnTwoPets() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM"), f.line("MIA", "EXAM")],
            discounts: [DiscountRequest(discountClass: .multiplePets, method: .percent(.percent(10)))]
        )
        CheckoutTests.expectTiesOut(view)
        #expect(view.discountTotal == .dollars("12.40"))
        #expect(view.lines.map(\.discount) == [.dollars("6.20"), .dollars("6.20")])
        #expect(view.pets.map(\.total) == [.dollars("55.80"), .dollars("55.80")])
        #expect(view.discounts.first?.discountClass == .multiplePets)
        #expect(view.discounts.first?.approvedBy == nil)  // 10% is within a CSR's ceiling
    }
}

extension DiscountFlowTests {
    /// 10% of $86.99 is $8.699, charged as $8.70: the clerk still gave 10%, within a CSR's 10% ceiling.
    @Test func aCSRsTenPercentIsWithinTheCeilingWhateverTheRounding() async throws {
        let f = try await StoreFixture.make()
        let lines = [f.line("REX", "EXAM"), f.line("MIA", "RABIES", by: "TECH")]
        let view = try await f.checkout(
            "OWNER",
            lines,
            discounts: [DiscountRequest(discountClass: .multiplePets, method: .percent(.percent(10)))]
        )
        #expect(view.subtotal == .dollars("86.99"))
        #expect(view.discountTotal == .dollars("8.70"))
        #expect(view.discounts.first?.approvedBy == nil)

        // An amount is held to its exact share: $8.70 of $86.99 is more than 10%, so it needs a manager.
        let error = try await f.refusal {
            _ = try await f.checkout(
                "OWNER",
                lines,
                discounts: [DiscountRequest(discountClass: .multiplePets, method: .amount(.dollars("8.70")))]
            )
        }
        expectApprovalRequired(error, field: "discounts[0]", reason: "a 10.01% discount exceeds the 10% ceiling")
        let withinAmount = try await f.checkout(
            "OWNER",
            lines,
            discounts: [DiscountRequest(discountClass: .multiplePets, method: .amount(.dollars("8.69")))]
        )
        #expect(withinAmount.discountTotal == .dollars("8.69"))
        // And 11% is over the ceiling however it rounds.
        let eleven = try await f.refusal {
            _ = try await f.checkout(
                "OWNER",
                lines,
                discounts: [DiscountRequest(discountClass: .multiplePets, method: .percent(.percent(11)))]
            )
        }
        expectApprovalRequired(eleven, field: "discounts[0]", reason: "a 11% discount exceeds the 10% ceiling")
    }
}

@Suite struct OpenInvoiceTests {
    @Test func openAddLinesThenCheckoutFinishesTheSameInvoice() async throws {
        let f = try await StoreFixture.make()
        let before = try await f.checkout("CREDIT", [f.line("TOM", "EXAM")])
        let open = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            commandID: f.id(),
            by: f.csr
        )
        #expect(open.status == .open)
        #expect(open.number == before.number + 1)
        #expect(open.businessDate == nil)
        #expect(open.lines.map(\.item) == ["EXAM"])
        #expect(open.lines[0].tax == .zero && open.lines[0].discount == .zero)

        f.clock.advance(minutes: 30)
        let added = try await f.store.addLines(
            [f.line("MIA", "RABIES", by: "TECH"), f.line("REX", "FOOD", by: "TECH")],
            invoice: open.number,
            commandID: f.id(),
            by: f.tech
        )
        #expect(added.status == .open)
        #expect(added.lines.map(\.line) == [1, 2, 3])
        #expect(added.lines.map(\.item) == ["EXAM", "RABIES", "FOOD"])
        #expect(added.lines.map(\.provider) == ["VET", "TECH", "TECH"])
        #expect(try await f.store.openInvoices().map(\.number) == [open.number])

        f.clock.advance(minutes: 10)
        let finished = try await f.checkout(
            "OWNER",
            [f.line("MIA", "TOY", by: "TECH")],
            discounts: [DiscountRequest(discountClass: .multiplePets, method: .percent(.percent(5)))],
            payments: [f.cash(.dollars("300.00"))],
            invoice: open.number
        )
        CheckoutTests.expectTiesOut(finished)
        #expect(finished.number == open.number)
        #expect(finished.lines.map(\.item) == ["EXAM", "RABIES", "FOOD", "TOY"])
        #expect(finished.lines.map(\.line) == [1, 2, 3, 4])
        #expect(finished.status == .paid)
        #expect(finished.openedAt == open.openedAt)
        let expected = try StoreFixture.price(
            [
                f.line("REX", "EXAM"), f.line("MIA", "RABIES", by: "TECH"), f.line("REX", "FOOD", by: "TECH"),
                f.line("MIA", "TOY", by: "TECH"),
            ],
            [DiscountSpec(discountClass: .multiplePets, method: .percent(.percent(5)), target: .invoice(.all))]
        )
        #expect(finished.total == expected.total)
        #expect(try await f.store.openInvoices().isEmpty)

        // Numbering continues with no gap and no reuse.
        let next = try await f.checkout("OWNER", [f.line("REX", "RECHECK")])
        #expect(next.number == open.number + 1)
    }

    @Test func addingLinesToAPostedInvoiceIsRefused() async throws {
        let f = try await StoreFixture.make()
        let posted = try await f.checkout("OWNER", [f.line("REX", "EXAM")])
        let error = try await f.refusal {
            _ = try await f.store.addLines(
                [f.line("REX", "FOOD", by: "TECH")],
                invoice: posted.number,
                commandID: f.id(),
                by: f.tech
            )
        }
        expectConflict(error, "invoice \(posted.number)", "posted")
        #expect(try await f.store.invoice(posted.number) == posted)
    }

    @Test func checkingOutAPostedInvoiceAgainIsRefused() async throws {
        let f = try await StoreFixture.make()
        let posted = try await f.checkout("OWNER", [f.line("REX", "EXAM")])
        let error = try await f.refusal {
            _ = try await f.checkout("OWNER", [f.line("REX", "FOOD", by: "TECH")], invoice: posted.number)
        }
        expectConflict(error, "posted")
    }

    @Test func checkingOutAnotherClientsOpenInvoiceIsRefused() async throws {
        let f = try await StoreFixture.make()
        let open = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            commandID: f.id(),
            by: f.csr
        )
        let error = try await f.refusal {
            _ = try await f.checkout(
                "CREDIT",
                [f.line("TOM", "EXAM")],
                payments: [f.cash(.dollars("100.00"))],
                invoice: open.number
            )
        }
        expectInvalid(error, field: "invoice", reason: "belongs to client OWNER")
        #expect(try await f.store.invoice(open.number) == open)
    }
}

@Suite struct LaterPaymentTests {
    @Test func partiallyPaidThenPaidWithCashChange() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout("OWNER", [f.line("REX", "DENTAL")], payments: [f.cash(.dollars("100.00"))])
        #expect(view.total == .dollars("389.00"))
        #expect(view.status == .partiallyPaid)
        #expect(view.balanceDue == .dollars("289.00"))

        f.clock.advance(minutes: 20)
        let card = try await f.store.pay(
            PaymentRequest(id: f.id(), invoice: view.number, payments: [f.card(.debit, .dollars("200.00"))]),
            by: f.csr
        )
        #expect(card.status == .partiallyPaid)
        #expect(card.balanceDue == .dollars("89.00"))
        #expect(card.paid == .dollars("300.00"))

        f.clock.advance(minutes: 5)
        let settled = try await f.store.pay(
            PaymentRequest(id: f.id(), invoice: view.number, payments: [f.cash(.dollars("100.00"))]),
            by: f.csr2
        )
        CheckoutTests.expectTiesOut(settled)
        #expect(settled.status == .paid)
        #expect(settled.balanceDue == .zero)
        #expect(settled.paid == settled.total)
        let last = try #require(settled.payments.last)
        #expect(last.tender == .cash)
        #expect(last.tendered == .dollars("100.00"))
        #expect(last.change == .dollars("11.00"))
        #expect(last.amount == .dollars("89.00"))
        #expect(last.employee == "CSR2")
        #expect(try await f.store.invoice(view.number) == settled)

        // Nothing is left to pay.
        let error = try await f.refusal {
            _ = try await f.store.pay(
                PaymentRequest(id: f.id(), invoice: view.number, payments: [f.cash(.dollars("1.00"))]),
                by: f.csr
            )
        }
        expectConflict(error, "nothing left to pay")
    }

    @Test func overpayingWithACardIsRefused() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("20.00"))])
        #expect(view.balanceDue == .dollars("42.00"))
        let error = try await f.refusal {
            _ = try await f.store.pay(
                PaymentRequest(id: f.id(), invoice: view.number, payments: [f.card(.credit, .dollars("42.01"))]),
                by: f.csr
            )
        }
        expectInvalid(error, field: "payments", reason: "exceed")
        #expect(try await f.store.invoice(view.number).status == .partiallyPaid)
    }

    @Test func payingAnOpenInvoiceIsRefused() async throws {
        let f = try await StoreFixture.make()
        let open = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            commandID: f.id(),
            by: f.csr
        )
        let error = try await f.refusal {
            _ = try await f.store.pay(
                PaymentRequest(id: f.id(), invoice: open.number, payments: [f.cash(.dollars("62.00"))]),
                by: f.csr
            )
        }
        expectConflict(error, "still open")
    }
}
