import Foundation
import POSCore
import POSStorage
import POSTestSupport
import Testing

@Suite struct RefundTests {
    /// A $389 dental visit paid with $389 cash, and one paid by credit card.
    static func paidDental(
        _ f: StoreFixture,
        by tender: Tender = .cash
    ) async throws -> (InvoiceView, InvoiceView.Payment) {
        let payment = tender == .cash ? f.cash(.dollars("389.00")) : f.card(tender, .dollars("389.00"))
        let view = try await f.checkout("OWNER", [f.line("REX", "DENTAL")], payments: [payment])
        #expect(view.status == .paid)
        return (view, try #require(view.payments.first))
    }

    @Test func aCSRRefundsTenDollarsOfACashPayment() async throws {
        let f = try await StoreFixture.make()
        let (view, cash) = try await Self.paidDental(f)
        f.clock.advance(minutes: 15)
        let refunded = try await f.store.refund(
            RefundRequest(id: f.id(), payment: cash.number, amount: .dollars("10.00"), reason: "Price match"),
            by: f.csr
        )
        #expect(refunded.credits == .dollars("10.00"))
        #expect(refunded.balanceDue == view.balanceDue)
        #expect(refunded.paid == view.paid)
        #expect(refunded.total == view.total)
        #expect(refunded.status == .paid)
        let refund = try #require(refunded.payments.last)
        #expect(refund.kind == .refund)
        #expect(refund.tender == .cash)
        #expect(refund.amount == .dollars("-10.00"))
        #expect(refund.reverses == cash.number)
        #expect(refund.reason == "Price match")
        #expect(refund.employee == "CSR")
        let record = try await f.store.payment(refund.number)
        #expect(record.approvedBy == nil)
        #expect(record.invoice == view.number)
        #expect(record.change == .zero)
        let entries = try await f.store.journalEntries(limit: 1000)
        #expect(entries.last?.kind == "payment.refunded")
        #expect(entries.last?.subject == "payment \(refund.number)")
        #expect(try await f.store.verifyJournal().problem == nil)
    }

    @Test func aRefundOverTheThresholdNeedsAManager() async throws {
        let f = try await StoreFixture.make()
        let (view, cash) = try await Self.paidDental(f)
        let over = RefundRequest(
            id: f.id(),
            payment: cash.number,
            amount: .dollars("100.01"),
            reason: "Procedure cancelled"
        )
        let error = try await f.refusal { _ = try await f.store.refund(over, by: f.csr) }
        expectApprovalRequired(error, field: "approval", reason: "over the $100.00 refund limit")

        // Exactly the threshold needs nobody.
        let atLimit = try await f.store.refund(
            RefundRequest(
                id: f.id(),
                payment: cash.number,
                amount: .dollars("100.00"),
                reason: "Procedure partly cancelled"
            ),
            by: f.csr
        )
        #expect(atLimit.credits == .dollars("100.00"))

        // A wrong PIN, the CSR's own sign-off and a technician's are all refused.
        var withApproval = over
        withApproval.id = f.id()
        withApproval.approval = f.approval(pin: "1111", reason: "Cancelled")
        #expect(
            try await f.refusal { _ = try await f.store.refund(withApproval, by: f.csr) }
                == .authenticationFailed(employee: "MGR")
        )
        withApproval.approval = f.approval("CSR", reason: "Cancelled")
        expectApprovalRequired(
            try await f.refusal { _ = try await f.store.refund(withApproval, by: f.csr) },
            field: "approval",
            reason: "cannot approve their own refund"
        )
        withApproval.approval = f.approval("TECH", reason: "Cancelled")
        expectApprovalRequired(
            try await f.refusal { _ = try await f.store.refund(withApproval, by: f.csr) },
            field: "approval",
            reason: "may not approve refunds"
        )

        withApproval.approval = f.approval(reason: "Procedure cancelled by the doctor")
        let approved = try await f.store.refund(withApproval, by: f.csr)
        #expect(approved.credits == .dollars("200.01"))
        #expect(approved.balanceDue == view.balanceDue)
        let refund = try #require(approved.payments.last)
        #expect(refund.amount == .dollars("-100.01"))
        #expect(try await f.store.payment(refund.number).approvedBy == "MGR")
    }

