/// What one line of a processor's settlement or payout file is, after normalisation (FORMATS.md §4, §6.1).
public enum SettlementLineType: String, Codable, CaseIterable, Sendable {
    /// A card sale: gross positive.
    case charge
    /// Money given back to a cardholder: gross negative.
    case refund
    /// A dispute withdrawal (gross negative, often with a dispute fee) or its reversal (gross positive).
    case chargeback
    /// A processor fee billed as its own line.
    case fee
    /// Anything else the processor moves (reserves, corrections, unknown categories, kept with their raw category).
    case adjustment
    /// Money leaving the processor balance for the bank (negative) or coming back from a failed payout (positive).
    case payout
}

/// One normalised entry of a processor's file. Amounts are exact minor units, signed from the clinic's view of its
/// processor balance: a charge adds (gross > 0), a refund takes away (gross < 0); `net = gross − fee`, always.
public struct SettlementLine: Codable, Sendable, Equatable {
    /// `stripe`, `square`, or the mapping file's processor name.
    public var processor: String
    /// The processor's own id of the entry (Stripe balance transaction, Square payment, the mapped id column).
    public var id: String
    /// The payout (Stripe `automatic_payout_id`, Square `Deposit ID`) that pays this entry out to the bank.
    public var payoutID: String?
    /// The terminal batch the processor says the entry belongs to, when its file says so.
    public var batchReference: String?
    /// The payout's bank trace id, when the file carries it (it can appear on the bank line).
    public var traceID: String?
    /// The clinic's business date of the entry (a UTC time converted with the clinic's time zone).
    public var date: BusinessDate
    /// When the funds become available in the processor balance (Stripe `available_on`).
    public var availableOn: BusinessDate?
    /// When the payout is expected at the bank (Stripe `automatic_payout_effective_at`, Square `Deposit Date`).
    public var payoutDate: BusinessDate?
    public var type: SettlementLineType
    /// The file's own category or event type, as written (`charge`, `dispute_reversal`, `Refund`, …).
    public var category: String
    public var gross: Money
    public var fee: Money
    public var net: Money
    /// ISO 4217, upper case.
    public var currency: String
    public var cardBrand: CardBrand?
    public var cardLast4: String?
    /// The processor's payment or charge id this entry is about (for matching VetPOS card payments).
    public var sourceID: String?
    /// VetPOS's own payment id, when the processor carries it back (Stripe `payment_metadata[vetpos_payment_id]`).
    public var paymentReference: String?
    public var description: String
    /// The 1-based physical line of the file the entry starts on.
    public var line: Int

    public init(
        processor: String,
        id: String,
        payoutID: String? = nil,
        batchReference: String? = nil,
        traceID: String? = nil,
        date: BusinessDate,
        availableOn: BusinessDate? = nil,
        payoutDate: BusinessDate? = nil,
        type: SettlementLineType,
        category: String,
        gross: Money,
        fee: Money,
        net: Money,
        currency: String,
        cardBrand: CardBrand? = nil,
        cardLast4: String? = nil,
        sourceID: String? = nil,
        paymentReference: String? = nil,
        description: String = "",
        line: Int
    ) {
        self.processor = processor
        self.id = id
        self.payoutID = payoutID
        self.batchReference = batchReference
        self.traceID = traceID
        self.date = date
        self.availableOn = availableOn
        self.payoutDate = payoutDate
        self.type = type
        self.category = category
        self.gross = gross
        self.fee = fee
        self.net = net
        self.currency = currency
        self.cardBrand = cardBrand
        self.cardLast4 = cardLast4
        self.sourceID = sourceID
        self.paymentReference = paymentReference
        self.description = description
        self.line = line
    }
}

/// One normalised line of a bank statement: the account holder's view, money in positive.
public struct BankLine: Codable, Sendable, Equatable {
    /// The account number as the bank writes it (OFX `ACCTID`, BAI2 `03` account, the mapped or configured account).
    public var account: String
    /// The bank's id of the line, unique per account: OFX `FITID`, BAI2 bank reference, the mapped reference column;
    /// derived from the line's content when the file has none (``idDerived``).
    public var id: String
    /// True when ``id`` was derived from (account, date, amount, text, occurrence) because the file has no id.
    public var idDerived: Bool
    /// The bank's booking date, as the file writes it (OFX `DTPOSTED`'s own calendar day, BAI2 as-of date).
    public var date: BusinessDate
    /// The value (availability) date when the file gives one (BAI2 funds type `V`, OFX `DTAVAIL`).
    public var valueDate: BusinessDate?
    /// Signed: credits positive, debits negative.
    public var amount: Money
    /// ISO 4217, upper case.
    public var currency: String
    /// The file's own type: OFX `TRNTYPE` (`CREDIT`, `DEP`, …), a BAI2 detail type code (`165`), the mapped type.
    public var type: String
    /// A second reference when there is one: BAI2 customer reference, OFX `REFNUM`.
    public var reference: String?
    public var checkNumber: String?
    /// The line's text: OFX `NAME` and `MEMO`, BAI2 text with its `88` continuations, the mapped description.
    public var description: String
    /// The 1-based physical line of the file the bank line starts on.
    public var line: Int

    public init(
        account: String,
        id: String,
        idDerived: Bool = false,
        date: BusinessDate,
        valueDate: BusinessDate? = nil,
        amount: Money,
        currency: String,
        type: String,
        reference: String? = nil,
        checkNumber: String? = nil,
        description: String = "",
        line: Int
    ) {
        self.account = account
        self.id = id
        self.idDerived = idDerived
        self.date = date
        self.valueDate = valueDate
        self.amount = amount
        self.currency = currency
        self.type = type
        self.reference = reference
        self.checkNumber = checkNumber
        self.description = description
        self.line = line
    }
}
