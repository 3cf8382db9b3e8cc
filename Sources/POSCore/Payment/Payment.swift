/// A way of paying.
public enum Tender: String, Codable, CaseIterable, Sendable {
    case cash, check, credit, debit, careCredit, account

    /// Tenders that put something physical in the cash drawer.
    public var goesInDrawer: Bool { self == .cash || self == .check }
    public var isCard: Bool { self == .credit || self == .debit || self == .careCredit }
}

public enum CardBrand: String, Codable, CaseIterable, Sendable {
    case visa, mastercard, amex, discover, careCredit, other
}

/// What the clinic writes down for a check: number, bank, payer and the payer's ID or driver's license number.
public struct CheckDetails: Hashable, Sendable, Codable {
    public var number: String
    public var bank: String
    public var payer: String
    public var idNumber: String

    public init(number: String, bank: String, payer: String, idNumber: String) {
        self.number = number
        self.bank = bank
        self.payer = payer
        self.idNumber = idNumber
    }
}

/// What the clinic keeps of a card payment: never the card number, only its last four digits and the authorization.
public struct CardDetails: Hashable, Sendable, Codable {
    public var brand: CardBrand
    public var last4: String
    public var authCode: String
    public var terminalId: String

    public init(brand: CardBrand, last4: String, authCode: String, terminalId: String) {
        self.brand = brand
        self.last4 = last4
        self.authCode = authCode
        self.terminalId = terminalId
    }
}

/// A payment as the CSR enters it. For cash, `amount` is what the client handed over.
public struct PaymentInput: Hashable, Sendable {
    public var tender: Tender
    public var amount: Money
    public var check: CheckDetails?
    public var card: CardDetails?

    public init(tender: Tender, amount: Money, check: CheckDetails? = nil, card: CardDetails? = nil) {
        self.tender = tender
        self.amount = amount
        self.check = check
        self.card = card
    }
}

/// A payment as it is recorded: `amount` is what it pays off; for cash, `tendered − change = amount`.
public struct PaymentDraft: Hashable, Sendable {
    public var tender: Tender
    public var amount: Money
    public var tendered: Money
    public var change: Money
    public var check: CheckDetails?
    public var card: CardDetails?

    public init(tender: Tender, amount: Money, tendered: Money, change: Money, check: CheckDetails?, card: CardDetails?)
    {
        self.tender = tender
        self.amount = amount
        self.tendered = tendered
        self.change = change
        self.check = check
        self.card = card
    }
}

/// The outcome of tendering: the payments, the change handed back and what is still owed.
public struct TenderResult: Hashable, Sendable {
    public var payments: [PaymentDraft]
    public var change: Money { payments.map(\.change).sum() }
    public var paid: Money { payments.map(\.amount).sum() }
}

public enum Tendering {
    /// Validates payments against what is due and works out the change.
    ///
    /// Only cash may exceed what is due; the excess comes back as change from the last cash payments.
    /// A charge to the account needs an approved credit account with room under its limit.
    public static func apply(
        _ inputs: [PaymentInput],
        due: Money,
        client: Client,
        accountBalance: Money,
        field: String = "payments"
    ) throws(POSError) -> TenderResult {
        var nonCash = Money.zero
        var cash = Money.zero
        for (index, input) in inputs.enumerated() {
            try validate(input, field: "\(field)[\(index)]")
            if input.tender == .cash { cash += input.amount } else { nonCash += input.amount }
        }
        guard nonCash <= due else {
            throw .invalid(
                field: field,
                reason:
                    "non-cash payments of \(nonCash.formatted) exceed the \(due.formatted) due; only cash gives change"
            )
        }
        let account = inputs.filter { $0.tender == .account }.map(\.amount).sum()
        if account.isPositive {
            guard client.creditApproved else {
                throw .invalid(field: field, reason: "client \(client.id) has no approved credit account")
            }
            guard accountBalance + account <= client.creditLimit else {
                throw .invalid(
                    field: field,
                    reason: "charging \(account.formatted) would take client \(client.id)'s account to "
                        + "\((accountBalance + account).formatted), over the \(client.creditLimit.formatted) limit"
                )
            }
        }
        var change = max(.zero, nonCash + cash - due)
        var payments = inputs.map {
            PaymentDraft(
                tender: $0.tender,
                amount: $0.amount,
                tendered: $0.amount,
                change: .zero,
                check: $0.check,
                card: $0.card
            )
        }
        for index in payments.indices.reversed() where payments[index].tender == .cash && change.isPositive {
            let given = min(change, payments[index].tendered)
            payments[index].change = given
            payments[index].amount = payments[index].tendered - given
            change -= given
        }
        // Cash handed over when nothing is left to pay would be all change: refuse it rather than record a no-op.
        if let index = payments.firstIndex(where: { $0.tender == .cash && $0.amount == .zero }) {
            throw .invalid(field: "\(field)[\(index)]", reason: "nothing is left to pay with this cash")
        }
        return TenderResult(payments: payments)
    }

