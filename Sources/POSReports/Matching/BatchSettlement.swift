import POSCore

/// How one terminal batch (one settlement stream of it: the processor's cards, or CareCredit) was settled: what the
/// processor's file says it settled for it, gross, fees and net, the payouts that carried it, the bank credits of those
/// payouts, and a status with the difference explained.
public struct BatchSettlement: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable {
        /// The processor settled exactly the batch, and every payout carrying it reached the bank.
        case matched
        /// Not settled yet, or not at the bank yet: waiting is normal for a few days (CareCredit for longer).
        case pending
        /// Settled for another amount, or a payout does not add up: the explanation says by how much and why.
        case mismatch
        /// A manager took it out of matching, with the reason shown.
        case writtenOff
    }

    public struct BankCredit: Hashable, Sendable, Codable {
        public var line: String
        public var date: BusinessDate
        public var amount: Money
        /// The payouts (or batches) the credit pays; more than this batch's when the bank lumped several together.
        public var pays: [String]
    }

    /// The matching id: the terminal's batch number when one was typed at close, else VetPOS's batch id; `-CC` for
    /// the CareCredit stream.
    public var batch: String
    public var terminal: String
    public var careCredit: Bool
    public var closedOn: BusinessDate
    /// What VetPOS took in the batch.
    public var gross: Money
    /// What the processor's file settled for it: nil until a file names it.
    public var settledGross: Money?
    public var fees: Money?
    public var net: Money?
    public var payouts: [String]
    public var bankCredits: [BankCredit]
    public var status: Status
    /// Why the status is what it is, one line each.
    public var explanation: [String]

    /// The settlement of each batch, from the matching of everything (automatic and decided).
    public static func of(
        _ batches: [TerminalBatchItem],
        inputs: ReconciliationInputs,
        result: Reconciliation,
        asOf: BusinessDate
    ) -> [BatchSettlement] {
        let entries = Dictionary(uniqueKeysWithValues: inputs.entries.map { ($0.id, $0) })
        let paymentMatches = result.matches.filter { $0.kind == .paymentToEntry }
        var entryOfPayment: [String: String] = [:]
        for match in paymentMatches {
            for payment in match.left { entryOfPayment[payment] = match.right.first }
        }
        let payoutCredits = result.matches.filter { $0.kind == .payoutToBank }
        let batchCredits = result.matches.filter { $0.kind == .batchToBank }
        let troubled = Set(result.findings.filter { $0.kind == .payoutDoesNotAddUp }.flatMap(\.items))
        let bankLines = Dictionary(uniqueKeysWithValues: inputs.bank.map { ($0.id, $0) })
        func credits(_ matches: [ReconciliationMatch]) -> [BankCredit] {
            matches.flatMap { match in
                match.right.compactMap { id in
                    bankLines[id].map { BankCredit(line: id, date: $0.date, amount: $0.amount, pays: match.left) }
                }
            }
        }

        return batches.map { batch in
            let payments = inputs.payments.filter { $0.batch == batch.id }
            var settled: [ProcessorEntryItem] = []
            var explanation: [String] = []
            for payment in payments {
                if let entry = entryOfPayment["P\(payment.id)"].flatMap({ entries[$0] }) {
                    settled.append(entry)
                } else {
                    explanation.append(
                        "P\(payment.id) \(payment.amount.formatted) (card …\(payment.last4)) is not in a settlement file"
                    )
                }
            }
            let matchedEntries = Set(settled.map(\.id))
            for entry in inputs.entries
            where entry.batch == batch.id && !matchedEntries.contains(entry.id)
                && (entry.kind == .charge || entry.kind == .refund)
            {
                settled.append(entry)
                explanation.append(
                    "\(entry.id) \(entry.kind.rawValue) \(entry.gross.formatted) names this batch but no payment of it"
                )
            }
            var settlement = BatchSettlement(
                batch: batch.id,
                terminal: batch.terminal,
                careCredit: batch.careCredit,
                closedOn: batch.closedOn,
                gross: batch.gross,
                settledGross: nil,
                fees: nil,
                net: nil,
                payouts: [],
                bankCredits: [],
                status: .pending,
                explanation: []
            )
            let age = batch.closedOn.days(until: asOf)
            if let writeOff = result.writtenOff.first(where: { $0.left.contains(MatchItem(.batch, batch.id)) }) {
                settlement.status = .writtenOff
                settlement.explanation = [
                    "written off by \(writeOff.decidedBy) (decision \(writeOff.number)): \(writeOff.reason)"
                ]
                return settlement
            }
            if settled.isEmpty {
                // No processor file: the bank credit itself, gross less an unconfirmed fee, or waiting.
                let direct = batchCredits.filter { $0.left.contains(batch.id) }
                settlement.bankCredits = credits(direct)
                if let credit = settlement.bankCredits.first {
                    settlement.status = .matched
                    settlement.net = credit.amount
                    settlement.explanation = [
                        "no processor file: fee \((batch.gross - credit.amount).formatted) unconfirmed (gross less bank credit)"
                    ]
                } else {
                    settlement.explanation = [
                        "not settled yet: closed \(batch.closedOn)"
                            + (age > 0 ? ", \(age) day\(age == 1 ? "" : "s") ago" : "")
                            + (batch.careCredit ? " (CareCredit pays later than cards)" : "")
                    ]
                }
                return settlement
            }
            let gross = settled.map(\.gross).sum()
            settlement.settledGross = gross
            settlement.fees = settled.map(\.fee).sum()
            settlement.net = settled.map(\.net).sum()
            settlement.payouts = Array(Set(settled.map(\.payout))).sorted()
            settlement.bankCredits = credits(
                payoutCredits.filter { !Set($0.left).isDisjoint(with: settlement.payouts) }
            )
            if gross != batch.gross {
                settlement.status = .mismatch
                settlement.explanation =
                    [
                        "settled \(gross.formatted) against \(batch.gross.formatted) taken: \((gross - batch.gross).formatted)"
                    ]
                    + explanation
                return settlement
            }
            let credited = Set(settlement.bankCredits.flatMap(\.pays))
            var waiting: [String] = []
            for payout in settlement.payouts {
                if troubled.contains(payout) {
                    settlement.status = .mismatch
                    explanation.append("payout \(payout) does not add up to its entries")
                } else if !credited.contains(payout) {
                    let expected = inputs.payouts.first { $0.id == payout }?.expected
                    waiting.append(
                        "payout \(payout) not at the bank yet" + (expected.map { " (expected \($0))" } ?? "")
                    )
                }
            }
            if settlement.status != .mismatch {
                settlement.status = waiting.isEmpty ? .matched : .pending
            }
            settlement.explanation = explanation + waiting
            if settlement.status == .matched, let fees = settlement.fees, fees != .zero {
                settlement.explanation.append("fees \(fees.formatted) shown by the processor")
            }
            return settlement
        }
    }
}

