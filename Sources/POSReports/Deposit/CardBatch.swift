import POSCore

/// A card terminal's closed batch, as matching sees it (FORMATS.md §6.1 `TerminalBatch`).
///
/// Ids matching ties to: ``id`` (VetPOS's, `PAX-1-20250314-01`: card terminal, business day of the close, number that
/// day), ``reference`` (the terminal's or processor's own batch number, when typed in at the close), and each
/// payment's ``Payment/authCode``, ``Payment/last4`` and ``Payment/number``. Totals are computed here from the
/// payments. CareCredit is its own delayed settlement stream: ``processor`` is what the card processor settles,
/// ``careCredit`` what CareCredit does.
public struct CardBatch: Hashable, Sendable, Codable {
    /// A card payment (positive), refund or reversal (negative) of the batch.
    public struct Payment: Hashable, Sendable, Codable {
        public var number: Int64
        public var kind: PaymentKind
        public var tender: Tender
        public var brand: CardBrand
        public var last4: String
        public var authCode: String
        /// The card terminal it was run on.
        public var terminal: String
        public var amount: Money
        public var atMillis: Int64
        public var businessDate: BusinessDate
        public var invoice: Int64?
        /// For a refund or reversal: the payment it returns.
        public var reverses: Int64?

        public init(
            number: Int64,
            kind: PaymentKind,
            tender: Tender,
            brand: CardBrand,
            last4: String,
            authCode: String,
            terminal: String,
            amount: Money,
            atMillis: Int64,
            businessDate: BusinessDate,
            invoice: Int64?,
            reverses: Int64?
        ) {
            self.number = number
            self.kind = kind
            self.tender = tender
            self.brand = brand
            self.last4 = last4
            self.authCode = authCode
            self.terminal = terminal
            self.amount = amount
            self.atMillis = atMillis
            self.businessDate = businessDate
            self.invoice = invoice
            self.reverses = reverses
        }
    }

    /// Payments of one tender and brand (CareCredit is a tender of its own).
    public struct Total: Hashable, Sendable, Codable {
        public var tender: Tender
        public var brand: CardBrand
        public var count: Int
        public var sales: Money
        /// Refunds and reversals (negative).
        public var refunds: Money
        public var net: Money { sales + refunds }

        public init(tender: Tender, brand: CardBrand, count: Int, sales: Money, refunds: Money) {
            self.tender = tender
            self.brand = brand
            self.count = count
            self.sales = sales
            self.refunds = refunds
        }

        /// `visa credit`, `mastercard debit`, `careCredit`.
        public var label: String { tender == .careCredit ? "careCredit" : "\(brand.rawValue) \(tender.rawValue)" }

        enum CodingKeys: String, CodingKey { case tender, brand, count, sales, refunds, net }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            tender = try container.decode(Tender.self, forKey: .tender)
            brand = try container.decode(CardBrand.self, forKey: .brand)
            count = try container.decode(Int.self, forKey: .count)
            sales = try container.decode(Money.self, forKey: .sales)
            refunds = try container.decode(Money.self, forKey: .refunds)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(tender, forKey: .tender)
            try container.encode(brand, forKey: .brand)
            try container.encode(count, forKey: .count)
            try container.encode(sales, forKey: .sales)
            try container.encode(refunds, forKey: .refunds)
            try container.encode(net, forKey: .net)
        }

        /// Totals of payments by tender and brand, in the order tenders and brands are declared.
        public static func of(_ payments: [Payment]) -> [Total] {
            var totals: [Total] = []
            for payment in payments {
                let index =
                    totals.firstIndex { $0.tender == payment.tender && $0.brand == payment.brand }
                    ?? {
                        totals.append(
                            Total(tender: payment.tender, brand: payment.brand, count: 0, sales: .zero, refunds: .zero)
                        )
                        return totals.count - 1
                    }()
                totals[index].count += 1
                if payment.kind == .payment {
                    totals[index].sales += payment.amount
                } else {
                    totals[index].refunds += payment.amount
                }
            }
            return totals.sorted { $0.order < $1.order }
        }

