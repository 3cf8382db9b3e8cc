import POSCore

extension ReceiptRenderer {
    /// The sale receipt: lines by pet with each pet's subtotal, discounts, tax, total, every payment and the change.
    ///
    /// - Parameters:
    ///   - invoice: The posted invoice with the payments recorded on it.
    ///   - copy: A reprint: marked COPY so it cannot pass for a second sale.
    public func sale(_ invoice: InvoiceView, copy: Bool = false) throws(ReceiptLayoutError) -> Receipt {
        var scope = invoiceScope(invoice)
        let taken = invoice.payments.filter { $0.kind == .payment }
        scope["payments"] = .list(
            invoice.payments.map { payment in
                let tender = TenderText(payment)
                let label =
                    switch payment.kind {
                    case .payment: tender.label
                    case .refund: "Refund: \(tender.label)"
                    case .reversal: "Voided: \(tender.label)"
                    }
                // Cash shows what was handed over; the change line gives the difference back.
                let amount = payment.kind == .payment && payment.tender == .cash ? payment.tendered : payment.amount
                return ["label": .text(label), "amount": amount.receipt, "detail": .text(tender.detail)]
            }
        )
        let change = taken.map(\.change).sum()
        scope["change"] = change.receipt
        scope["changeDue"] = .flag(change.isPositive)
        scope["paid"] = invoice.paid.receipt
        scope["balanceDue"] = invoice.balanceDue.receipt
        scope["owes"] = .flag(invoice.balanceDue.isPositive)
        return try render(.sale, scope, copy: copy)
    }

    /// An estimate: an open invoice's lines priced by pet, clearly not a receipt.
    public func estimate(_ invoice: InvoiceView) throws(ReceiptLayoutError) -> Receipt {
        try render(.estimate, invoiceScope(invoice))
    }

    /// A refund slip: what went back, on which tender, against which payment, why, and the client's signature line.
    ///
    /// - Parameters:
    ///   - refund: The refund as recorded on the invoice (its amount is negative: money out).
    ///   - invoice: The invoice it credits.
    ///   - copy: A reprint.
    public func refund(
        _ refund: InvoiceView.Payment,
        of invoice: InvoiceView,
        copy: Bool = false
    ) throws(ReceiptLayoutError) -> Receipt {
        let tender = TenderText(refund)
        let scope: TemplateScope = [
            "invoice": invoiceHeader(invoice),
            "refund": .scope([
                "number": .text("\(refund.number)"),
                "reverses": .text(refund.reverses.map { "\($0)" } ?? ""),
                "tender": .text(tender.label),
                "detail": .text(tender.detail),
                // Stored negative (money out); the slip says how much went back.
                "amount": (refund.amount.isNegative ? -refund.amount : refund.amount).receipt,
                "reason": .text(refund.reason ?? ""),
                "employee": .text(refund.employee),
                "dateTime": .text(dateTime(refund.at)),
            ]),
            "credits": invoice.credits.receipt,
        ]
        return try render(.refund, scope, copy: copy)
    }

    func invoiceHeader(_ invoice: InvoiceView) -> TemplateValue {
        .scope([
            "number": .text("\(invoice.number)"),
            "dateTime": .text(dateTime(invoice.postedAt ?? invoice.openedAt)),
            "client": .text(invoice.client),
            "clientName": .text(invoice.clientName),
            "cashier": .text(invoice.openedBy),
            "terminal": .text(invoice.terminal),
            "void": .flag(invoice.status == .void),
            "voidReason": .text(invoice.voidReason ?? ""),
        ])
    }

    /// Pets with their lines; a discount on one line is shown under it, one over the invoice in the totals.
    func invoiceScope(_ invoice: InvoiceView) -> TemplateScope {
        var lineDiscounts: [Int: [InvoiceView.Discount]] = [:]
        var invoiceDiscounts: [InvoiceView.Discount] = []
        for discount in invoice.discounts {
            if discount.target.hasPrefix("line "), let line = Int(discount.target.dropFirst(5)) {
                lineDiscounts[line, default: []].append(discount)
            } else {
                invoiceDiscounts.append(discount)
            }
        }
        func discountScope(_ discount: InvoiceView.Discount) -> TemplateScope {
            ["label": .text(Self.label(of: discount)), "amount": (-discount.amount).receipt]
        }
        var subtotal = Money.zero
        let pets: [TemplateScope] = invoice.pets.map { pet in
            let lines = invoice.lines.filter { $0.patient == pet.patient }
            let petSubtotal =
                lines.map(\.extended).sum() - lines.flatMap { lineDiscounts[$0.line] ?? [] }.map(\.amount).sum()
            subtotal += petSubtotal
            return [
                "title": .text(pet.species.isEmpty ? pet.name : "\(pet.name) (\(pet.species))"),
                "name": .text(pet.name),
                "subtotal": petSubtotal.receipt,
                "lines": .list(
                    lines.map { line in
                        [
                            "description": .text(line.description),
                            "quantity": .text(line.quantity.description),
                            "unitPrice": line.unitPrice.receipt,
                            "amount": line.extended.receipt,
                            "multiple": .flag(line.quantity != .units(1)),
                            "discounts": .list((lineDiscounts[line.line] ?? []).map(discountScope)),
                        ]
                    }
                ),
            ]
        }
        return [
            "invoice": invoiceHeader(invoice),
            "pets": .list(pets),
            "subtotal": subtotal.receipt,
            "discounts": .list(invoiceDiscounts.map(discountScope)),
            "discountTotal": (-invoice.discountTotal).receipt,
            "tax": invoice.taxTotal.receipt,
            "total": invoice.total.receipt,
        ]
    }

    /// `Multiple pets 10%`, `Coupon SPRING5`, `Employee discount $5.00 off`.
    static func label(of discount: InvoiceView.Discount) -> String {
        let name =
            switch discount.discountClass {
            case .employee: "Employee discount"
            case .shelter: "Shelter/rescue discount"
            case .multiplePets: "Multiple pets"
            case .coupon: discount.coupon.map { "Coupon \($0)" } ?? "Coupon"
            case .complimentaryExam: "Complimentary exam"
            }
        return discount.method.hasSuffix("%") ? "\(name) \(discount.method)" : name
    }
}
