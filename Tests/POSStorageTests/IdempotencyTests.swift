import Foundation
import GRDB
import POSCore
import POSStorage
import POSTestSupport
import Testing

/// A request sent twice (a lost reply, a double tap) is done once; the same id with other content is refused.
@Suite struct IdempotencyTests {
    @Test func aReplayedCheckoutReturnsTheSameInvoiceAndWritesOnce() async throws {
        let f = try await StoreFixture.make()
        let request = CheckoutRequest(
            id: f.id(),
            client: "STAFF",
            lines: [f.line("BUDDY", "EXAM"), f.line("BUDDY", "FOOD", by: "TECH")],
            discounts: [
                DiscountRequest(
                    discountClass: .employee,
                    method: .percent(.percent(20)),
                    approval: f.approval(reason: "Staff benefit")
                )
            ],
            payments: [f.card(.credit, .dollars("40.00")), f.cash(.dollars("100.00"))]
        )
        let first = try await f.store.checkout(request, by: f.csr)
        let afterFirst = try await f.snapshot()
        #expect(try await f.store.commandExists(request.id))

        f.clock.advance(minutes: 3)
        let replay = try await f.store.checkout(request, by: f.csr)
        #expect(replay == first)
        try await f.expectUnchanged(since: afterFirst, "the replay wrote")
        let afterReplay = try await f.snapshot()
        #expect(afterReplay.rows("invoice").count == 1)
        #expect(afterReplay.rows("payment").count == 2)
        #expect(afterReplay.rows("journal").filter { $0[2] == "\"invoice.posted\"" }.count == 1)
        #expect(afterReplay.rows("journal").filter { $0[2] == "\"payment.received\"" }.count == 2)
    }

    @Test func theSameCheckoutIdWithDifferentContentIsRefused() async throws {
        let f = try await StoreFixture.make()
        let request = CheckoutRequest(
            id: f.id(),
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            payments: [f.cash(.dollars("62.00"))]
        )
        _ = try await f.store.checkout(request, by: f.csr)

        var changed = request
        changed.lines = [f.line("REX", "EXAM", "2")]
        let error = try await f.refusal { _ = try await f.store.checkout(changed, by: f.csr) }
        expectConflict(error, request.id, "already used")

        var otherPayment = request
        otherPayment.payments = [f.card(.credit, .dollars("62.00"))]
        expectConflict(try await f.refusal { _ = try await f.store.checkout(otherPayment, by: f.csr) }, "already used")

        // An id used for one kind of command cannot be reused for another.
        let asPayment = PaymentRequest(id: request.id, invoice: 1, payments: [f.cash(.dollars("1.00"))])
        expectConflict(try await f.refusal { _ = try await f.store.pay(asPayment, by: f.csr) }, "already used")
    }

