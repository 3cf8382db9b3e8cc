import Foundation

/// The day's takings: sales by category, discounts by class, money by tender. Every total is a sum of the rows above
/// it, and `netSales − collected` is what clients' balances grew by.
public struct DayReport: Hashable, Sendable, Codable {
    public struct Category: Hashable, Sendable, Codable {
        public var kind: ItemKind
        public var lines: Int
        public var gross: Money
        public var discounts: Money
        public var tax: Money
        public var net: Money { gross - discounts }

        public init(kind: ItemKind, lines: Int, gross: Money, discounts: Money, tax: Money) {
            self.kind = kind
            self.lines = lines
            self.gross = gross
            self.discounts = discounts
            self.tax = tax
        }
    }

    public struct TenderTotal: Hashable, Sendable, Codable {
        public var tender: Tender
        public var payments: Int
        /// Money taken in.
        public var received: Money
        /// Refunds paid out (negative).
        public var refunded: Money
        /// Same-day reversals of voided sales (negative).
        public var reversed: Money
        public var net: Money { received + refunded + reversed }

        public init(tender: Tender, payments: Int, received: Money, refunded: Money, reversed: Money) {
            self.tender = tender
            self.payments = payments
            self.received = received
            self.refunded = refunded
            self.reversed = reversed
        }
    }

    public struct DiscountClassTotal: Hashable, Sendable, Codable {
        public var discountClass: DiscountClass
        public var count: Int
        public var amount: Money

        public init(discountClass: DiscountClass, count: Int, amount: Money) {
            self.discountClass = discountClass
            self.count = count
            self.amount = amount
        }

        enum CodingKeys: String, CodingKey {
            case discountClass = "class"
            case count, amount
        }
    }

    public var date: BusinessDate
    public var clinic: String
    public var invoicesPosted: Int
    public var invoicesVoided: Int
    public var invoicesOpen: Int
    public var categories: [Category]
    public var discountsByClass: [DiscountClassTotal]
    public var tenders: [TenderTotal]
    public var changeGiven: Money
    /// Refunds credited against invoices (returns), which reduce the day's sales.
    public var refundCredits: Money
    /// The cash figures are withheld: the reader is a cashier while a drawer still waits for its blind count, and
    /// cash taken (or anything that gives it away: change, money collected, receivables) would tell the expected cash.
    public private(set) var cashHidden = false

    /// The report as a cashier may see it while a blind count is pending.
    public func hidingCash() -> DayReport {
        var copy = self
        copy.tenders = tenders.filter { $0.tender != .cash }
        copy.changeGiven = .zero
        copy.cashHidden = true
        return copy
    }

    public var subtotal: Money { categories.map(\.gross).sum() }
    public var discounts: Money { categories.map(\.discounts).sum() }
    public var tax: Money { categories.map(\.tax).sum() }
    public var salesTotal: Money { subtotal - discounts + tax }
    public var netSales: Money { salesTotal - refundCredits }
    /// Money actually taken: every tender but charges to client accounts.
    public var collected: Money { tenders.filter { $0.tender != .account }.map(\.net).sum() }
    /// Net charges to client accounts.
    public var chargedToAccounts: Money { tenders.filter { $0.tender == .account }.map(\.net).sum() }
    /// What clients owe more than this morning: account charges and unpaid balances, less payments of old balances.
    public var receivablesChange: Money { netSales - collected }

    public init(
        date: BusinessDate,
        clinic: String,
        invoicesPosted: Int,
        invoicesVoided: Int,
        invoicesOpen: Int,
        categories: [Category],
        discountsByClass: [DiscountClassTotal],
        tenders: [TenderTotal],
        changeGiven: Money,
        refundCredits: Money
    ) {
        self.date = date
        self.clinic = clinic
        self.invoicesPosted = invoicesPosted
        self.invoicesVoided = invoicesVoided
        self.invoicesOpen = invoicesOpen
        self.categories = categories
        self.discountsByClass = discountsByClass
        self.tenders = tenders
        self.changeGiven = changeGiven
        self.refundCredits = refundCredits
    }

