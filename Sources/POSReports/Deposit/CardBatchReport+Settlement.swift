import POSCore

extension CardBatchReport {
    /// The batch-matching columns of the day's batches: what the processor settled for each, its fees and net, the
    /// bank credit and a status, with the payouts that carried them line by line.
    public struct Settlement: Hashable, Sendable, Codable {
        /// The day the statuses are as of (pending ages count to it).
        public var asOf: BusinessDate
        public var batches: [BatchSettlement]
        public var payouts: [PayoutComposition]

        public init(asOf: BusinessDate, batches: [BatchSettlement], payouts: [PayoutComposition]) {
            self.asOf = asOf
            self.batches = batches
            self.payouts = payouts
        }

        func lines() -> [String] {
            var out: [String] = ["SETTLEMENT AND BANK (AS OF \(asOf))"]
            for batch in batches {
                out.append(SlipText.rule())
                out.append(SlipText.row(batch.batch, batch.status.rawValue.uppercased()))
                out.append(SlipText.row("  taken", batch.gross.formatted))
                if let gross = batch.settledGross { out.append(SlipText.row("  settled gross", gross.formatted)) }
                if let fees = batch.fees { out.append(SlipText.row("  fees", (Money.zero - fees).formatted)) }
                if let net = batch.net { out.append(SlipText.row("  net", net.formatted)) }
                for credit in batch.bankCredits {
                    out.append(SlipText.row("  bank \(credit.date)", credit.amount.formatted))
                    if credit.pays.count > 1 {
                        out += SlipText.wrap("with \(credit.pays.joined(separator: ", "))", first: 4, indent: 4)
                    }
                }
                for reason in batch.explanation { out += SlipText.wrap(reason, first: 2, indent: 4) }
            }
            if batches.isEmpty { out.append("  (no batch closed this day)") }
            for payout in payouts {
                out.append(SlipText.rule())
                out.append(SlipText.fit("PAYOUT \(payout.payout)"))
                out.append(SlipText.row("  charges", payout.charges.formatted))
                if payout.refunds != .zero { out.append(SlipText.row("  refunds", payout.refunds.formatted)) }
                out.append(SlipText.row("  fees", payout.fees.formatted))
                if payout.chargebacks != .zero {
                    out.append(SlipText.row("  chargebacks", payout.chargebacks.formatted))
                }
                if payout.adjustments != .zero {
                    out.append(SlipText.row("  adjustments", payout.adjustments.formatted))
                }
                out.append(SlipText.row("  net", payout.net.formatted))
                out += SlipText.wrap(
                    payout.bankLine.map { "bank line \($0)" } ?? "not at the bank yet",
                    first: 2,
                    indent: 4
                )
                for line in payout.explicitLines { out += SlipText.wrap(line, first: 2, indent: 4) }
            }
            return out
        }

        func csvRows(date: BusinessDate) -> [[String]] {
            batches.map { batch in
                [
                    "settlement", date.text, batch.batch, batch.terminal, "", batch.closedOn.text,
                    batch.careCredit ? "careCredit" : "", "", "", ReportCSV.amount(batch.gross), "", "",
                    batch.settledGross.map(ReportCSV.amount) ?? "", batch.fees.map(ReportCSV.amount) ?? "",
                    batch.net.map(ReportCSV.amount) ?? "", batch.payouts.joined(separator: " "),
                    batch.bankCredits.map { "\($0.line) \($0.date) \(ReportCSV.amount($0.amount))" }
                        .joined(separator: "; "),
                    batch.status.rawValue, ReportCSV.text(batch.explanation.joined(separator: "; ")),
                ]
            }
        }
    }
}
