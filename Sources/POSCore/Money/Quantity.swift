/// A quantity in thousandths, so pharmacy amounts such as 2.5 tablets or 0.125 mL are exact.
public struct Quantity: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var thousandths: Int64

    public init(thousandths: Int64) { self.thousandths = thousandths }
    public static func units(_ count: Int64) -> Quantity { Quantity(thousandths: count * 1000) }
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.thousandths < rhs.thousandths }

    /// Reads `1`, `2.5`, `0.125`; refuses more than three decimals, signs and separators.
    public init?(parsing text: String) {
        let parts = text.trimmingASCIIWhitespace().split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 9,
            whole.allSatisfy({ $0.isASCII && $0.isNumber }),
            let units = Int64(whole)
        else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int64(digits)
            else { return nil }
            fraction = value * [100, 10, 1][digits.count - 1]
        }
        self.init(thousandths: units * 1000 + fraction)
    }

    /// `2`, `2.5`, `0.125`: no trailing zeros.
    public var description: String {
        let whole = thousandths / 1000
        var fraction = thousandths % 1000
        guard fraction != 0 else { return "\(whole)" }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        return "\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Quantity(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a quantity")
        }
        self = value
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A percentage in basis points (1 % = 100), read from text such as `10` or `12.5`.
public struct Percent: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var basisPoints: Int64

    public init(basisPoints: Int64) { self.basisPoints = basisPoints }
    public static func < (lhs: Percent, rhs: Percent) -> Bool { lhs.basisPoints < rhs.basisPoints }

    public init?(parsing text: String) {
        let trimmed = text.trimmingASCIIWhitespace()
        let number = trimmed.hasSuffix("%") ? String(trimmed.dropLast()) : trimmed
        guard let hundredths = Money(parsing: number), !hundredths.isNegative else { return nil }
        self.init(basisPoints: hundredths.minorUnits)
    }

    public var description: String {
        let text = Money(minorUnits: basisPoints).description
        return (text.hasSuffix(".00") ? String(text.dropLast(3)) : text.hasSuffix("0") ? String(text.dropLast()) : text)
            + "%"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Percent(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a percent")
        }
        self = value
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