    enum CodingKeys: String, CodingKey {
        case date, clinic, invoicesPosted, invoicesVoided, invoicesOpen, categories, discountsByClass, tenders
        case changeGiven, refundCredits, subtotal, discounts, tax, salesTotal, netSales, collected, chargedToAccounts
        case receivablesChange, cashHidden
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(date, forKey: .date)
        try container.encode(clinic, forKey: .clinic)
        try container.encode(invoicesPosted, forKey: .invoicesPosted)
        try container.encode(invoicesVoided, forKey: .invoicesVoided)
        try container.encode(invoicesOpen, forKey: .invoicesOpen)
        try container.encode(categories, forKey: .categories)
        try container.encode(discountsByClass, forKey: .discountsByClass)
        try container.encode(tenders, forKey: .tenders)
        try container.encode(refundCredits, forKey: .refundCredits)
        try container.encode(subtotal, forKey: .subtotal)
        try container.encode(discounts, forKey: .discounts)
        try container.encode(tax, forKey: .tax)
        try container.encode(salesTotal, forKey: .salesTotal)
        try container.encode(netSales, forKey: .netSales)
        try container.encode(chargedToAccounts, forKey: .chargedToAccounts)
        if cashHidden {
            try container.encode(true, forKey: .cashHidden)
        } else {
            try container.encode(changeGiven, forKey: .changeGiven)
            try container.encode(collected, forKey: .collected)
            try container.encode(receivablesChange, forKey: .receivablesChange)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        date = try container.decode(BusinessDate.self, forKey: .date)
        clinic = try container.decode(String.self, forKey: .clinic)
        invoicesPosted = try container.decode(Int.self, forKey: .invoicesPosted)
        invoicesVoided = try container.decode(Int.self, forKey: .invoicesVoided)
        invoicesOpen = try container.decode(Int.self, forKey: .invoicesOpen)
        categories = try container.decode([Category].self, forKey: .categories)
        discountsByClass = try container.decode([DiscountClassTotal].self, forKey: .discountsByClass)
        tenders = try container.decode([TenderTotal].self, forKey: .tenders)
        cashHidden = try container.decodeIfPresent(Bool.self, forKey: .cashHidden) ?? false
        changeGiven = try container.decodeIfPresent(Money.self, forKey: .changeGiven) ?? .zero
        refundCredits = try container.decode(Money.self, forKey: .refundCredits)
    }

    /// The report as printed at the desk, fixed-width.
    public var text: String {
        var out: [String] = []
        func row(_ label: String, _ columns: [String]) {
            out.append(
                label.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + columns.map { String(repeating: " ", count: max(0, 12 - $0.count)) + $0 }.joined()
            )
        }
        out.append("\(clinic) — day report \(date)")
        out.append("Invoices posted \(invoicesPosted) (\(invoicesVoided) of them voided); open now \(invoicesOpen)")
        out.append("")
        row("Sales by category", ["Lines", "Gross", "Discounts", "Net", "Tax"])
        for category in categories {
            row(
                "  \(category.kind.rawValue)",
                [
                    "\(category.lines)", category.gross.formatted, category.discounts.formatted, category.net.formatted,
                    category.tax.formatted,
                ]
            )
        }
        row("  Total", ["", subtotal.formatted, discounts.formatted, (subtotal - discounts).formatted, tax.formatted])
        out.append("")
        row("Sales total", [salesTotal.formatted])
        row("Refund credits", [(-refundCredits).formatted])
        row("Net sales", [netSales.formatted])
        out.append("")
        row("Discounts by class", ["Count", "Amount"])
        for total in discountsByClass {
            row("  \(total.discountClass.rawValue)", ["\(total.count)", total.amount.formatted])
        }
        out.append("")
        row("Payments by tender", ["Count", "Received", "Refunded", "Voided", "Net"])
        for tender in tenders {
            row(
                "  \(tender.tender.rawValue)",
                [
                    "\(tender.payments)", tender.received.formatted, tender.refunded.formatted,
                    tender.reversed.formatted,
                    tender.net.formatted,
                ]
            )
        }
        if cashHidden {
            row("  Charged to accounts", ["", "", "", "", chargedToAccounts.formatted])
            out.append("Cash, change and money collected are shown once the drawers' blind counts are in.")
        } else {
            row("  Collected", ["", "", "", "", collected.formatted])
            row("  Charged to accounts", ["", "", "", "", chargedToAccounts.formatted])
            row("Change given", [changeGiven.formatted])
            row("Receivables change", [receivablesChange.formatted])
        }
        return out.joined(separator: "\n") + "\n"
    }
}
