/// A bill, coin or roll of coins the drawer holds, with the value of one of it.
public struct Denomination: Hashable, Sendable, Codable {
    public enum Form: String, Hashable, Sendable, Codable { case bill, coin, roll }

    /// What counters type: `100`, `20`, `1`, `0.25`, `roll-0.25`.
    public var code: String
    public var name: String
    public var form: Form
    /// The value of one bill, one coin, or one whole roll.
    public var value: Money

    public init(code: String, name: String, form: Form, value: Money) {
        self.code = code
        self.name = name
        self.form = form
        self.value = value
    }

    /// US dollars: bills, coins and standard bank rolls, largest first (the order people count in).
    public static let usd: [Denomination] = [
        Denomination(code: "100", name: "$100 bills", form: .bill, value: .cents(100_00)),
        Denomination(code: "50", name: "$50 bills", form: .bill, value: .cents(50_00)),
        Denomination(code: "20", name: "$20 bills", form: .bill, value: .cents(20_00)),
        Denomination(code: "10", name: "$10 bills", form: .bill, value: .cents(10_00)),
        Denomination(code: "5", name: "$5 bills", form: .bill, value: .cents(5_00)),
        Denomination(code: "2", name: "$2 bills", form: .bill, value: .cents(2_00)),
        Denomination(code: "1", name: "$1 bills", form: .bill, value: .cents(1_00)),
        Denomination(code: "roll-0.25", name: "rolls of quarters ($10)", form: .roll, value: .cents(10_00)),
        Denomination(code: "roll-0.10", name: "rolls of dimes ($5)", form: .roll, value: .cents(5_00)),
        Denomination(code: "roll-0.05", name: "rolls of nickels ($2)", form: .roll, value: .cents(2_00)),
        Denomination(code: "roll-0.01", name: "rolls of pennies ($0.50)", form: .roll, value: .cents(50)),
        Denomination(code: "1.00", name: "dollar coins", form: .coin, value: .cents(1_00)),
        Denomination(code: "0.50", name: "half dollars", form: .coin, value: .cents(50)),
        Denomination(code: "0.25", name: "quarters", form: .coin, value: .cents(25)),
        Denomination(code: "0.10", name: "dimes", form: .coin, value: .cents(10)),
        Denomination(code: "0.05", name: "nickels", form: .coin, value: .cents(5)),
        Denomination(code: "0.01", name: "pennies", form: .coin, value: .cents(1)),
    ]
}

/// A count of the drawer: how many of each denomination. Zero quantities are left out, so equal counts compare equal.
public struct CashCount: Hashable, Sendable, Codable {
    public private(set) var quantities: [String: Int64]

    public init(_ quantities: [String: Int64] = [:]) {
        self.quantities = quantities.filter { $0.value != 0 }
    }

    public subscript(code: String) -> Int64 {
        get { quantities[code] ?? 0 }
        set { quantities[code] = newValue == 0 ? nil : newValue }
    }

    public var isEmpty: Bool { quantities.isEmpty }

    public func total(_ denominations: [Denomination]) -> Money {
        denominations.map { Money(minorUnits: $0.value.minorUnits * self[$0.code]) }.sum()
    }

    public static func + (lhs: CashCount, rhs: CashCount) -> CashCount {
        CashCount(lhs.quantities.merging(rhs.quantities, uniquingKeysWith: +))
    }

    public static func - (lhs: CashCount, rhs: CashCount) -> CashCount {
        CashCount(lhs.quantities.merging(rhs.quantities.mapValues { -$0 }, uniquingKeysWith: +))
    }

    /// Checks every code is a known denomination and every quantity is zero or more.
    public func validate(_ denominations: [Denomination], field: String) throws(POSError) {
        let known = Set(denominations.map(\.code))
        for (code, quantity) in quantities.sorted(by: { $0.key < $1.key }) {
            guard known.contains(code) else {
                throw .invalid(
                    field: "\(field), \(code)",
                    reason: "unknown denomination (known: \(denominations.map(\.code).joined(separator: ", ")))",
                    code: "count.unknownDenomination"
                )
            }
            guard quantity >= 0 else {
                throw .invalid(field: "\(field), \(code)", reason: "a count cannot be negative", code: "count.negative")
            }
            guard quantity <= 100_000 else {
                throw .invalid(
                    field: "\(field), \(code)",
                    reason: "more than 100000 is not a count",
                    code: "count.tooLarge"
                )
            }
        }
    }

    /// Reads `100x2,20x15,0.25x40,roll-0.25x2` (denomination × quantity, comma separated; a code may repeat).
    public static func parse(
        _ text: String,
        denominations: [Denomination],
        field: String = "--count"
    ) throws(POSError) -> CashCount {
        var count = CashCount()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = String(item).trimmingASCIIWhitespace()
            guard !part.isEmpty else { continue }
            let pieces = part.split(separator: "x", omittingEmptySubsequences: false)
            guard pieces.count == 2, let quantity = Int64(pieces[1]) else {
                throw .invalid(
                    field: field,
                    reason: "'\(part)' is not DENOMINATIONxQUANTITY, e.g. 20x15",
                    code: "count.badFormat"
                )
            }
            let code = String(pieces[0])
            guard denominations.contains(where: { $0.code == code }) else {
                throw .invalid(
                    field: "\(field), \(code)",
                    reason: "unknown denomination (known: \(denominations.map(\.code).joined(separator: ", ")))",
                    code: "count.unknownDenomination"
                )
            }
            guard quantity >= 0 else {
                throw .invalid(field: "\(field), \(code)", reason: "a count cannot be negative", code: "count.negative")
            }
            // Checked per item too, so adding up a repeated code can never overflow.
            guard quantity <= 100_000 else {
                throw .invalid(
                    field: "\(field), \(code)",
                    reason: "more than 100000 is not a count",
                    code: "count.tooLarge"
                )
            }
            count[code] += quantity
        }
        try count.validate(denominations, field: field)
        return count
    }

    /// `100x2,20x15`, in the denominations' order.
    public func text(_ denominations: [Denomination]) -> String {
        denominations.filter { self[$0.code] != 0 }.map { "\($0.code)x\(self[$0.code])" }.joined(separator: ",")
    }

    // Encoded as an object keyed by denomination code; JSON sorted keys then make it canonical.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: Int64].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(quantities)
    }
}
