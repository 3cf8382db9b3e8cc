/// How a fraction of a minor unit is resolved. VetPOS uses ``halfAwayFromZero`` for prices and tax
/// (the US retail convention: 0.5 cent rounds up), ``towardZero`` inside allocations, whose remainders are
/// handed out explicitly.
public enum Rounding: Sendable {
    case halfEven, halfAwayFromZero, towardZero
}

/// `value × numerator ÷ denominator` on integers with an explicit rounding rule; traps on overflow.
///
/// 8.25 % of $19.99 is `mulDiv(1999, 82_500, 1_000_000, rounding: .halfAwayFromZero)` = 165.
public func mulDiv(_ value: Int64, _ numerator: Int64, _ denominator: Int64, rounding: Rounding) -> Int64 {
    precondition(denominator > 0, "denominator must be positive")
    let product = value.multipliedFullWidth(by: numerator)
    let (quotient, remainder) = denominator.dividingFullWidth(product)
    guard remainder != 0 else { return quotient }
    let twice = remainder.magnitude * 2
    let divisor = UInt64(denominator)
    let awayFromZero: Bool
    switch rounding {
    case .towardZero: awayFromZero = false
    case .halfAwayFromZero: awayFromZero = twice >= divisor
    case .halfEven: awayFromZero = twice > divisor || (twice == divisor && quotient % 2 != 0)
    }
    let negative = (value < 0) != (numerator < 0)
    return awayFromZero ? quotient + (negative ? -1 : 1) : quotient
}

extension Money {
    /// Splits the amount in proportion to `weights` so that the parts add up to the whole exactly.
    ///
    /// Each part is rounded toward zero, then the leftover minor units go one by one to the parts with the
    /// largest remainders (ties: the earlier part). Zero weights get zero. All weights zero: everything to the first.
    public func allocate(weights: [Int64]) -> [Money] {
        precondition(!weights.isEmpty, "allocation needs at least one weight")
        precondition(weights.allSatisfy { $0 >= 0 }, "allocation weights must not be negative")
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else {
            return [self] + Array(repeating: .zero, count: weights.count - 1)
        }
        var parts: [Int64] = []
        var remainders: [UInt64] = []
        for weight in weights {
            let (quotient, remainder) = totalWeight.dividingFullWidth(minorUnits.multipliedFullWidth(by: weight))
            parts.append(quotient)
            remainders.append(remainder.magnitude)
        }
        var leftover = minorUnits - parts.reduce(0, +)
        let step: Int64 = leftover < 0 ? -1 : 1
        // The parts that lost the largest fraction get the leftover units first; ties go to the earlier part.
        let order = weights.indices.sorted { a, b in
            remainders[a] != remainders[b] ? remainders[a] > remainders[b] : a < b
        }
        var index = 0
        while leftover != 0 {
            let target = order[index % order.count]
            if weights[target] > 0 {
                parts[target] += step
                leftover -= step
            }
            index += 1
        }
        return parts.map(Money.init(minorUnits:))
    }
}
