/// An invoice as people and programs read it: the stored lines, discounts and payments, and totals that are sums
/// of them. This is what `vetpos checkout` prints and what the front-desk screens show.
public struct InvoiceView: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable {
        case open, posted
        case partiallyPaid = "partially paid"
        case paid, void
        /// An open invoice the desk cancelled before checkout: kept, never changed, out of the open list.
        case cancelled
    }

    public struct Line: Hashable, Sendable, Codable {
        public var line: Int
        public var patient: String
        public var item: String
        public var description: String
        public var kind: ItemKind
        public var quantity: Quantity
        public var unitPrice: Money
        public var extended: Money
        public var discount: Money
        public var tax: Money
        public var total: Money
        public var provider: String

        public init(
            line: Int,
            patient: String,
            item: String,
            description: String,
            kind: ItemKind,
            quantity: Quantity,
            unitPrice: Money,
            extended: Money,
            discount: Money,
            tax: Money,
            total: Money,
            provider: String
        ) {
            self.line = line
            self.patient = patient
            self.item = item
            self.description = description
            self.kind = kind
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.extended = extended
            self.discount = discount
            self.tax = tax
            self.total = total
            self.provider = provider
        }
    }

    public struct Pet: Hashable, Sendable, Codable {
        public var patient: String
        public var name: String
        public var species: String
        public var total: Money

        public init(
            patient: String,
            name: String,
            species: String,
            total: Money
        ) {
            self.patient = patient
            self.name = name
            self.species = species
            self.total = total
        }
    }

    public struct Discount: Hashable, Sendable, Codable {
        public var discountClass: DiscountClass
        public var target: String
        public var method: String
        public var amount: Money
        public var coupon: String?
        public var appliedBy: String
        public var approvedBy: String?
        public var reason: String?

        public init(
            discountClass: DiscountClass,
            target: String,
            method: String,
            amount: Money,
            coupon: String?,
            appliedBy: String,
            approvedBy: String?,
            reason: String?
        ) {
            self.discountClass = discountClass
            self.target = target
            self.method = method
            self.amount = amount
            self.coupon = coupon
            self.appliedBy = appliedBy
            self.approvedBy = approvedBy
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case discountClass = "class"
            case target, method, amount, coupon, appliedBy, approvedBy, reason
        }
    }

    public struct Payment: Hashable, Sendable, Codable {
        public var number: Int64
        public var kind: PaymentKind
        public var tender: Tender
        public var amount: Money
        public var tendered: Money
        public var change: Money
        public var checkNumber: String?
        public var cardBrand: CardBrand?
        public var cardLast4: String?
        public var authCode: String?
        public var reverses: Int64?
        public var reason: String?
        public var employee: String
        public var at: Int64

        public init(
            number: Int64,
            kind: PaymentKind,
            tender: Tender,
            amount: Money,
            tendered: Money,
            change: Money,
            checkNumber: String?,
            cardBrand: CardBrand?,
            cardLast4: String?,
            authCode: String?,
            reverses: Int64?,
            reason: String?,
            employee: String,
            at: Int64
        ) {
            self.number = number
            self.kind = kind
            self.tender = tender
            self.amount = amount
            self.tendered = tendered
            self.change = change
            self.checkNumber = checkNumber
            self.cardBrand = cardBrand
            self.cardLast4 = cardLast4
            self.authCode = authCode
            self.reverses = reverses
            self.reason = reason
            self.employee = employee
            self.at = at
        }
    }

    public var number: Int64
    public var client: String
    public var clientName: String
    public var status: Status
    public var terminal: String
    public var openedBy: String
    public var openedAt: Int64
    public var postedAt: Int64?
    public var businessDate: BusinessDate?
    public var lines: [Line]
    public var pets: [Pet]
    public var discounts: [Discount]
    public var subtotal: Money
    public var discountTotal: Money
    public var taxTotal: Money
    public var total: Money
    public var payments: [Payment]
    /// Money taken toward the invoice, net of reversals (refunds are counted as credits instead).
    public var paid: Money
    /// Refunds: money returned, credited against the invoice.
    public var credits: Money
    public var balanceDue: Money
    public var voidReason: String?
    /// Why the open invoice was cancelled, when it was.
    public var cancelReason: String?

    public init(
        number: Int64,
        client: String,
        clientName: String,
        status: Status,
        terminal: String,
        openedBy: String,
        openedAt: Int64,
        postedAt: Int64?,
        businessDate: BusinessDate?,
        lines: [Line],
        pets: [Pet],
        discounts: [Discount],
        payments: [Payment],
        voidReason: String?,
        cancelReason: String? = nil
    ) {
        self.number = number
        self.client = client
        self.clientName = clientName
        self.status = status
        self.terminal = terminal
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.postedAt = postedAt
        self.businessDate = businessDate
        self.lines = lines
        self.pets = pets
        self.discounts = discounts
        self.payments = payments
        self.voidReason = voidReason
        self.cancelReason = cancelReason
        subtotal = lines.map(\.extended).sum()
        discountTotal = lines.map(\.discount).sum()
        taxTotal = lines.map(\.tax).sum()
        total = subtotal - discountTotal + taxTotal
        paid = payments.filter { $0.kind != .refund }.map(\.amount).sum()
        credits = -payments.filter { $0.kind == .refund }.map(\.amount).sum()
        // Refunds return money and credit the invoice by the same amount, so they leave the balance unchanged.
        balanceDue = voidReason == nil && cancelReason == nil ? total - paid : .zero
        if cancelReason != nil {
            self.status = .cancelled
        } else if voidReason != nil {
            self.status = .void
        } else if status != .open {
            self.status = balanceDue == .zero ? .paid : paid.isPositive ? .partiallyPaid : .posted
        }
    }
}
