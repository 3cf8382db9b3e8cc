import POSCore

/// The physical contents of the demo's drawer, so the counts typed at a handover or the close are what a person
/// would find: bills and coins go in as clients hand them over and come out as change.
final class DemoDrawer {
    private(set) var contents: CashCount
    private let denominations = Denomination.usd

    init(_ contents: CashCount) { self.contents = contents }

    var total: Money { contents.total(denominations) }

    /// Cash handed over by a client, in the largest bills and coins that make it.
    func receive(_ amount: Money) {
        var remaining = amount.minorUnits
        for denomination in denominations where denomination.form != .roll {
            let quantity = remaining / denomination.value.minorUnits
            contents[denomination.code] += quantity
            remaining -= quantity * denomination.value.minorUnits
        }
    }

    /// Takes `amount` out (change, a paid-out), largest first; breaks a roll of coins when the loose ones run out.
    func take(_ amount: Money) -> CashCount {
        var taken = CashCount()
        var remaining = amount.minorUnits
        while remaining > 0 {
            var progressed = false
            for denomination in denominations where denomination.form != .roll {
                let value = denomination.value.minorUnits
                let quantity = min(remaining / value, contents[denomination.code])
                if quantity > 0 {
                    contents[denomination.code] -= quantity
                    taken[denomination.code] += quantity
                    remaining -= quantity * value
                    progressed = true
                }
            }
            if remaining > 0 && !progressed && !breakRoll() { break }
        }
        return taken
    }

    /// Takes the given bills out (a safe drop).
    func take(_ count: CashCount) { contents = contents - count }

    private func breakRoll() -> Bool {
        let rolls: [(roll: String, coin: String, coins: Int64)] = [
            ("roll-0.01", "0.01", 50), ("roll-0.05", "0.05", 40), ("roll-0.10", "0.10", 50), ("roll-0.25", "0.25", 40),
        ]
        for roll in rolls where contents[roll.roll] > 0 {
            contents[roll.roll] -= 1
            contents[roll.coin] += roll.coins
            return true
        }
        return false
    }
}
