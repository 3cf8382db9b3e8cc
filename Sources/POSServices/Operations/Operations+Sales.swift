import Foundation
import POSCore
import POSReceipts
import POSStorage

/// The checkout desk: invoices, checkouts, later payments, refunds and voids.
extension Operations {
    /// Opens an invoice for a client, with lines ready to check out later.
    public func openInvoice(client: String, lines: [LineRequest], commandID: String) async throws -> InvoiceView {
        try await store.openInvoice(client: client, lines: lines, commandID: commandID, by: clerk)
    }

    /// Adds lines to an open invoice (a search pick or a scanned code).
    public func addLines(_ lines: [LineRequest], invoice: Int64, commandID: String) async throws -> InvoiceView {
        try await store.addLines(lines, invoice: invoice, commandID: commandID, by: clerk)
    }

    /// Checks out a visit: priced, discounted, paid and posted in one transaction; then the drawer opens for cash,
    /// checks or change, and the sale receipt prints.
    public func checkout(_ request: CheckoutRequest) async throws -> InvoiceView {
        let prints = devices.printsReceipts
        return try await committing(request.id) {
            try await store.checkout(request, by: clerk)
        } then: { [clerk] view, hardware in
            guard prints else { return await hardware.kickDrawer(for: .sale(view)) }
            await hardware.sold(view, commandID: request.id, by: clerk)
        }
    }

    /// Takes a later payment toward a posted invoice; the drawer opens for what this payment took.
    public func pay(_ request: PaymentRequest) async throws -> InvoiceView {
        let before = Set(try await store.invoice(request.invoice).payments.map(\.number))
        let prints = devices.printsReceipts
        return try await committing(request.id) {
            try await store.pay(request, by: clerk)
        } then: { [clerk] view, hardware in
            let opening = DrawerOpening.payments(view.payments.filter { !before.contains($0.number) })
            guard prints else { return await hardware.kickDrawer(for: opening) }
            await hardware.committed(
                opening,
                receipt: { try $0.sale(view) },
                kind: .payment,
                invoice: view.number,
                commandID: request.id,
                by: clerk
            )
        }
    }

    /// Refunds (part of) a payment; the drawer opens for cash going back, and the refund receipt prints.
    public func refund(_ request: RefundRequest) async throws -> InvoiceView {
        let prints = devices.printsReceipts
        return try await committing(request.id) {
            try await store.refund(request, by: clerk)
        } then: { [clerk] view, hardware in
            // The refund just recorded: the newest refund on the invoice.
            guard let (opening, refund) = DrawerOpening.refund(view) else { return }
            guard prints else { return await hardware.kickDrawer(for: opening) }
            await hardware.committed(
                opening,
                receipt: { try $0.refund(refund, of: view) },
                kind: .refund,
                invoice: view.number,
                commandID: request.id,
                by: clerk
            )
        }
    }

    /// Voids a posted invoice on its own business day, reversing its payments.
    public func void(_ request: VoidRequest) async throws -> InvoiceView {
        try await store.void(request, by: clerk)
    }
}

extension Operations {
    /// What a scanned code did.
    public enum ScanOutcome: Sendable {
        /// No catalog item has the code: nothing added.
        case unknown(code: String)
        /// The item, with no invoice to add it to.
        case found(CatalogItem)
        /// Added as a line for `patient` to the invoice.
        case added(CatalogItem, invoice: InvoiceView, patient: String)
    }

    /// One scanned (or typed) code: looked up by barcode, then by item code, and added as a line to `invoice` (when
    /// one is given) for `patient`, or else the pet of the invoice's last line. An unknown code adds nothing.
    public func scan(
        _ scanned: String,
        invoice: Int64?,
        patient: String?,
        commandID: String
    ) async throws
        -> ScanOutcome
    {
        let code = scanned.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !code.isEmpty else {
            throw POSError.invalid(field: "code", reason: "must not be empty", code: "scan.empty")
        }
        var found = try await store.item(barcode: code)
        if found == nil {
            found = try await store.catalog().first {
                $0.active && $0.code.caseInsensitiveCompare(code) == .orderedSame
            }
        }
        guard let item = found else { return .unknown(code: code) }
        guard let number = invoice else { return .found(item) }
        let view = try await store.invoice(number)
        guard let pet = patient ?? view.lines.last?.patient ?? view.pets.first?.patient else {
            throw POSError.invalid(
                field: "patient",
                reason: "invoice \(number) has no pet yet; say which pet the item is for",
                code: "scan.patientRequired"
            )
        }
        let line = LineRequest(patient: pet, item: item.code, provider: clerk.employee.id)
        let added = try await store.addLines([line], invoice: number, commandID: commandID, by: clerk)
        return .added(item, invoice: added, patient: pet)
    }
}

extension Operations {
    /// Takes line `line` (1-based) off an open invoice; the lines after it move up.
    public func removeLine(_ line: Int, invoice: Int64, commandID: String) async throws -> InvoiceView {
        try await store.removeLine(line, invoice: invoice, commandID: commandID, by: clerk)
    }

    /// Cancels an open invoice with a reason; it leaves the open list and never changes again.
    public func cancelInvoice(_ invoice: Int64, reason: String, commandID: String) async throws -> InvoiceView {
        try await store.cancelInvoice(invoice, reason: reason, commandID: commandID, by: clerk)
    }
}
