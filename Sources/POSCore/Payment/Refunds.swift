/// Whether a money movement took money in, returned it, or cancelled an earlier one.
public enum PaymentKind: String, Codable, CaseIterable, Sendable {
    /// Money taken toward an invoice.
    case payment
    /// Money returned for an earlier payment, with a credit on the invoice for the same amount.
    case refund
    /// An earlier payment cancelled the same day because its invoice was voided.
    case reversal
}

/// A stored payment, refund or reversal. Refunds and reversals carry negative amounts, so sums by tender are net.
public struct PaymentRecord: Hashable, Sendable {
    public var number: Int64
    public var invoice: Int64?
    public var client: String
    public var kind: PaymentKind
    public var tender: Tender
    public var amount: Money
    public var tendered: Money
    public var change: Money
    public var check: CheckDetails?
    public var card: CardDetails?
    /// The payment a refund or reversal undoes.
    public var reverses: Int64?
    public var reason: String?
    public var approvedBy: String?
    public var employee: String
    public var terminal: String
    public var atMillis: Int64
    public var businessDate: BusinessDate

    public init(
        number: Int64,
        invoice: Int64?,
        client: String,
        kind: PaymentKind,
        tender: Tender,
        amount: Money,
        tendered: Money,
        change: Money,
        check: CheckDetails?,
        card: CardDetails?,
        reverses: Int64?,
        reason: String?,
        approvedBy: String?,
        employee: String,
        terminal: String,
        atMillis: Int64,
        businessDate: BusinessDate
    ) {
        self.number = number
        self.invoice = invoice
        self.client = client
        self.kind = kind
        self.tender = tender
        self.amount = amount
        self.tendered = tendered
        self.change = change
        self.check = check
        self.card = card
        self.reverses = reverses
        self.reason = reason
        self.approvedBy = approvedBy
        self.employee = employee
        self.terminal = terminal
        self.atMillis = atMillis
        self.businessDate = businessDate
    }
}

/// A checked refund, ready to store.
public struct RefundDraft: Hashable, Sendable {
    public var tender: Tender
    public var amount: Money
    public var card: CardDetails?
    public var reason: String
    public var approvedBy: String?
}

public enum Refunds {
    /// Checks a refund against the payment it returns.
    ///
    /// The money goes back on the payment's own tender (and card) unless a manager approves another; refunds above the
    /// clinic's threshold need a manager too. A refund never exceeds what is left of the payment.
    public static func plan(
        _ request: RefundRequest,
        original: PaymentRecord,
        alreadyReturned: Money,
        policy: ClinicPolicy,
        approvals: ApprovalContext
    ) throws(POSError) -> RefundDraft {
        let clerk = approvals.clerk
        try clerk.require(.refund)
        try Identifier.validateText(request.reason, field: "reason")
        guard original.kind == .payment else {
            throw .invalid(
                field: "payment",
                reason: "payment \(original.number) is a \(original.kind.rawValue), not a payment"
            )
        }
        guard request.amount.isPositive else { throw .invalid(field: "amount", reason: "must be positive") }
        let refundable = original.amount - alreadyReturned
        guard request.amount <= refundable else {
            throw .invalid(
                field: "amount",
                reason:
                    "\(request.amount.formatted) is more than the \(refundable.formatted) left to refund on payment \(original.number)"
            )
        }
        let tender = request.tender ?? original.tender
        var card = original.card
        var reasonsForApproval: [String] = []
        if tender != original.tender {
            reasonsForApproval.append("refunding \(original.tender.rawValue) as \(tender.rawValue)")
        }
        if tender.isCard {
            if let other = request.card, other != original.card {
                try Tendering.validate(other, tender: tender, field: "card")
                reasonsForApproval.append("refunding to another card")
                card = other
            }
            guard card != nil else {
                throw .invalid(field: "card", reason: "a card refund needs the card's last4 and authCode")
            }
        } else {
            guard request.card == nil else { throw .invalid(field: "card", reason: "\(tender.rawValue) takes no card") }
            card = nil
        }
        if request.amount > policy.refundApprovalThreshold {
            reasonsForApproval.append("over the \(policy.refundApprovalThreshold.formatted) refund limit")
        }
        var approvedBy: String?
        if let approval = request.approval {
            approvedBy = try Approvals.check(approval, for: .approveRefund, field: "approval", context: approvals).id
        } else if !reasonsForApproval.isEmpty && !clerk.employee.role.may(.approveRefund) {
            throw .approvalRequired(
                field: "approval",
                reason: reasonsForApproval.joined(separator: " and ") + " needs a manager's PIN and a reason"
            )
        }
        return RefundDraft(
            tender: tender,
            amount: request.amount,
            card: card,
            reason: request.reason,
            approvedBy: approvedBy
        )
    }
}

public enum Voids {
    /// Checks that an invoice may be voided now and returns the approving manager, if one signed.
    ///
    /// A void cancels a sale on the day it was rung up (before the card batch closes); after that, a refund is the
    /// correction. An invoice with refunds cannot be voided: its money already went back.
    public static func check(
        _ request: VoidRequest,
        postedOn: BusinessDate,
        today: BusinessDate,
        alreadyVoided: Bool,
        hasRefunds: Bool,
        approvals: ApprovalContext
    ) throws(POSError) -> Employee? {
        try Identifier.validateText(request.reason, field: "reason")
        guard !alreadyVoided else {
            throw .conflict("invoice \(request.invoice) is already void", code: "invoice.void")
        }
        guard postedOn == today else {
            throw .conflict(
                "invoice \(request.invoice) was posted on \(postedOn); after its day, refund instead of voiding",
                code: "void.dayOver"
            )
        }
        guard !hasRefunds else {
            throw .conflict(
                "invoice \(request.invoice) has refunds; refund the rest instead of voiding",
                code: "void.hasRefunds"
            )
        }
        if let approval = request.approval {
            return try Approvals.check(approval, for: .voidInvoice, field: "approval", context: approvals)
        }
        let clerk = approvals.clerk
        guard clerk.employee.role.may(.voidInvoice) else {
            throw .approvalRequired(field: "approval", reason: "voiding an invoice needs a manager's PIN and a reason")
        }
        return nil
    }
}