    @Test func aRefundToAnotherTenderNeedsAManager() async throws {
        let f = try await StoreFixture.make()
        let (_, card) = try await Self.paidDental(f, by: .credit)
        var asCash = RefundRequest(
            id: f.id(),
            payment: card.number,
            amount: .dollars("10.00"),
            tender: .cash,
            reason: "Client asked for cash"
        )
        let error = try await f.refusal { _ = try await f.store.refund(asCash, by: f.csr) }
        expectApprovalRequired(error, field: "approval", reason: "refunding credit as cash")

        // To another card, too.
        let otherCard = CardDetails(brand: .mastercard, last4: "5100", authCode: "ZX81", terminalId: "PAX-1")
        let toOtherCard = RefundRequest(
            id: f.id(),
            payment: card.number,
            amount: .dollars("10.00"),
            card: otherCard,
            reason: "Card replaced"
        )
        expectApprovalRequired(
            try await f.refusal { _ = try await f.store.refund(toOtherCard, by: f.csr) },
            field: "approval",
            reason: "refunding to another card"
        )

        asCash.approval = f.approval(reason: "Card closed")
        let approved = try await f.store.refund(asCash, by: f.csr)
        let refund = try #require(approved.payments.last)
        #expect(refund.tender == .cash)
        #expect(refund.cardLast4 == nil)
        #expect(refund.reverses == card.number)
        // On its own card a refund needs no approval and keeps the card.
        let sameCard = try await f.store.refund(
            RefundRequest(id: f.id(), payment: card.number, amount: .dollars("5.00"), reason: "Goodwill"),
            by: f.csr
        )
        #expect(sameCard.payments.last?.tender == .credit)
        #expect(sameCard.payments.last?.cardLast4 == card.cardLast4)
    }

    @Test func refundingMoreThanIsLeftIsRefused() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("100.00"))])
        let cash = try #require(view.payments.first)
        #expect(cash.amount == .dollars("62.00"))  // the change never counts as paid
        let error = try await f.refusal {
            _ = try await f.store.refund(
                RefundRequest(id: f.id(), payment: cash.number, amount: .dollars("62.01"), reason: "Too much"),
                by: f.mgr
            )
        }
        expectInvalid(error, field: "amount", reason: "more than the $62.00 left to refund on payment \(cash.number)")
        // Refunds of a refund, of nothing, or of a missing payment are refused too.
        let refunded = try await f.store.refund(
            RefundRequest(id: f.id(), payment: cash.number, amount: .dollars("1.00"), reason: "Goodwill"),
            by: f.csr
        )
        let refundRow = try #require(refunded.payments.last)
        expectInvalid(
            try await f.refusal {
                _ = try await f.store.refund(
                    RefundRequest(id: f.id(), payment: refundRow.number, amount: .dollars("1.00"), reason: "Again"),
                    by: f.csr
                )
            },
            field: "payment",
            reason: "is a refund, not a payment"
        )
        expectInvalid(
            try await f.refusal {
                _ = try await f.store.refund(
                    RefundRequest(id: f.id(), payment: cash.number, amount: .zero, reason: "Nothing"),
                    by: f.csr
                )
            },
            field: "amount",
            reason: "must be positive"
        )
        #expect(
            try await f.refusal {
                _ = try await f.store.refund(
                    RefundRequest(id: f.id(), payment: 999, amount: .dollars("1.00"), reason: "Ghost"),
                    by: f.csr
                )
            } == .notFound(what: "payment", id: "999")
        )
    }

    @Test func cumulativeRefundsCannotExceedThePayment() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM"), f.line("MIA", "RECHECK")],
            payments: [f.cash(.dollars("100.50"))]
        )
        let cash = try #require(view.payments.first)
        #expect(cash.amount == .dollars("100.50"))
        _ = try await f.store.refund(
            RefundRequest(id: f.id(), payment: cash.number, amount: .dollars("60.00"), reason: "First"),
            by: f.csr
        )
        let error = try await f.refusal {
            _ = try await f.store.refund(
                RefundRequest(id: f.id(), payment: cash.number, amount: .dollars("60.00"), reason: "Second"),
                by: f.csr
            )
        }
        expectInvalid(error, field: "amount", reason: "more than the $40.50 left")
        let rest = try await f.store.refund(
            RefundRequest(id: f.id(), payment: cash.number, amount: .dollars("40.50"), reason: "The rest"),
            by: f.csr
        )
        #expect(rest.credits == cash.amount)
        expectInvalid(
            try await f.refusal {
                _ = try await f.store.refund(
                    RefundRequest(id: f.id(), payment: cash.number, amount: .dollars("0.01"), reason: "More"),
                    by: f.mgr
                )
            },
            field: "amount",
            reason: "more than the $0.00 left"
        )
        let refunds = try await f.store.invoice(view.number).payments.filter { $0.kind == .refund }
        #expect(refunds.map(\.amount).sum() == -cash.amount)
    }

    @Test func aTechnicianCannotRefund() async throws {
        let f = try await StoreFixture.make()
        let (_, cash) = try await Self.paidDental(f)
        let error = try await f.refusal {
            _ = try await f.store.refund(
                RefundRequest(id: f.id(), payment: cash.number, amount: .dollars("1.00"), reason: "Goodwill"),
                by: f.tech
            )
        }
        #expect(error == .notPermitted(employee: "TECH", role: .technician, action: Permission.refund.rawValue))
    }
}

