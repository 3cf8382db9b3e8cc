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
        blindCount: Bool = true
    ) {
        self.denominations = denominations
        self.floatTarget = floatTarget
        self.floatMinimum = floatMinimum
        self.tolerance = tolerance
        self.paidInReasons = paidInReasons
        self.paidOutReasons = paidOutReasons
        self.requireVerification = requireVerification
        self.blindCount = blindCount
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
        try floatMinimum.validate(denominations, field: "drawer.floatMinimum")
    }
}