/// A payout's lines by type: what the processor netted against the clinic's card sales before paying the bank. The
/// parts are signed and add up: charges + refunds + fees + chargebacks + adjustments = net.
public struct PayoutComposition: Hashable, Sendable, Codable {
    public var payout: String
    public var expected: BusinessDate
    public var charges: Money
    public var refunds: Money
    public var fees: Money
    public var chargebacks: Money
    public var adjustments: Money
    public var net: Money
    /// Refunds, chargebacks and adjustments one by one: they are never folded into a tolerance.
    public var explicitLines: [String]
    public var bankLine: String?

    public static func of(
        _ payouts: [String],
        inputs: ReconciliationInputs,
        result: Reconciliation
    ) -> [PayoutComposition] {
        payouts.compactMap { id in
            guard let payout = inputs.payouts.first(where: { $0.id == id }) else { return nil }
            let lines = inputs.entries.filter { $0.payout == id }
            func total(_ kinds: Set<ProcessorEntryItem.Kind>, _ amount: KeyPath<ProcessorEntryItem, Money>) -> Money {
                lines.filter { kinds.contains($0.kind) }.map { $0[keyPath: amount] }.sum()
            }
            let explicit = lines.filter { $0.kind != .charge }.map { line in
                "\(line.kind.rawValue) \(line.id) \(line.net.formatted)"
                    + (line.paymentReference.map { " (payment \($0))" } ?? "")
                    + (line.last4.map { " card …\($0)" } ?? "")
            }
            return PayoutComposition(
                payout: id,
                expected: payout.expected,
                charges: total([.charge], \.gross),
                refunds: total([.refund], \.gross),
                // Every line's fee, whatever its type: Stripe bills a dispute fee on the chargeback line.
                fees: total([.fee], \.net) - lines.filter { $0.kind != .fee }.map(\.fee).sum(),
                chargebacks: total([.chargeback], \.gross),
                adjustments: total([.adjustment], \.gross),
                net: payout.net,
                explicitLines: explicit,
                bankLine: result.matches.first { $0.kind == .payoutToBank && $0.left.contains(id) }?.right.first
            )
        }
    }
}