@Suite struct VoidTests {
    @Test func aManagerVoidsTheSameDayAndTheReportLeavesItOut() async throws {
        let f = try await StoreFixture.make()
        let kept = try await f.checkout("CREDIT", [f.line("TOM", "EXAM")], payments: [f.cash(.dollars("70.00"))])
        let wrong = try await f.checkout(
            "OWNER",
            [f.line("REX", "DENTAL"), f.line("REX", "FOOD", by: "TECH")],
            discounts: [DiscountRequest(discountClass: .coupon, couponCode: "TENOFF")],
            payments: [
                f.card(.credit, .dollars("200.00")), f.check(.dollars("100.00")),
                f.card(.debit, .dollars("0.01"), last4: "5100"),
            ]
        )
        f.clock.advance(minutes: 5)
        let voided = try await f.store.void(
            VoidRequest(id: f.id(), invoice: wrong.number, reason: "Rung up for the wrong client"),
            by: f.mgr
        )
        #expect(voided.status == .void)
        #expect(voided.voidReason == "Rung up for the wrong client")
        #expect(voided.balanceDue == .zero)
        #expect(voided.paid == .zero)
        #expect(voided.lines == wrong.lines)
        #expect(voided.total == wrong.total)
        let reversals = voided.payments.filter { $0.kind == .reversal }
        let originals = wrong.payments
        #expect(reversals.count == originals.count)
        for original in originals {
            let reversal = try #require(reversals.first { $0.reverses == original.number })
            #expect(reversal.amount == -original.amount)
            #expect(reversal.tender == original.tender)
            #expect(reversal.reason == "Rung up for the wrong client")
        }
        #expect(try await f.store.invoice(wrong.number) == voided)

        let report = try await f.store.dayReport(f.today)
        #expect(report.invoicesPosted == 2)
        #expect(report.invoicesVoided == 1)
        #expect(report.salesTotal == kept.total)
        #expect(report.categories.map(\.kind) == [.service])
        #expect(report.categories.map(\.gross) == [kept.subtotal])
        #expect(report.discountsByClass.isEmpty)
        for tender in report.tenders where tender.tender != .cash {
            #expect(tender.net == .zero, "\(tender.tender)")
            #expect(tender.received == -tender.reversed)
        }
        #expect(report.collected == kept.paid)
        #expect(report.tenders.first { $0.tender == .cash }?.net == kept.total)
        #expect(report.changeGiven == .dollars("8.00"))
    }

