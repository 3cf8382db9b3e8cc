import Foundation
import POSCore
import POSReports
import POSStorage

/// `report reconcile` of a period: shared by the CLI and the server.
public enum ReconciliationReports {
    public struct Outcome: Sendable {
        public var first: BusinessDate
        public var last: BusinessDate
        public var batches: Int
        public var slips: Int
        public var settlementLines: Int
        public var bankLines: Int
        public var result: Reconciliation

        public var text: String {
            var out: [String] = []
            out.append(
                "Reconciliation \(first)\(last == first ? "" : " to \(last)"): \(batches) card batches, \(slips) deposits, "
                    + "\(settlementLines) settlement lines, \(bankLines) bank lines"
            )
            func sides(_ match: ReconciliationMatch) -> String {
                "\(match.left.joined(separator: " + ")) ↔ \(match.right.joined(separator: " + "))"
            }
            out.append("Matched")
            let made = result.matches.filter { !$0.suggestion }
            for match in made {
                out.append("  \(match.kind.rawValue) [\(match.rule.rawValue)] \(sides(match)): \(match.detail)")
            }
            if made.isEmpty { out.append("  (none)") }
            let suggested = result.matches.filter(\.suggestion)
            if !suggested.isEmpty {
                out.append("Suggested (confirm with the command shown)")
                for match in suggested {
                    let items = match.items
                    let left = items.filter { $0.kind == match.kind.sides.left }.map { "--left \($0)" }
                    let right = items.filter { $0.kind == match.kind.sides.right }.map { "--right \($0)" }
                    out.append("  \(match.kind.rawValue) \(sides(match)): \(match.detail)")
                    out.append("    vetpos reconcile match \((left + right).joined(separator: " ")) --reason '…'")
                }
            }
            out.append("To explain or carried forward")
            for finding in result.findings {
                let amount = finding.amount.map { " \($0.formatted)" } ?? ""
                let age =
                    finding.since.map { since -> String in
                        let days = since.days(until: last)
                        return days > 0 ? " [open \(days) day\(days == 1 ? "" : "s")]" : ""
                    } ?? ""
                out.append(
                    "  \(finding.kind.rawValue): \(finding.items.joined(separator: ", "))\(amount) — \(finding.detail)\(age)"
                )
            }
            if result.findings.isEmpty { out.append("  (nothing: every item matched)") }
            if !result.writtenOff.isEmpty {
                out.append("Written off")
                for decision in result.writtenOff {
                    let items = decision.left.map(\.description).joined(separator: ", ")
                    out.append(
                        "  decision \(decision.number): \(items) \(decision.amount.formatted) by \(decision.decidedBy) — \(decision.reason)"
                    )
                }
            }
            return out.joined(separator: "\n") + "\n"
        }
    }

    /// Matches everything up to the period's end and keeps what concerns the period: matches with an item dated in
    /// it, and every leftover dated up to its end (earlier ones are carried forward, with their age).
    public static func reconcile(
        _ store: Store,
        viewer: Operator,
        from first: BusinessDate,
        through last: BusinessDate
    ) async throws -> Outcome {
        try viewer.require(.viewReports)
        let loaded = try await ReconciliationData.load(store, viewer: viewer, through: last)
        let inputs = loaded.inputs
        // A match belongs to the period of its clinic-side items; a payout to the days of the sales it pays out.
        var payoutDays: [String: [BusinessDate]] = [:]
        for entry in inputs.entries { payoutDays[entry.payout, default: []].append(entry.date) }
        let inPeriod = { (item: MatchItem) -> Bool in
            let dates = item.kind == .payout ? payoutDays[item.id] ?? [] : [inputs.lookUp(item)?.date].compactMap { $0 }
            return dates.contains { $0 >= first && $0 <= last }
        }
        var result = loaded.result
        result.matches = result.matches.filter { match in
            match.items.filter { $0.kind == match.kind.sides.left }.contains(where: inPeriod)
        }
        result.findings = result.findings.filter { finding in
            guard let since = finding.since else { return true }
            return since <= last
        }
        return Outcome(
            first: first,
            last: last,
            batches: inputs.batches.filter { $0.closedOn >= first && $0.closedOn <= last }.count,
            slips: inputs.slips.filter { $0.date >= first && $0.date <= last }.count,
            settlementLines: loaded.settlementLineCount,
            bankLines: inputs.bank.count,
            result: result
        )
    }
}

/// Everything matching looks at, loaded from the store: every batch and deposit up to a day (leftovers carry forward,
/// so nothing is cut off at the start), settlement and bank lines up to ten days later (they arrive after the batch),
/// and the decisions people recorded.
public struct ReconciliationData: Sendable {
    /// How long after a day its settlements and bank credits may arrive and still be matched to it.
    public static let lateArrivalDays = 10

    public var inputs: ReconciliationInputs
    public var decisions: [ReconciliationDecision]
    public var result: Reconciliation
    public var settlementLineCount: Int

    public static func load(
        _ store: Store,
        viewer: Operator,
        through last: BusinessDate
    ) async throws -> ReconciliationData {
        var inputs = ReconciliationInputs()
        for batch in try await store.cardBatches(through: last, viewer: viewer) {
            let (items, payments) = matchingItems(batch)
            inputs.batches += items
            inputs.payments += payments
        }
        inputs.slips = try await store.deposits(through: last, viewer: viewer).map {
            DepositSlipItem(id: $0.id, total: $0.total, date: $0.businessDate)
        }
        let window = last.adding(days: lateArrivalDays)
        let settlement = try await store.settlementLines(through: window)
        inputs.entries = settlement.compactMap(\.matchingEntry)
        inputs.payouts = settlement.matchingPayouts
        inputs.bank = try await store.bankLines(through: window).map(\.matchingLine)
        let decisions = try await store.reconciliationDecisions()
        return ReconciliationData(
            inputs: inputs,
            decisions: decisions,
            result: Reconciler.reconcile(inputs, decisions: decisions),
            settlementLineCount: settlement.count
        )
    }

    /// A batch as matching sees it: the processor's cards and CareCredit settle apart, so each is an item of its own;
    /// the processor knows a batch by the terminal's own number when one was typed at close.
    public static func matchingItems(
        _ batch: CardBatch
    ) -> (batches: [TerminalBatchItem], payments: [CardPaymentItem]) {
        let id = batch.reference ?? batch.id
        let processor = batch.payments.filter { $0.tender != .careCredit }
        let careCredit = batch.payments.filter { $0.tender == .careCredit }
        var items: [TerminalBatchItem] = []
        if !processor.isEmpty {
            items.append(
                TerminalBatchItem(
                    id: id,
                    terminal: batch.terminal,
                    gross: processor.map(\.amount).sum(),
                    closedOn: batch.businessDate
                )
            )
        }
        if !careCredit.isEmpty {
            items.append(
                TerminalBatchItem(
                    id: "\(id)-CC",
                    terminal: batch.terminal,
                    gross: careCredit.map(\.amount).sum(),
                    closedOn: batch.businessDate,
                    careCredit: true
                )
            )
        }
        let payments = processor.map {
            CardPaymentItem(
                id: $0.number,
                amount: $0.amount,
                authCode: $0.authCode,
                last4: $0.last4,
                batch: id,
                date: $0.businessDate
            )
        }
        return (items, payments)
    }
}
