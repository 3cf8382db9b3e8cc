import POSCore

/// A payment against a client's account balance rather than an invoice, with the balance before and after it.
public struct AccountPayment: Hashable, Sendable {
    /// The stored payment; it pays no invoice.
    public var payment: PaymentRecord
    public var clientName: String
    /// What the client owed on account before this payment.
    public var balanceBefore: Money

    public var balanceAfter: Money { balanceBefore - payment.amount }

    public init(payment: PaymentRecord, clientName: String, balanceBefore: Money) {
        self.payment = payment
        self.clientName = clientName
        self.balanceBefore = balanceBefore
    }
}

extension ReceiptRenderer {
    /// The receipt for a payment on account: the balance it paid down and what is still owed.
    public func accountPayment(_ account: AccountPayment, copy: Bool = false) throws(ReceiptLayoutError) -> Receipt {
        let payment = account.payment
        let tender = TenderText(
            tender: payment.tender,
            cardBrand: payment.card?.brand,
            cardLast4: payment.card?.last4,
            authCode: payment.card?.authCode,
            checkNumber: payment.check?.number
        )
        let scope: TemplateScope = [
            "payment": .scope([
                "number": .text("\(payment.number)"),
                "dateTime": .text(dateTime(payment.atMillis)),
                "client": .text(payment.client),
                "clientName": .text(account.clientName),
                "cashier": .text(payment.employee),
                "terminal": .text(payment.terminal),
                "tender": .text(tender.label),
                "detail": .text(tender.detail),
                "tendered": payment.tendered.receipt,
                "amount": payment.amount.receipt,
                "change": payment.change.receipt,
                "changeDue": .flag(payment.change.isPositive),
            ]),
            "balanceBefore": account.balanceBefore.receipt,
            "balanceAfter": account.balanceAfter.receipt,
        ]
        return try render(.accountPayment, scope, copy: copy)
    }
}
