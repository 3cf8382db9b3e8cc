/// The clinic's own rules: its name and time zone, how far each role may discount, when a refund needs a manager.
public struct ClinicPolicy: Hashable, Sendable, Codable {
    public var clinicName: String
    /// IANA identifier; business days are cut at local midnight, or at ``dayCutoff`` after it.
    public var timeZone: String
    /// The largest discount each role may give without a manager, as a share of what it applies to.
    public var discountCeilings: [Role: Percent]
    /// Refunds above this amount need a manager.
    public var refundApprovalThreshold: Money
    /// Denominations, float, tolerance and paid-in/out reasons of the cash drawers.
    public var drawer: DrawerPolicy
    /// When the business day starts, in minutes after local midnight (0...1439; default 0, midnight). A 24-hour
    /// hospital may cut at 360 (06:00): a sale at 02:00 then belongs to the previous business day. The cut-off is a
    /// wall-clock time, so on a daylight-saving change the business day is 23 or 25 hours long.
    public var dayCutoff: Int
    /// Address, phone, footer and paper width of the printed receipts.
    public var receipt: ReceiptSettings
    /// The devices at each terminal (printer queue, drawer connection, scanner), by terminal id.
    public var terminals: [String: TerminalDevices] = [:]

    public init(
        clinicName: String = "VetPOS Animal Hospital",
        timeZone: String = "America/Chicago",
        discountCeilings: [Role: Percent] = ClinicPolicy.defaultCeilings,
        refundApprovalThreshold: Money = .cents(100_00),
        drawer: DrawerPolicy = DrawerPolicy(),
        dayCutoff: Int = 0,
        receipt: ReceiptSettings = ReceiptSettings()
    ) {
        self.clinicName = clinicName
        self.timeZone = timeZone
        self.discountCeilings = discountCeilings
        self.refundApprovalThreshold = refundApprovalThreshold
        self.drawer = drawer
        self.dayCutoff = dayCutoff
        self.receipt = receipt
    }

    public static let defaultCeilings: [Role: Percent] = [
        .csr: Percent(basisPoints: 10_00),
        .technician: Percent(basisPoints: 10_00),
        .veterinarian: Percent(basisPoints: 100_00),
        .manager: Percent(basisPoints: 100_00),
        .bookkeeper: Percent(basisPoints: 0),
    ]

    public func ceiling(for role: Role) -> Percent { discountCeilings[role] ?? Percent(basisPoints: 0) }

    enum CodingKeys: String, CodingKey {
        case clinicName, timeZone, discountCeilings, refundApprovalThreshold, drawer, dayCutoff, receipt, terminals
    }

    // Ceilings are keyed by role name, so the JSON is an object whose keys sort, not an array in hash order.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clinicName = try container.decode(String.self, forKey: .clinicName)
        timeZone = try container.decode(String.self, forKey: .timeZone)
        var ceilings: [Role: Percent] = [:]
        for (name, ceiling) in try container.decode([String: Percent].self, forKey: .discountCeilings) {
            guard let role = Role(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .discountCeilings,
                    in: container,
                    debugDescription: "'\(name)' is not a role"
                )
            }
            ceilings[role] = ceiling
        }
        discountCeilings = ceilings
        refundApprovalThreshold = try container.decode(Money.self, forKey: .refundApprovalThreshold)
        // Clinics set up before drawers existed get the default drawer policy.
        drawer = try container.decodeIfPresent(DrawerPolicy.self, forKey: .drawer) ?? DrawerPolicy()
        // Clinics set up before the cut-off existed cut their business days at midnight.
        dayCutoff = try container.decodeIfPresent(Int.self, forKey: .dayCutoff) ?? 0
        // Clinics set up before receipts existed print their name only, on 48 columns.
        receipt = try container.decodeIfPresent(ReceiptSettings.self, forKey: .receipt) ?? ReceiptSettings()
        // Clinics set up before devices existed have none configured.
        terminals = try container.decodeIfPresent([String: TerminalDevices].self, forKey: .terminals) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(clinicName, forKey: .clinicName)
        try container.encode(timeZone, forKey: .timeZone)
        try container.encode(
            Dictionary(uniqueKeysWithValues: discountCeilings.map { ($0.key.rawValue, $0.value) }),
            forKey: .discountCeilings
        )
        try container.encode(refundApprovalThreshold, forKey: .refundApprovalThreshold)
        try container.encode(drawer, forKey: .drawer)
        try container.encode(dayCutoff, forKey: .dayCutoff)
        try container.encode(receipt, forKey: .receipt)
        try container.encode(terminals, forKey: .terminals)
    }

    public func validate() throws(POSError) {
        try Identifier.validateText(clinicName, field: "clinicName")
        _ = try calendar()
        for (role, ceiling) in discountCeilings where !(0...10_000).contains(ceiling.basisPoints) {
            throw .invalid(field: "discountCeilings.\(role.rawValue)", reason: "must be between 0 and 100 percent")
        }
        try drawer.validate()
        try receipt.validate()
        for (terminal, devices) in terminals { try devices.validate(terminal: terminal) }
        guard !refundApprovalThreshold.isNegative else {
            throw .invalid(field: "refundApprovalThreshold", reason: "must not be negative")
        }
    }

    /// The clinic's business calendar: its time zone and its day cut-off.
    public func calendar() throws(POSError) -> BusinessCalendar {
        try BusinessCalendar(timeZoneIdentifier: timeZone, dayCutoff: dayCutoff)
    }
}

/// A manager's sign-off typed at the terminal: who, their PIN, and why.
public struct ApprovalRequest: Hashable, Sendable {
    public var employee: String
    public var pin: String
    public var reason: String

    public init(employee: String, pin: String, reason: String) {
        self.employee = employee
        self.pin = pin
        self.reason = reason
    }
}