    @Test func aCSRVoidNeedsAManagersApproval() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.card(.debit, .dollars("62.00"))])
        let error = try await f.refusal {
            _ = try await f.store.void(VoidRequest(id: f.id(), invoice: view.number, reason: "Duplicate"), by: f.csr)
        }
        expectApprovalRequired(error, field: "approval", reason: "voiding an invoice needs a manager")
        let withTech = try await f.refusal {
            _ = try await f.store.void(
                VoidRequest(id: f.id(), invoice: view.number, reason: "Duplicate", approval: f.approval("TECH")),
                by: f.csr
            )
        }
        expectApprovalRequired(withTech, field: "approval", reason: "may not void invoices")
        let ownApproval = try await f.refusal {
            _ = try await f.store.void(
                VoidRequest(id: f.id(), invoice: view.number, reason: "Duplicate", approval: f.approval("CSR")),
                by: f.csr
            )
        }
        expectApprovalRequired(ownApproval, field: "approval", reason: "employees cannot approve their own void")

        let voided = try await f.store.void(
            VoidRequest(
                id: f.id(),
                invoice: view.number,
                reason: "Duplicate",
                approval: f.approval(reason: "Double-rung")
            ),
            by: f.csr
        )
        #expect(voided.status == .void)
        let snapshot = try await f.snapshot()
        let voidRow = try #require(snapshot.rows("invoiceVoid").first)
        #expect(Array(voidRow[2...3]) == ["\"CSR\"", "\"MGR\""])
        #expect(try await f.store.payment(voided.payments.last!.number).approvedBy == "MGR")
    }

    @Test func aVoidOnTheNextBusinessDayIsRefused() async throws {
        // Rung at 23:50 in Chicago (05:50 UTC the next day): 20 minutes later it is the next business day locally,
        // though still the same day in UTC.
        let f = try await StoreFixture.make(at: StoreFixture.millis(hour: 23, minute: 50))
        let view = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.card(.credit, .dollars("62.00"))]
        )
        #expect(view.businessDate == StoreFixture.firstDay)
        f.clock.advance(minutes: 20)
        #expect(f.today == BusinessDate("2025-03-05"))
        let error = try await f.refusal {
            _ = try await f.store.void(VoidRequest(id: f.id(), invoice: view.number, reason: "Too late"), by: f.mgr)
        }
        expectConflict(error, "posted on 2025-03-04", "refund instead")
        // The refund is the correction the next day.
        let refunded = try await f.store.refund(
            RefundRequest(
                id: f.id(),
                payment: view.payments[0].number,
                amount: .dollars("62.00"),
                reason: "Cancelled visit"
            ),
            by: f.mgr
        )
        #expect(refunded.credits == .dollars("62.00"))
        #expect(try await f.store.payment(refunded.payments.last!.number).businessDate == BusinessDate("2025-03-05"))
    }

    @Test func voidingAnAccountChargeFreesTheCredit() async throws {
        let f = try await StoreFixture.make()
        let charged = try await f.checkout(
            "CREDIT",
            [f.line("TOM", "DENTAL")],
            payments: [f.account(.dollars("289.00")), f.cash(.dollars("100.00"))]
        )
        #expect(try await f.store.client("CREDIT").accountBalance == .dollars("289.00"))
        _ = try await f.store.void(VoidRequest(id: f.id(), invoice: charged.number, reason: "Wrong pet"), by: f.mgr)
        #expect(try await f.store.client("CREDIT").accountBalance == .zero)
        let again = try await f.checkout(
            "CREDIT",
            [f.line("TOM", "DENTAL")],
            payments: [f.account(.dollars("289.00")), f.cash(.dollars("100.00"))]
        )
        #expect(again.status == .paid)
    }

    @Test func aVoidAfterARefundIsRefused() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        _ = try await f.store.refund(
            RefundRequest(id: f.id(), payment: view.payments[0].number, amount: .dollars("5.00"), reason: "Goodwill"),
            by: f.csr
        )
        let error = try await f.refusal {
            _ = try await f.store.void(VoidRequest(id: f.id(), invoice: view.number, reason: "Changed mind"), by: f.mgr)
        }
        expectConflict(error, "has refunds")
    }

    @Test func aVoidedInvoiceTakesNoMorePaymentsOrRefunds() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout("OWNER", [f.line("REX", "DENTAL")], payments: [f.cash(.dollars("100.00"))])
        let voided = try await f.store.void(
            VoidRequest(id: f.id(), invoice: view.number, reason: "Wrong visit"),
            by: f.mgr
        )
        #expect(voided.status == .void)
        expectConflict(
            try await f.refusal {
                _ = try await f.store.pay(
                    PaymentRequest(id: f.id(), invoice: view.number, payments: [f.cash(.dollars("10.00"))]),
                    by: f.csr
                )
            },
            "void"
        )
        expectConflict(
            try await f.refusal {
                _ = try await f.store.refund(
                    RefundRequest(id: f.id(), payment: view.payments[0].number, amount: .dollars("10.00"), reason: "X"),
                    by: f.mgr
                )
            },
            "void"
        )
        let open = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            commandID: f.id(),
            by: f.csr
        )
        expectConflict(
            try await f.refusal {
                _ = try await f.store.void(VoidRequest(id: f.id(), invoice: open.number, reason: "Nothing"), by: f.mgr)
            },
            "open"
        )
    }
}
