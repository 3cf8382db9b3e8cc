import ArgumentParser
import Foundation
import POSCore
import POSReports
import POSStorage

/// `vetpos report reconcile`: card batches, processor settlements, deposits and bank lines matched by the stages of
/// FORMATS.md §6, with every match's rule and every leftover listed.
struct ReconcileReport: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Match card batches and deposits of the days to imported settlements and bank lines.",
        discussion: """
            Batches and deposits of --from…--to are matched against settlement and bank lines dated up to ten days \
            later (settlements arrive days after the batch). Subset-sum matches are suggestions to confirm; unmatched \
            items are carried forward and listed, never absorbed.
            """
    )
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var signIn: SignInOptions
    @Option(help: "First business day, YYYY-MM-DD.") var from: String
    @Option(help: "Last business day (default: --from).") var to: String?
    @Option(help: "text or json.") var format = OutputFormat.text

    func execute() async throws {
        guard let first = BusinessDate(from) else {
            throw POSError.invalid(field: "--from", reason: "'\(from)' is not a date (YYYY-MM-DD)")
        }
        guard let last = BusinessDate(to ?? from), last >= first else {
            throw POSError.invalid(field: "--to", reason: "'\(to ?? "")' is not a date on or after --from")
        }
        let store = try database.openStore()
        let viewer = try await signIn.signIn(store)
        let outcome = try await Self.reconcile(store, viewer: viewer, from: first, through: last)
        print(format == .json ? try Output.json(outcome.result) : outcome.text, terminator: format == .json ? "\n" : "")
    }

    struct Outcome {
        var first: BusinessDate
        var last: BusinessDate
        var batches: Int
        var slips: Int
        var settlementLines: Int
        var bankLines: Int
        var result: Reconciliation

        var text: String {
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
    static func reconcile(
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
struct ReconciliationData {
    /// How long after a day its settlements and bank credits may arrive and still be matched to it.
    static let lateArrivalDays = 10

    var inputs: ReconciliationInputs
    var decisions: [ReconciliationDecision]
    var result: Reconciliation
    var settlementLineCount: Int

    static func load(_ store: Store, viewer: Operator, through last: BusinessDate) async throws -> ReconciliationData {
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
    static func matchingItems(_ batch: CardBatchRecord) -> (batches: [TerminalBatchItem], payments: [CardPaymentItem]) {
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
