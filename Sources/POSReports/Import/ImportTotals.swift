import POSCore

/// What an imported file holds, summed per payout (settlements) or per account (bank statements), in the order the
/// file first names each: the lines a bookkeeper checks against the processor's or bank's own totals.
public enum ImportTotals {
    /// One payout of a settlement file: the lines it pays (the payout's own row left out).
    public struct Payout: Sendable, Encodable, Equatable {
        public var payout: String?
        public var payoutDate: BusinessDate?
        public var lines: Int
        public var gross: Money
        public var fee: Money
        public var net: Money
    }

    /// One account of a bank statement.
    public struct Account: Sendable, Encodable, Equatable {
        public var account: String
        public var lines: Int
        public var credits: Money
        public var debits: Money
        public var from: BusinessDate
        public var through: BusinessDate
    }

    public static func payouts(_ lines: [SettlementLine]) -> [Payout] {
        var totals: [Payout] = []
        var index: [String?: Int] = [:]
        for line in lines where line.type != .payout {
            if index[line.payoutID] == nil {
                index[line.payoutID] = totals.count
                totals.append(
                    Payout(
                        payout: line.payoutID,
                        payoutDate: line.payoutDate,
                        lines: 0,
                        gross: .zero,
                        fee: .zero,
                        net: .zero
                    )
                )
            }
            guard let at = index[line.payoutID] else { continue }
            totals[at].lines += 1
            totals[at].gross += line.gross
            totals[at].fee += line.fee
            totals[at].net += line.net
        }
        return totals
    }

    public static func accounts(_ lines: [BankLine]) -> [Account] {
        var totals: [Account] = []
        var index: [String: Int] = [:]
        for line in lines {
            if index[line.account] == nil {
                index[line.account] = totals.count
                totals.append(
                    Account(
                        account: line.account,
                        lines: 0,
                        credits: .zero,
                        debits: .zero,
                        from: line.date,
                        through: line.date
                    )
                )
            }
            guard let at = index[line.account] else { continue }
            totals[at].lines += 1
            if line.amount.isNegative {
                totals[at].debits -= line.amount
            } else {
                totals[at].credits += line.amount
            }
            totals[at].from = min(totals[at].from, line.date)
            totals[at].through = max(totals[at].through, line.date)
        }
        return totals
    }
}
