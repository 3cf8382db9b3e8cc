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
            out.append("Matched")
            for match in result.matches {
                let sides = "\(match.left.joined(separator: " + ")) ↔ \(match.right.joined(separator: " + "))"
                out.append(
                    "  \(match.suggestion ? "SUGGESTED " : "")\(match.kind.rawValue) [\(match.rule.rawValue)] \(sides): \(match.detail)"
                )
            }
            if result.matches.isEmpty { out.append("  (none)") }
            out.append("To explain or carried forward")
            for finding in result.findings {
                let amount = finding.amount.map { " \($0.formatted)" } ?? ""
                out.append(
                    "  \(finding.kind.rawValue): \(finding.items.joined(separator: ", "))\(amount) — \(finding.detail)"
                )
            }
            if result.findings.isEmpty { out.append("  (nothing: every item matched)") }
            return out.joined(separator: "\n") + "\n"
        }
    }

    /// Gathers the days' batches and deposits and the settlement and bank lines up to ten days later, and matches them.
    static func reconcile(
        _ store: Store,
        viewer: Operator,
        from first: BusinessDate,
        through last: BusinessDate
    ) async throws -> Outcome {
        try viewer.require(.viewReports)
        var payments: [CardPaymentItem] = []
        var batches: [TerminalBatchItem] = []
        var slips: [DepositSlipItem] = []
        var day = first
        while day <= last {
            for batch in try await store.cardBatchDay(day, viewer: viewer).batches where batch.businessDate == day {
                // The processor knows a batch by the terminal's own number when one was typed at close.
                let id = batch.reference ?? batch.id
                let processor = batch.payments.filter { $0.tender != .careCredit }
                let careCredit = batch.payments.filter { $0.tender == .careCredit }
                if !processor.isEmpty {
                    batches.append(
                        TerminalBatchItem(
                            id: id,
                            terminal: batch.terminal,
                            gross: processor.map(\.amount).sum(),
                            closedOn: day
                        )
                    )
                }
                if !careCredit.isEmpty {
                    batches.append(
                        TerminalBatchItem(
                            id: "\(id)-CC",
                            terminal: batch.terminal,
                            gross: careCredit.map(\.amount).sum(),
                            closedOn: day,
                            careCredit: true
                        )
                    )
                }
                payments += processor.map {
                    CardPaymentItem(
                        id: $0.number,
                        amount: $0.amount,
                        authCode: $0.authCode,
                        last4: $0.last4,
                        batch: id,
                        date: $0.businessDate
                    )
                }
            }
            for deposit in try await store.depositDay(day, viewer: viewer).deposits {
                slips.append(DepositSlipItem(id: deposit.id, total: deposit.total, date: deposit.businessDate))
            }
            day = day.adding(days: 1)
        }
        let window = last.adding(days: 10)
        let settlement = try await store.settlementLines(from: first, through: window)
        let bank = try await store.bankLines(from: first, through: window).map(\.matchingLine)
        let result = Reconciler.reconcile(
            payments: payments,
            batches: batches,
            entries: settlement.compactMap(\.matchingEntry),
            payouts: settlement.matchingPayouts,
            slips: slips,
            bank: bank
        )
        return Outcome(
            first: first,
            last: last,
            batches: batches.count,
            slips: slips.count,
            settlementLines: settlement.count,
            bankLines: bank.count,
            result: result
        )
    }
}
