/// What a line of an invoice can be.
public enum ItemKind: String, Codable, CaseIterable, Sendable {
    case service, product, pharmacy, fee
}

/// One thing the clinic sells: an exam, a vaccine, a bag of food, a prescription, a disposal fee.
public struct CatalogItem: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var kind: ItemKind
    /// Tax-exclusive price of one unit.
    public var unitPrice: Money
    /// Code of a ``TaxCategory``.
    public var taxCategory: String
    /// UPC-A, EAN-13 or EAN-8, for items the front desk scans.
    public var barcode: String?
    public var active: Bool

    public init(
        code: String,
        name: String,
        kind: ItemKind,
        unitPrice: Money,
        taxCategory: String,
        barcode: String? = nil,
        active: Bool = true
    ) {
        self.code = code
        self.name = name
        self.kind = kind
        self.unitPrice = unitPrice
        self.taxCategory = taxCategory
        self.barcode = barcode
        self.active = active
    }

    /// The highest unit price: with at most ``Pricing/maximumQuantity`` units and ``Pricing/maximumLines`` lines, an
    /// invoice's totals stay far inside the range of exact cents.
    public static let maximumPrice = Money(minorUnits: 1_000_000_00)

    /// Checks the item on its own; `field` prefixes every message (for example `catalog.csv line 7`).
    public func validate(field: String = "item") throws(POSError) {
        try Identifier.validate(code, field: "\(field), code")
        try Identifier.validateText(name, field: "\(field), name")
        guard !unitPrice.isNegative else { throw .invalid(field: "\(field), price", reason: "must not be negative") }
        guard unitPrice <= Self.maximumPrice else {
            throw .invalid(field: "\(field), price", reason: "must be at most \(Self.maximumPrice.formatted)")
        }
        try Identifier.validate(taxCategory, field: "\(field), tax category")
        if let barcode { try Barcode.validate(barcode, field: "\(field), barcode") }
    }
}

/// A sales-tax class with its rate in parts per million of the taxable amount (8.25 % = 82_500).
public struct TaxCategory: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var ratePPM: Int64

    public init(code: String, name: String, ratePPM: Int64) {
        self.code = code
        self.name = name
        self.ratePPM = ratePPM
    }

    public func validate() throws(POSError) {
        try Identifier.validate(code, field: "taxCategory.code")
        try Identifier.validateText(name, field: "taxCategory.name")
        guard (0...1_000_000).contains(ratePPM) else {
            throw .invalid(field: "taxCategory.rate", reason: "must be between 0 and 100 percent")
        }
    }
}

public enum Barcode {
    /// Accepts UPC-A (12 digits), EAN-13 and EAN-8 whose check digit is right.
    public static func validate(_ code: String, field: String) throws(POSError) {
        guard [8, 12, 13].contains(code.count), code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalid(field: field, reason: "'\(code)' is not a UPC-A, EAN-13 or EAN-8 barcode")
        }
        guard isCheckDigitValid(code) else {
            throw .invalid(field: field, reason: "'\(code)' has a wrong check digit")
        }
    }

    /// GS1 check digit: weights 3 and 1 alternate from the digit left of the check digit.
    public static func isCheckDigitValid(_ code: String) -> Bool {
        let digits = code.compactMap { $0.wholeNumberValue }
        guard digits.count == code.count, let check = digits.last else { return false }
        var sum = 0
        for (offset, digit) in digits.dropLast().reversed().enumerated() {
            sum += digit * (offset % 2 == 0 ? 3 : 1)
        }
        return (10 - sum % 10) % 10 == check
    }
}
