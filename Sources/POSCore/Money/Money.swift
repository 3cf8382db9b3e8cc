/// An amount of money in integer minor units (cents for US dollars).
///
/// Arithmetic traps on overflow: an overflowing total is a programming error, never a value to keep.
/// Rounding happens only in ``mulDiv(_:_:_:rounding:)``, where the rule is named at each call.
public struct Money: Hashable, Comparable, Sendable, Codable {
    public var minorUnits: Int64

    public init(minorUnits: Int64) { self.minorUnits = minorUnits }
    public static func cents(_ value: Int64) -> Money { Money(minorUnits: value) }
    public static let zero = Money(minorUnits: 0)

    public static func + (lhs: Money, rhs: Money) -> Money { Money(minorUnits: lhs.minorUnits + rhs.minorUnits) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(minorUnits: lhs.minorUnits - rhs.minorUnits) }
    public static prefix func - (value: Money) -> Money { Money(minorUnits: -value.minorUnits) }
    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }
    public static func -= (lhs: inout Money, rhs: Money) { lhs = lhs - rhs }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minorUnits < rhs.minorUnits }

    public var isNegative: Bool { minorUnits < 0 }
    public var isPositive: Bool { minorUnits > 0 }

    // Encoded as a decimal string ("12.50"), the same form the front desk types, so no amount passes through
    // floating point on its way in or out of JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Money(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text)' is not an amount such as 12.50"
            )
        }
        self = value
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Sequence where Element == Money {
    /// The exact sum; traps on overflow.
    public func sum() -> Money { reduce(.zero, +) }
}

extension Money: CustomStringConvertible {
    /// `-12.34` style: plain ASCII digits, a point and two decimals, as printers and CSV files want.
    public var description: String {
        let magnitude = minorUnits.magnitude
        let whole = magnitude / 100
        let cents = magnitude % 100
        return (minorUnits < 0 ? "-" : "") + "\(whole)." + (cents < 10 ? "0" : "") + "\(cents)"
    }

    /// `$1,234.56` / `-$5.00`, for reports people read.
    public var formatted: String {
        let magnitude = minorUnits.magnitude
        var whole = String(magnitude / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        let cents = magnitude % 100
        return (minorUnits < 0 ? "-$" : "$") + whole + grouped + "." + (cents < 10 ? "0" : "") + "\(cents)"
    }
}

extension Money {
    /// Parses a typed amount such as `12`, `12.5`, `12.50` or `-3.07` exactly, without going through floating point.
    ///
    /// Refuses thousands separators, currency symbols, exponents and more than two decimals: an amount that
    /// cannot be read exactly is an error, not a guess.
    /// The most whole digits an amount from input may have: 999,999,999.99 at most.
    public static let maximumInputDigits = 9

    public init?(parsing text: String) {
        var body = Substring(text.trimmingASCIIWhitespace())
        var negative = false
        if body.first == "-" {
            negative = true
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        // At most 9 whole digits (under a billion): sums of any number of typed or imported amounts stay exact.
        guard let wholePart = parts.first, !wholePart.isEmpty, wholePart.count <= Self.maximumInputDigits,
            wholePart.allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int64(wholePart)
        else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
                let digits = Int64(fraction)
            else {
                return nil
            }
            cents = digits * (fraction.count == 1 ? 10 : 1)
        }
        let value = whole * 100 + cents
        self.init(minorUnits: negative ? -value : value)
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" || first == "\n" {
            scalars.removeFirst()
        }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" {
            scalars.removeLast()
        }
        return String(scalars)
    }
}
