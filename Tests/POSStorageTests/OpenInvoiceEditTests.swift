import Foundation
import POSCore
import Testing

@testable import POSStorage

/// An open invoice can lose a line and be cancelled; both are journaled, and a cancelled invoice is out of every
/// open list and never changes again (the database refuses it).
@Suite struct OpenInvoiceEditTests {
    @Test func aLineComesOffAndTheRestMoveUp() async throws {
        let f = try await StoreFixture.make()
        let open = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "EXAM"), f.line("REX", "RABIES"), f.line("MIA", "EXAM")],
            commandID: f.id(),
            by: f.csr
        )
        let after = try await f.store.removeLine(2, invoice: open.number, commandID: f.id(), by: f.csr)
        #expect(after.lines.map(\.line) == [1, 2])
        #expect(after.lines.map(\.item) == ["EXAM", "EXAM"])
        #expect(after.lines.map(\.patient) == ["REX", "MIA"])
        #expect(after.subtotal == .cents(124_00))
        let noSuch = try await f.refusal {
            _ = try await f.store.removeLine(3, invoice: open.number, commandID: f.id(), by: f.csr)
        }
        expectCode(noSuch, "invoice.noSuchLine")
        // New lines continue the numbering; checkout takes what is left.
        let more = try await f.store.addLines(
            [f.line("MIA", "RABIES")],
            invoice: open.number,
            commandID: f.id(),
            by: f.csr
        )
        #expect(more.lines.map(\.line) == [1, 2, 3])
        let journal = try await f.store.journalEntries(limit: 100).map(\.kind)
        #expect(journal.contains("invoice.lineRemoved"))
        #expect(try await f.store.verifyJournal().problem == nil)
    }

    @Test func aCancelledInvoiceLeavesTheOpenListAndNeverChanges() async throws {
        let f = try await StoreFixture.make()
        let open = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            commandID: f.id(),
            by: f.csr
        )
        let noReason = try await f.refusal {
            _ = try await f.store.cancelInvoice(open.number, reason: " ", commandID: f.id(), by: f.csr)
        }
        expectCode(noReason, "cancel.reasonRequired")
        let cancelled = try await f.store.cancelInvoice(
            open.number,
            reason: "client left before the exam",
            commandID: f.id(),
            by: f.csr
        )
        #expect(cancelled.status == .cancelled && cancelled.cancelReason == "client left before the exam")
        #expect(cancelled.balanceDue == .zero)
        #expect(try await f.store.openInvoices().isEmpty)
        for attempt in [
            {
                _ = try await f.store.addLines(
                    [f.line("REX", "RABIES")],
                    invoice: open.number,
                    commandID: f.id(),
                    by: f.csr
                )
            },
            { _ = try await f.store.removeLine(1, invoice: open.number, commandID: f.id(), by: f.csr) },
            { _ = try await f.store.cancelInvoice(open.number, reason: "again", commandID: f.id(), by: f.csr) },
            {
                _ = try await f.store.checkout(
                    CheckoutRequest(id: f.id(), client: "OWNER", invoice: open.number, lines: []),
                    by: f.csr
                )
            },
        ] as [@Sendable () async throws -> Void] {
            let error = try await f.refusal { try await attempt() }
            expectCode(error, "invoice.cancelled")
        }
        let journal = try await f.store.journalEntries(limit: 100).map(\.kind)
        #expect(journal.contains("invoice.cancelled"))
        #expect(try await f.store.verifyJournal().problem == nil)
    }

    @Test func aPostedInvoiceIsNotCancelled() async throws {
        let f = try await StoreFixture.make()
        let sale = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.card(.credit, .cents(62_00))])
        let error = try await f.refusal {
            _ = try await f.store.cancelInvoice(sale.number, reason: "changed my mind", commandID: f.id(), by: f.csr)
        }
        expectCode(error, "invoice.posted")
    }
}