    /// Checks one payment's own fields.
    public static func validate(_ input: PaymentInput, field: String) throws(POSError) {
        guard input.amount.isPositive else { throw .invalid(field: "\(field).amount", reason: "must be positive") }
        switch input.tender {
        case .cash, .account:
            guard input.check == nil, input.card == nil else {
                throw .invalid(field: field, reason: "\(input.tender.rawValue) takes no check or card details")
            }
        case .check:
            guard let check = input.check else {
                throw .invalid(
                    field: field,
                    reason: "a check needs its number, bank, payer and the payer's ID or driver's license number"
                )
            }
            guard input.card == nil else { throw .invalid(field: field, reason: "a check has no card details") }
            // Field names are the JSON's: a check's and a card's details sit on the payment itself.
            try validate(check, field: field)
        case .credit, .debit, .careCredit:
            guard let card = input.card else {
                throw .invalid(field: field, reason: "a card payment needs brand, last4, authCode and terminalId")
            }
            guard input.check == nil else {
                throw .invalid(field: field, reason: "a card payment has no check details")
            }
            try validate(card, tender: input.tender, field: field)
        }
    }

    static func validate(_ check: CheckDetails, field: String) throws(POSError) {
        guard (1...10).contains(check.number.count), check.number.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalid(field: "\(field).number", reason: "a check number is 1 to 10 digits")
        }
        try requireText(check.bank, field: "\(field).bank", what: "the bank")
        try requireText(check.payer, field: "\(field).payer", what: "the payer's name")
        let id = check.idNumber.trimmingASCIIWhitespace()
        guard !id.isEmpty else {
            throw .invalid(
                field: "\(field).idNumber",
                reason: "a check is refused without the payer's ID or driver's license number",
                code: "check.idRequired"
            )
        }
        guard (4...20).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else {
            throw .invalid(
                field: "\(field).idNumber",
                reason: "an ID number is 4 to 20 letters, digits or dashes",
                code: "check.idInvalid"
            )
        }
        try refuseCardNumbers(in: [check.bank, check.payer, check.idNumber], field: field)
    }

    static func validate(_ card: CardDetails, tender: Tender, field: String) throws(POSError) {
        guard card.last4.count == 4, card.last4.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalid(
                field: "\(field).last4",
                reason: card.last4.count > 4
                    ? "only the last 4 digits of a card are accepted, never the card number"
                    : "must be the last 4 digits of the card"
            )
        }
        guard (2...12).contains(card.authCode.count),
            card.authCode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else {
            throw .invalid(field: "\(field).authCode", reason: "an authorization code is 2 to 12 letters or digits")
        }
        try Identifier.validate(card.terminalId, field: "\(field).terminalId")
        guard (tender == .careCredit) == (card.brand == .careCredit) else {
            throw .invalid(
                field: "\(field).brand",
                reason: "CareCredit payments use the careCredit tender and brand together"
            )
        }
        try refuseCardNumbers(in: [card.authCode, card.terminalId], field: field)
    }

    static func requireText(_ value: String, field: String, what: String) throws(POSError) {
        guard !value.trimmingASCIIWhitespace().isEmpty else {
            throw .invalid(field: field, reason: "\(what) is required")
        }
        try Identifier.validateText(value, field: field)
    }

    /// Refuses any text holding 12 or more digits in a row: it may be a card number, which VetPOS never stores.
    public static func refuseCardNumbers(in texts: [String], field: String) throws(POSError) {
        for text in texts {
            var run = 0
            for character in text {
                if character.isASCII && character.isNumber {
                    run += 1
                    if run >= 12 {
                        throw .invalid(
                            field: field,
                            reason: "looks like a card number; only the last 4 digits are kept"
                        )
                    }
                } else if character != " " && character != "-" {
                    run = 0
                }
            }
        }
    }
}
