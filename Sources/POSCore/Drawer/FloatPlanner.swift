/// What stays in the drawer as the next float and what goes to the bank.
public struct FloatProposal: Hashable, Sendable, Codable {
    public var keep: CashCount
    public var deposit: CashCount
    public var keepTotal: Money
    public var depositTotal: Money
    /// How far the kept cash is from the target (positive: more than the target, when it cannot be made exactly;
    /// negative: the drawer held less than the target).
    public var differenceFromTarget: Money
}

/// Proposes the reduce-to-float split, as closing staff would do it: keep the small bills and coins the next shift
/// makes change with (at least the clinic's minimum of each), send the large bills to the bank, and leave exactly the
/// target when the drawer's contents allow it.
public enum FloatPlanner {
    public static func propose(
        counted: CashCount,
        target: Money,
        minimum: CashCount,
        denominations: [Denomination]
    ) -> FloatProposal {
        let total = counted.total(denominations)
        guard total > target else {
            return proposal(keep: counted, counted: counted, target: target, denominations: denominations)
        }
        // Reserve the minimum of each denomination for the float, unless the reserve alone would exceed the target.
        var reserve = CashCount()
        for denomination in denominations {
            reserve[denomination.code] = min(minimum[denomination.code], counted[denomination.code])
        }
        if reserve.total(denominations) > target { reserve = CashCount() }
        let available = counted - reserve
        let depositTarget = (total - target).minorUnits
        let byValue = denominations.sorted { $0.value > $1.value }
        // Above $20,000 to deposit the exact search would need too much memory; large bills first is then enough.
        guard depositTarget <= 2_000_000 else {
            var remaining = depositTarget
            var deposit = CashCount()
            for denomination in byValue {
                let take = min(available[denomination.code], remaining / denomination.value.minorUnits)
                deposit[denomination.code] = take
                remaining -= take * denomination.value.minorUnits
            }
            return proposal(keep: counted - deposit, counted: counted, target: target, denominations: denominations)
        }
        // reachable[i] holds every amount (in cents, up to the deposit) that denominations i... can make from what is
        // available, so the largest-first choice below never paints itself into a corner.
        let reachable = suffixReachability(byValue, available: available, limit: depositTarget)
        let goal = reachable[0].largestSet(atMost: depositTarget)
        var remaining = goal
        var deposit = CashCount()
        for (index, denomination) in byValue.enumerated() where remaining > 0 {
            let value = denomination.value.minorUnits
            var take = min(available[denomination.code], remaining / value)
            while take > 0 && !reachable[index + 1].contains(remaining - take * value) { take -= 1 }
            deposit[denomination.code] = take
            remaining -= take * value
        }
        return proposal(keep: counted - deposit, counted: counted, target: target, denominations: denominations)
    }

    static func proposal(
        keep: CashCount,
        counted: CashCount,
        target: Money,
        denominations: [Denomination]
    ) -> FloatProposal {
        let deposit = counted - keep
        return FloatProposal(
            keep: keep,
            deposit: deposit,
            keepTotal: keep.total(denominations),
            depositTotal: deposit.total(denominations),
            differenceFromTarget: keep.total(denominations) - target
        )
    }

    static func suffixReachability(_ denominations: [Denomination], available: CashCount, limit: Int64) -> [Bitset] {
        var sets = [Bitset](repeating: Bitset(size: Int(limit) + 1), count: denominations.count + 1)
        sets[denominations.count].insert(0)
        for index in denominations.indices.reversed() {
            var set = sets[index + 1]
            let value = Int(denominations[index].value.minorUnits)
            // Bounded multiples by binary splitting: 1, 2, 4, … copies, then the rest.
            var left = Int(min(available[denominations[index].code], limit / Int64(value)))
            var chunk = 1
            while left > 0 {
                let take = min(chunk, left)
                set.formUnionShifted(by: take * value)
                left -= take
                chunk *= 2
            }
            sets[index] = set
        }
        return sets
    }
}

/// A fixed-size set of small non-negative integers.
struct Bitset: Hashable, Sendable {
    private var words: [UInt64]
    let size: Int

    init(size: Int) {
        self.size = size
        words = [UInt64](repeating: 0, count: (size + 63) / 64)
    }

    func contains(_ value: Int64) -> Bool {
        guard value >= 0, value < size else { return false }
        return words[Int(value) / 64] & (1 << UInt64(value % 64)) != 0
    }

    mutating func insert(_ value: Int) { words[value / 64] |= 1 << UInt64(value % 64) }

    /// self ∪ (self + shift), keeping values below `size`.
    mutating func formUnionShifted(by shift: Int) {
        guard shift > 0, shift < size else { return }
        let wordShift = shift / 64
        let bitShift = UInt64(shift % 64)
        for index in stride(from: words.count - 1, through: wordShift, by: -1) {
            var moved = words[index - wordShift] << bitShift
            if bitShift > 0 && index - wordShift - 1 >= 0 { moved |= words[index - wordShift - 1] >> (64 - bitShift) }
            words[index] |= moved
        }
        let extra = words.count * 64 - size
        if extra > 0 { words[words.count - 1] &= UInt64.max >> UInt64(extra) }
    }

    func largestSet(atMost value: Int64) -> Int64 {
        var candidate = min(value, Int64(size - 1))
        while candidate > 0 && !contains(candidate) { candidate -= 1 }
        return candidate
    }
}
