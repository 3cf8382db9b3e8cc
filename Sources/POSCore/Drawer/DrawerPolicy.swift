/// How the clinic runs its drawers: what is counted, how much float stays, how far off a count may be.
public struct DrawerPolicy: Hashable, Sendable, Codable {
    public var denominations: [Denomination]
    /// The cash left in the drawer for the next session.
    public var floatTarget: Money
    /// What the float should hold at least, when the drawer has it: small bills and coins to make change with.
    public var floatMinimum: CashCount
    /// A variance beyond this needs a manager's PIN and a note to close.
    public var tolerance: Money
    public var paidInReasons: [String]
    public var paidOutReasons: [String]
    /// A second employee verifies every close.
    public var requireVerification: Bool
    /// Counts are blind: expected cash is shown only after the count is submitted (and to managers).
    public var blindCount: Bool
    /// A paid-out above this needs a manager's PIN.
    public var paidOutApprovalLimit: Money
    /// Paid-outs of one drawer session above this in all need a manager's PIN from then on.
    public var paidOutSessionLimit: Money

    public init(
        denominations: [Denomination] = Denomination.usd,
        floatTarget: Money = .cents(150_00),
        floatMinimum: CashCount = CashCount([
            "1": 20, "5": 6, "roll-0.25": 1, "0.25": 20, "0.10": 20, "0.05": 10, "0.01": 50,
        ]),
        tolerance: Money = .cents(2_00),
        paidInReasons: [String] = ["change from the bank", "petty cash returned", "other"],
        paidOutReasons: [String] = ["petty cash", "postage", "supplies", "delivery tip", "other"],
        requireVerification: Bool = true,
        blindCount: Bool = true,
        paidOutApprovalLimit: Money = .cents(100_00),
        paidOutSessionLimit: Money = .cents(250_00)
    ) {
        self.denominations = denominations
        self.floatTarget = floatTarget
        self.floatMinimum = floatMinimum
        self.tolerance = tolerance
        self.paidInReasons = paidInReasons
        self.paidOutReasons = paidOutReasons
        self.requireVerification = requireVerification
        self.blindCount = blindCount
        self.paidOutApprovalLimit = paidOutApprovalLimit
        self.paidOutSessionLimit = paidOutSessionLimit
    }

    enum CodingKeys: String, CodingKey {
        case denominations, floatTarget, floatMinimum, tolerance, paidInReasons, paidOutReasons, requireVerification
        case blindCount, paidOutApprovalLimit, paidOutSessionLimit
    }

    /// Rules stored before the paid-out limits existed get the defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = DrawerPolicy()
        denominations = try container.decode([Denomination].self, forKey: .denominations)
        floatTarget = try container.decode(Money.self, forKey: .floatTarget)
        floatMinimum = try container.decode(CashCount.self, forKey: .floatMinimum)
        tolerance = try container.decode(Money.self, forKey: .tolerance)
        paidInReasons = try container.decode([String].self, forKey: .paidInReasons)
        paidOutReasons = try container.decode([String].self, forKey: .paidOutReasons)
        requireVerification = try container.decode(Bool.self, forKey: .requireVerification)
        blindCount = try container.decode(Bool.self, forKey: .blindCount)
        paidOutApprovalLimit =
            try container.decodeIfPresent(Money.self, forKey: .paidOutApprovalLimit) ?? defaults.paidOutApprovalLimit
        paidOutSessionLimit =
            try container.decodeIfPresent(Money.self, forKey: .paidOutSessionLimit) ?? defaults.paidOutSessionLimit
    }

    public func validate() throws(POSError) {
        guard !denominations.isEmpty else { throw .invalid(field: "drawer.denominations", reason: "list at least one") }
        guard Set(denominations.map(\.code)).count == denominations.count else {
            throw .invalid(field: "drawer.denominations", reason: "codes must be unique")
        }
        for denomination in denominations where !denomination.value.isPositive {
            throw .invalid(field: "drawer.denominations, \(denomination.code)", reason: "a value must be positive")
        }
        guard !floatTarget.isNegative else {
            throw .invalid(field: "drawer.floatTarget", reason: "must not be negative")
        }
        guard !tolerance.isNegative else { throw .invalid(field: "drawer.tolerance", reason: "must not be negative") }
        guard !paidOutApprovalLimit.isNegative, !paidOutSessionLimit.isNegative else {
            throw .invalid(field: "drawer.paidOutApprovalLimit", reason: "paid-out limits must not be negative")
        }
        try floatMinimum.validate(denominations, field: "drawer.floatMinimum")
    }
}