    @Test func aReplayedOpenInvoiceOpensOne() async throws {
        let f = try await StoreFixture.make()
        let id = f.id()
        let open = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            commandID: id,
            by: f.csr
        )
        let before = try await f.snapshot()
        let replay = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            commandID: id,
            by: f.csr
        )
        #expect(replay == open)
        try await f.expectUnchanged(since: before, "a replay wrote")
        #expect(try await f.store.openInvoices().count == 1)

        let error = try await f.refusal {
            _ = try await f.store.openInvoice(
                client: "CREDIT",
                lines: [f.line("TOM", "EXAM")],
                commandID: id,
                by: f.csr
            )
        }
        expectConflict(error, "already used")

        // addLines: a replay adds the lines once.
        let addID = f.id()
        let added = try await f.store.addLines(
            [f.line("MIA", "RABIES", by: "TECH")],
            invoice: open.number,
            commandID: addID,
            by: f.tech
        )
        let afterAdd = try await f.snapshot()
        #expect(
            try await f.store.addLines(
                [f.line("MIA", "RABIES", by: "TECH")],
                invoice: open.number,
                commandID: addID,
                by: f.tech
            ) == added
        )
        try await f.expectUnchanged(since: afterAdd, "a replay wrote")
        #expect(added.lines.count == 2)
        expectConflict(
            try await f.refusal {
                _ = try await f.store.addLines(
                    [f.line("MIA", "TOY", by: "TECH")],
                    invoice: open.number,
                    commandID: addID,
                    by: f.tech
                )
            },
            "already used"
        )
    }

    @Test func aReplayedPaymentPaysOnce() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout("OWNER", [f.line("REX", "DENTAL")])
        let request = PaymentRequest(id: f.id(), invoice: view.number, payments: [f.card(.credit, .dollars("100.00"))])
        let paid = try await f.store.pay(request, by: f.csr)
        #expect(paid.balanceDue == .dollars("289.00"))
        let before = try await f.snapshot()
        #expect(try await f.store.pay(request, by: f.csr) == paid)
        try await f.expectUnchanged(since: before, "a replay wrote")
        #expect(try await f.store.invoice(view.number).payments.count == 1)

        var changed = request
        changed.payments = [f.card(.credit, .dollars("100.01"))]
        expectConflict(try await f.refusal { _ = try await f.store.pay(changed, by: f.csr) }, "already used")
    }

    @Test func aReplayedRefundRefundsOnce() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        let request = RefundRequest(
            id: f.id(),
            payment: view.payments[0].number,
            amount: .dollars("10.00"),
            reason: "Goodwill"
        )
        let refunded = try await f.store.refund(request, by: f.csr)
        #expect(refunded.credits == .dollars("10.00"))
        let before = try await f.snapshot()
        #expect(try await f.store.refund(request, by: f.csr) == refunded)
        try await f.expectUnchanged(since: before, "a replay wrote")
        #expect(try await f.store.invoice(view.number).credits == .dollars("10.00"))

        var changed = request
        changed.amount = .dollars("11.00")
        expectConflict(try await f.refusal { _ = try await f.store.refund(changed, by: f.csr) }, "already used")
    }

    @Test func aReplayedVoidVoidsOnce() async throws {
        let f = try await StoreFixture.make()
        let view = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.card(.debit, .dollars("62.00"))])
        let request = VoidRequest(id: f.id(), invoice: view.number, reason: "Wrong client")
        let voided = try await f.store.void(request, by: f.mgr)
        #expect(voided.status == .void)
        let before = try await f.snapshot()
        #expect(try await f.store.void(request, by: f.mgr) == voided)
        try await f.expectUnchanged(since: before, "a replay wrote")
        #expect(before.rows("payment").count == 2)  // the payment and one reversal

        var changed = request
        changed.reason = "Another reason"
        expectConflict(try await f.refusal { _ = try await f.store.void(changed, by: f.mgr) }, "already used")
        // A second void under a new id is refused by the invoice's state instead.
        expectConflict(
            try await f.refusal {
                _ = try await f.store.void(VoidRequest(id: f.id(), invoice: view.number, reason: "Again"), by: f.mgr)
            },
            "already void"
        )
    }

    @Test func aRefusedCommandDoesNotUseUpItsId() async throws {
        let f = try await StoreFixture.make()
        var request = CheckoutRequest(id: f.id(), client: "OWNER", lines: [f.line("REX", "NOPE")])
        _ = try await f.refusal { _ = try await f.store.checkout(request, by: f.csr) }
        #expect(try await f.store.commandExists(request.id) == false)
        request.lines = [f.line("REX", "EXAM")]
        let view = try await f.store.checkout(request, by: f.csr)
        #expect(view.lines.map(\.item) == ["EXAM"])
    }

    @Test func malformedCommandIdsAreRefused() async throws {
        let f = try await StoreFixture.make()
        for id in ["short", "has space in it", String(repeating: "x", count: 65), "semi;colon-123"] {
            let error = try await f.refusal {
                _ = try await f.store.checkout(
                    CheckoutRequest(id: id, client: "OWNER", lines: [f.line("REX", "EXAM")]),
                    by: f.csr
                )
            }
            expectInvalid(error, field: "id", reason: "command id")
        }
    }
}
