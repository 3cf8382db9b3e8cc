import POSCore

extension Reconciler {
    /// Matching with people's decisions: the items of matches and write-offs in force are taken out first, their
    /// matches listed as made (rule `manual`), and the rules match the rest.
    public static func reconcile(
        _ inputs: ReconciliationInputs,
        decisions: [ReconciliationDecision]
    ) -> Reconciliation {
        let inForce = decisions.inForce
        let open = inputs.removing(Set(inForce.flatMap(\.items)))
        var result = reconcile(
            payments: open.payments,
            batches: open.batches,
            entries: open.entries,
            payouts: open.payouts,
            slips: open.slips,
            bank: open.bank
        )
        let decided = inForce.filter { $0.action == .match }.compactMap { decision -> ReconciliationMatch? in
            guard let first = decision.left.first?.kind, let other = decision.right.first?.kind,
                let kind = ReconciliationMatch.Kind(left: first, right: other)
            else { return nil }
            let difference = decision.amount == .zero ? "" : ", difference \(decision.amount.formatted)"
            return ReconciliationMatch(
                kind: kind,
                rule: .manual,
                left: decision.left.map(\.id),
                right: decision.right.map(\.id),
                suggestion: false,
                detail: "decision \(decision.number) by \(decision.decidedBy): \(decision.reason)\(difference)",
                decision: decision.number
            )
        }
        result.matches = decided + result.matches
        result.writtenOff = inForce.filter { $0.action == .writeOff }
        return result
    }

    /// Checks a decision a person is about to record against what matching sees, and fills in its amount.
    ///
    /// Every item must exist. A match pairs two kinds that settle each other and must add up to the cent, but for a
    /// batch matched to its bank credit without processor data: the bank may be less by the processor's fee, never
    /// more. A write-off's amount is the signed total of what it writes off.
    public static func check(
        _ decision: ReconciliationDecision,
        against inputs: ReconciliationInputs
    ) throws(POSError) -> ReconciliationDecision {
        var checked = decision
        var found: [MatchItem: Money] = [:]
        for item in decision.items {
            guard let (amount, _) = inputs.lookUp(item) else {
                throw .notFound(what: item.kind.rawValue, id: item.id)
            }
            found[item] = amount
        }
        switch decision.action {
        case .reversal:
            return checked
        case .writeOff:
            checked.amount = decision.left.map { found[$0] ?? .zero }.sum()
            return checked
        case .match:
            break
        }
        let leftKinds = Set(decision.left.map(\.kind))
        let rightKinds = Set(decision.right.map(\.kind))
        guard leftKinds.count == 1, rightKinds.count == 1,
            let leftKind = leftKinds.first, let rightKind = rightKinds.first,
            let kind = ReconciliationMatch.Kind(left: leftKind, right: rightKind)
        else {
            let pairs = ReconciliationMatch.Kind.allCases.map { "\($0.sides.left) ↔ \($0.sides.right)" }
            throw .invalid(field: "items", reason: "a match pairs one of: \(pairs.joined(separator: ", "))")
        }
        // A card payment is matched to the processor's gross, the bank to what the processor paid out (net).
        func amount(_ item: MatchItem) -> Money {
            if kind == .paymentToEntry, item.kind == .entry,
                let entry = inputs.entries.first(where: { $0.id == item.id })
            {
                return entry.gross
            }
            return found[item] ?? .zero  // every item was looked up above
        }
        let left = decision.left.map(amount).sum()
        let right = decision.right.map(amount).sum()
        if kind == .batchToBank {
            guard right <= left, right.isPositive else {
                throw .invalid(
                    field: "items",
                    reason:
                        "the bank credit \(right.formatted) must be more than zero and at most the batches' gross \(left.formatted)"
                )
            }
            checked.amount = left - right
        } else {
            guard left == right else {
                throw .invalid(
                    field: "items",
                    reason:
                        "the sides differ by \((left - right).formatted) (\(left.formatted) against \(right.formatted)); match items that add up, "
                        + "or have a manager write off what cannot be matched"
                )
            }
            checked.amount = .zero
        }
        return checked
    }
}
