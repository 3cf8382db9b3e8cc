/// The discounts a front desk gives, each governed and reported by class.
public enum DiscountClass: String, Codable, CaseIterable, Sendable {
    /// A staff member's own pets; the client must be a staff account.
    case employee
    /// Shelters and rescues; the client must be a shelter account.
    case shelter
    /// Several pets of one owner seen on one visit; the invoice must cover at least two patients.
    case multiplePets
    /// A printed or emailed coupon with a code; the coupon itself is the authority, so no role ceiling applies.
    case coupon
    /// An exam given free (a recheck, a new-puppy visit); it must target a service line.
    case complimentaryExam
}

public enum DiscountMethod: Hashable, Sendable {
    case percent(Percent)
    case amount(Money)
}

/// Which lines an invoice-level discount reaches.
public enum DiscountScope: Hashable, Sendable, CustomStringConvertible {
    case all
    case kind(ItemKind)
    case item(code: String)

    /// `all`, `service`, `product`, `pharmacy`, `fee` or `item:CODE`.
    public init?(text: String) {
        if text == "all" {
            self = .all
        } else if let kind = ItemKind(rawValue: text) {
            self = .kind(kind)
        } else if text.hasPrefix("item:"), text.count > 5 {
            self = .item(code: String(text.dropFirst(5)))
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .all: "all"
        case .kind(let kind): kind.rawValue
        case .item(let code): "item:\(code)"
        }
    }

    func includes(_ item: CatalogItem) -> Bool {
        switch self {
        case .all: true
        case .kind(let kind): item.kind == kind
        case .item(let code): item.code == code
        }
    }
}

/// A discount on one line (1-based line number) or on the lines of the invoice within a scope.
public enum DiscountTarget: Hashable, Sendable, CustomStringConvertible {
    case line(Int)
    case invoice(DiscountScope)

    public var description: String {
        switch self {
        case .line(let number): "line \(number)"
        case .invoice(let scope): "invoice (\(scope))"
        }
    }
}

/// A discount to price: what, how much and where.
public struct DiscountSpec: Hashable, Sendable {
    public var discountClass: DiscountClass
    public var method: DiscountMethod
    public var target: DiscountTarget
    public var couponCode: String?

    public init(discountClass: DiscountClass, method: DiscountMethod, target: DiscountTarget, couponCode: String? = nil)
    {
        self.discountClass = discountClass
        self.method = method
        self.target = target
        self.couponCode = couponCode
    }
}

/// A discount as priced: its amount and how that amount is spread over the invoice's lines.
public struct PricedDiscount: Hashable, Sendable {
    public var spec: DiscountSpec
    /// What the discount was computed on: the eligible lines' amounts after earlier discounts.
    public var base: Money
    public var amount: Money
    /// One entry per invoice line, adding up to ``amount``.
    public var allocations: [Money]

    /// The discount as a share of its base, rounded up, for checking against a role's ceiling.
    public var effectivePercent: Percent {
        guard base.isPositive else { return Percent(basisPoints: 0) }
        let basisPoints = mulDiv(amount.minorUnits, 10_000, base.minorUnits, rounding: .towardZero)
        let exact = mulDiv(basisPoints, base.minorUnits, 10_000, rounding: .towardZero) == amount.minorUnits
        return Percent(basisPoints: exact ? basisPoints : basisPoints + 1)
    }
}

/// A coupon the clinic issued.
public struct Coupon: Hashable, Sendable, Codable {
    public var code: String
    public var description: String
    public var percent: Percent?
    public var amount: Money?
    /// `all`, a kind or `item:CODE`, as ``DiscountScope/init(text:)`` reads it.
    public var scope: String
    /// Last valid business day, `YYYY-MM-DD`.
    public var expiresOn: String
    public var singleUse: Bool

    public init(
        code: String,
        description: String,
        percent: Percent? = nil,
        amount: Money? = nil,
        scope: String = "all",
        expiresOn: String,
        singleUse: Bool
    ) {
        self.code = code
        self.description = description
        self.percent = percent
        self.amount = amount
        self.scope = scope
        self.expiresOn = expiresOn
        self.singleUse = singleUse
    }

    public var method: DiscountMethod? {
        switch (percent, amount) {
        case (let percent?, nil): .percent(percent)
        case (nil, let amount?): .amount(amount)
        default: nil
        }
    }

    public func validate() throws(POSError) {
        try Identifier.validate(code, field: "coupon.code")
        try Identifier.validateText(description, field: "coupon.description")
        guard let method else {
            throw .invalid(field: "coupon", reason: "give either a percent or an amount")
        }
        switch method {
        case .percent(let percent):
            guard percent.basisPoints > 0, percent.basisPoints <= 10_000 else {
                throw .invalid(field: "coupon.percent", reason: "must be more than 0 and at most 100")
            }
        case .amount(let amount):
            guard amount.isPositive else { throw .invalid(field: "coupon.amount", reason: "must be positive") }
        }
        guard DiscountScope(text: scope) != nil else {
            throw .invalid(field: "coupon.scope", reason: "'\(scope)' is not all, a kind or item:CODE")
        }
        _ = try BusinessDate.parse(expiresOn, field: "coupon.expiresOn")
    }
}
