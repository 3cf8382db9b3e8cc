import POSCore

// Imported records as the matching stages take them (FORMATS.md §6.1).

extension SettlementLine {
    /// The entry matching works on; nil for a payout's own row (it becomes a ``PayoutItem``) and for a line no
    /// payout pays yet (it waits for the file that names its payout).
    public var matchingEntry: ProcessorEntryItem? {
        guard let payoutID else { return nil }
        let kind: ProcessorEntryItem.Kind
        switch type {
        case .charge: kind = .charge
        case .refund: kind = .refund
        case .chargeback: kind = .chargeback
        case .fee: kind = .fee
        case .adjustment: kind = .adjustment
        case .payout: return nil
        }
        return ProcessorEntryItem(
            id: "\(processor):\(id)",
            payout: payoutID,
            kind: kind,
            gross: gross,
            fee: fee,
            net: net,
            last4: cardLast4,
            batch: batchReference,
            paymentReference: paymentReference,
            date: date
        )
    }
}

extension Sequence where Element == SettlementLine {
    /// The payouts the lines announce, by id in the order first seen: the amount of a payout's own row when the file
    /// has one (the readers have checked that its entries add up to it), else the sum of its entries' net; expected
    /// at the bank on the payout date the file gives, else the last day its entries become available. The bank may
    /// show the payout's trace id or the batches it pays: they are its references.
    public var matchingPayouts: [PayoutItem] {
        var order: [String] = []
        var net: [String: Money] = [:]
        var own: [String: Money] = [:]
        var expected: [String: BusinessDate] = [:]
        var references: [String: [String]] = [:]
        for line in self {
            guard let payout = line.payoutID else { continue }
            if net[payout] == nil {
                order.append(payout)
                net[payout] = .zero
            }
            if line.type == .payout {
                own[payout] = -line.net
            } else {
                net[payout, default: .zero] += line.net
            }
            if let day = line.payoutDate ?? line.availableOn ?? (line.type == .payout ? line.date : nil) {
                expected[payout] = Swift.max(expected[payout] ?? day, day)
            }
            for reference in [line.traceID, line.batchReference].compactMap({ $0 })
            where !(references[payout] ?? []).contains(reference) {
                references[payout, default: []].append(reference)
            }
        }
        return order.compactMap { payout in
            guard let day = expected[payout] else { return nil }
            return PayoutItem(
                id: payout,
                net: own[payout] ?? net[payout] ?? .zero,
                expected: day,
                references: references[payout] ?? []
            )
        }
    }
}

extension BankLine {
    /// The bank line matching works on: its id made unique across accounts, and every text the bank gave (the
    /// description, its references and check number) to find payout, batch and slip ids in.
    public var matchingLine: BankLineItem {
        BankLineItem(
            id: "\(account):\(id)",
            amount: amount,
            date: date,
            text: [description, reference ?? "", checkNumber ?? "", idDerived ? "" : id].filter { !$0.isEmpty }
                .joined(separator: " ")
        )
    }
}