        var order: (Int, Int) {
            (Tender.allCases.firstIndex(of: tender) ?? 0, CardBrand.allCases.firstIndex(of: brand) ?? 0)
        }
    }

    /// A settlement stream's part of the batch: the card processor's, or CareCredit's.
    public struct Stream: Hashable, Sendable, Codable {
        public var count: Int
        public var sales: Money
        public var refunds: Money
        public var net: Money

        init(_ totals: [Total]) {
            count = totals.map(\.count).reduce(0, +)
            sales = totals.map(\.sales).sum()
            refunds = totals.map(\.refunds).sum()
            net = sales + refunds
        }
    }

    public var id: String
    public var terminal: String
    /// The business day the batch was closed on.
    public var businessDate: BusinessDate
    public var sequence: Int
    public var closedAt: Int64
    public var closedBy: String
    /// The terminal's or processor's own batch number, when typed in at the close.
    public var reference: String?
    /// The net of the terminal's own batch report, when typed in at the close.
    public var reportedNet: Money?
    public var payments: [Payment]
    public let brands: [Total]
    public let count: Int
    public let sales: Money
    public let refunds: Money
    public let net: Money
    /// Everything but CareCredit: what the card processor settles.
    public let processor: Stream
    /// CareCredit payments: settled on their own, later.
    public let careCredit: Stream

    /// A batch; every total is computed here from the payments.
    public init(
        id: String,
        terminal: String,
        businessDate: BusinessDate,
        sequence: Int,
        closedAt: Int64,
        closedBy: String,
        reference: String?,
        reportedNet: Money?,
        payments: [Payment]
    ) {
        self.id = id
        self.terminal = terminal
        self.businessDate = businessDate
        self.sequence = sequence
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.reference = reference
        self.reportedNet = reportedNet
        self.payments = payments
        brands = Total.of(payments)
        count = payments.count
        sales = brands.map(\.sales).sum()
        refunds = brands.map(\.refunds).sum()
        net = sales + refunds
        processor = Stream(brands.filter { $0.tender != .careCredit })
        careCredit = Stream(brands.filter { $0.tender == .careCredit })
    }

    /// The terminal's own batch report against VetPOS's payments (reported − recorded), when the report was typed in.
    public var difference: Money? { reportedNet.map { $0 - net } }

    /// The batch as the receipt printer prints it: 42 columns.
    public func text(calendar: BusinessCalendar) -> String {
        (lines(calendar: calendar, reportDate: businessDate) + [SlipText.rule("=")]).joined(separator: "\n") + "\n"
    }

    /// The batch's lines; payments from before `reportDate` are counted apart.
    func lines(calendar: BusinessCalendar, reportDate: BusinessDate) -> [String] {
        var out: [String] = []
        out.append(SlipText.row("BATCH", id))
        out.append(SlipText.row("Closed", "\(SlipText.time(closedAt, calendar)) by \(closedBy)"))
        if let reference { out.append(SlipText.row("Terminal batch no.", reference)) }
        for total in brands { out.append(contentsOf: total.rows) }
        out.append(SlipText.row("Sales", sales.formatted))
        out.append(SlipText.row("Refunds", refunds.formatted))
        out.append(SlipText.row("Batch total (\(count))", net.formatted))
        if careCredit.count > 0 {
            out.append(SlipText.row("  card processor", processor.net.formatted))
            out.append(SlipText.row("  CareCredit (settles apart)", careCredit.net.formatted))
        }
        if let reportedNet, let difference {
            out.append(SlipText.row("Terminal report", reportedNet.formatted))
            out.append(SlipText.row(difference == .zero ? "Difference" : "DIFFERENCE", difference.formatted))
        }
        let earlier = payments.filter { $0.businessDate < reportDate }
        if !earlier.isEmpty {
            out.append(SlipText.row("  from earlier days (\(earlier.count))", earlier.map(\.amount).sum().formatted))
        }
        return out
    }
}

extension CardBatch.Total {
    /// The total's line, with its sales and refunds under it when there were refunds.
    var rows: [String] {
        var rows = [SlipText.row("\(label) (\(count))", net.formatted)]
        if refunds != .zero {
            rows.append(SlipText.row("  sales", sales.formatted))
            rows.append(SlipText.row("  refunds", refunds.formatted))
        }
        return rows
    }
}
